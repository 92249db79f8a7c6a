import { Type } from 'typebox';

/** Request and response shapes of the category and collection APIs; bodies refuse unknown fields. */
const strict = { additionalProperties: false } as const;
const Uuid = Type.String({ format: 'uuid' });
const Slug = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 120 });
const Name = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' });
const Description = Type.String({ maxLength: 10_000 });
const SeoTitle = Type.String({ maxLength: 120 });
const SeoDescription = Type.String({ maxLength: 320 });

export const IdParams = Type.Object({ id: Uuid });
export const SlugParams = Type.Object({ slug: Slug });

// --- categories ---------------------------------------------------------------------------------------------
export const AdminCategory = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  seoTitle: Type.String(),
  seoDescription: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  position: Type.Integer(),
  depth: Type.Integer(),
  path: Type.Array(Type.String()),
  productCount: Type.Integer(),
});

export const AdminCategoryList = Type.Object({ items: Type.Array(AdminCategory) });

export const CategoryCreateBody = Type.Object(
  {
    name: Name,
    slug: Type.Optional(Slug),
    description: Type.Optional(Description),
    seoTitle: Type.Optional(SeoTitle),
    seoDescription: Type.Optional(SeoDescription),
    parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  },
  strict,
);

export interface CategoryCreate {
  name: string;
  slug?: string;
  description?: string;
  seoTitle?: string;
  seoDescription?: string;
  parentId?: string | null;
}

export const CategoryPatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    slug: Type.Optional(Slug),
    description: Type.Optional(Description),
    seoTitle: Type.Optional(SeoTitle),
    seoDescription: Type.Optional(SeoDescription),
    parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  },
  { ...strict, minProperties: 1 },
);

export const CategoryOrderBody = Type.Object({ parentId: Type.Union([Uuid, Type.Null()]), ids: Type.Array(Uuid, { minItems: 1, maxItems: 1000, uniqueItems: true }) }, strict);

/** The category form: text fields, checked by the service so the page shows errors beside them. */
export const CategoryForm = Type.Object(
  {
    _csrf: Type.Optional(Type.String({ maxLength: 200 })),
    name: Type.Optional(Type.String({ maxLength: 500 })),
    slug: Type.Optional(Type.String({ maxLength: 500 })),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    seoTitle: Type.Optional(Type.String({ maxLength: 500 })),
    seoDescription: Type.Optional(Type.String({ maxLength: 1_000 })),
    parentId: Type.Optional(Type.Union([Uuid, Type.Literal('')])),
  },
  strict,
);

export const MoveForm = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })), direction: Type.Union([Type.Literal('up'), Type.Literal('down')]) }, strict);
export const ConfirmForm = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })) }, strict);
export const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 30 })) });

// --- collections --------------------------------------------------------------------------------------------
const Rule = Type.Union([
  Type.Object({ field: Type.Literal('category'), op: Type.Literal('eq'), value: Uuid }, strict),
  Type.Object({ field: Type.Literal('tag'), op: Type.Literal('eq'), value: Type.String({ minLength: 1, maxLength: 60 }) }, strict),
  Type.Object({ field: Type.Literal('price'), op: Type.Union([Type.Literal('lt'), Type.Literal('lte'), Type.Literal('gt'), Type.Literal('gte')]), value: Type.Integer({ minimum: 0, maximum: 100_000_000 }) }, strict),
  Type.Object({ field: Type.Literal('on_sale'), op: Type.Literal('eq'), value: Type.Boolean() }, strict),
]);

export const CollectionRules = Type.Object({ match: Type.Union([Type.Literal('all'), Type.Literal('any')]), rules: Type.Array(Rule, { maxItems: 20 }) }, strict);
const Kind = Type.Union([Type.Literal('manual'), Type.Literal('rule')]);
const ProductRefs = Type.Array(Type.String({ minLength: 1, maxLength: 120 }), { maxItems: 500 });

export const CollectionCreateBody = Type.Object(
  {
    title: Name,
    slug: Type.Optional(Slug),
    description: Type.Optional(Description),
    kind: Kind,
    rules: Type.Optional(CollectionRules),
    products: Type.Optional(ProductRefs),
    published: Type.Optional(Type.Boolean()),
    seoTitle: Type.Optional(SeoTitle),
    seoDescription: Type.Optional(SeoDescription),
  },
  strict,
);

export const CollectionPatchBody = Type.Object(
  {
    title: Type.Optional(Name),
    slug: Type.Optional(Slug),
    description: Type.Optional(Description),
    kind: Type.Optional(Kind),
    rules: Type.Optional(CollectionRules),
    products: Type.Optional(ProductRefs),
    published: Type.Optional(Type.Boolean()),
    seoTitle: Type.Optional(SeoTitle),
    seoDescription: Type.Optional(SeoDescription),
  },
  { ...strict, minProperties: 1 },
);

export const AdminCollection = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  descriptionHtml: Type.String(),
  kind: Kind,
  rules: Type.Object({ match: Type.String(), rules: Type.Array(Type.Object({ field: Type.String(), op: Type.String(), value: Type.Union([Type.String(), Type.Number(), Type.Boolean()]) })) }),
  published: Type.Boolean(),
  seoTitle: Type.String(),
  seoDescription: Type.String(),
  products: Type.Array(Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String(), status: Type.String() })),
  productCount: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const AdminCollectionList = Type.Object({ items: Type.Array(AdminCollection) });

export const PublicCollection = Type.Object({ slug: Type.String(), title: Type.String(), descriptionHtml: Type.String(), seoTitle: Type.String(), seoDescription: Type.String() });

/** Rows of the rules editor on the collection form (blank rows are ignored). */
export const ruleRows = 5;

const formFields: Record<string, ReturnType<typeof Type.Optional<ReturnType<typeof Type.String>>>> = {
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  title: Type.Optional(Type.String({ maxLength: 500 })),
  slug: Type.Optional(Type.String({ maxLength: 500 })),
  description: Type.Optional(Type.String({ maxLength: 10_000 })),
  seoTitle: Type.Optional(Type.String({ maxLength: 500 })),
  seoDescription: Type.Optional(Type.String({ maxLength: 1_000 })),
  published: Type.Optional(Type.String({ maxLength: 10 })),
  kind: Type.Optional(Type.String({ maxLength: 10 })),
  match: Type.Optional(Type.String({ maxLength: 10 })),
  products: Type.Optional(Type.String({ maxLength: 65_000 })),
};
for (let i = 0; i < ruleRows; i++) {
  formFields[`rule${i}Field`] = Type.Optional(Type.String({ maxLength: 20 }));
  formFields[`rule${i}Op`] = Type.Optional(Type.String({ maxLength: 10 }));
  formFields[`rule${i}Value`] = Type.Optional(Type.String({ maxLength: 120 }));
}

/** The collection form: text fields, turned into the service's input by the route. */
export const CollectionForm = Type.Object(formFields, strict);
