import { Type } from 'typebox';
import { ListingQueryFields, ProductSummarySchema, type ListingQueryString, type ListingSort } from '../catalog/index.js';

// The text is any string: it is reduced to clean words by the service, never refused for its content.
export const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ description: 'Free text; only its first 200 characters and 10 words are used' })),
    ...ListingQueryFields,
    sort: Type.Optional(Type.Union([Type.Literal('relevance'), Type.Literal('featured'), Type.Literal('newest'), Type.Literal('price-asc'), Type.Literal('price-desc')])),
  },
  { additionalProperties: false },
);

export type SearchQueryString = ListingQueryString & { q?: string; sort?: ListingSort };

const Count = Type.Integer({ minimum: 0 });

export const SearchResponse = Type.Object({
  items: Type.Array(ProductSummarySchema),
  /** Counted no further than 1,000: `totalCapped` then says there are more (and facets count the first 1,000). */
  total: Count,
  totalCapped: Type.Optional(Type.Boolean()),
  limit: Type.Integer(),
  offset: Type.Integer(),
  query: Type.Object({ terms: Type.Array(Type.String()), fuzzy: Type.Boolean() }),
  facets: Type.Object({
    categories: Type.Array(Type.Object({ slug: Type.String(), name: Type.String(), parent: Type.Union([Type.String(), Type.Null()]), count: Count })),
    price: Type.Array(Type.Object({ min: Count, max: Type.Union([Count, Type.Null()]), count: Count })),
    options: Type.Array(Type.Object({ name: Type.String(), values: Type.Array(Type.Object({ value: Type.String(), count: Count })) })),
    inStock: Count,
  }),
});
