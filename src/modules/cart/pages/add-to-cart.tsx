import type { FastifyRequest } from 'fastify';
import { CsrfField } from '../../../web/forms/csrf-field.js';

export interface AddToCartProps {
  variantId: string;
  /** Absent for a visitor with no cookie at all: the page stays the same for everyone (see csrf.ts). */
  csrf?: string | undefined;
  soldOut: boolean;
  maxQuantity: number;
  /** Cards: a button only (one unit), named after the product for screen readers. */
  compact?: { productName: string };
}

/**
 * Add to cart as a plain POST form (to /cart, the cart shown after); src/web/scripts/add-to-cart.js posts
 * it to the JSON API instead, updates the header's count and says so in place.
 */
export function AddToCartForm(props: AddToCartProps) {
  const label = props.soldOut ? 'Sold out' : 'Add to cart';
  if (props.compact) {
    return (
      <form class="card__add" method="post" action="/cart/items" data-add-to-cart>
        {props.csrf ? <CsrfField token={props.csrf} /> : null}
        <input type="hidden" name="variantId" value={props.variantId} />
        <input type="hidden" name="quantity" value="1" />
        {/* Above the button, so the buttons of a row stay level when one card says it was added. */}
        <p class="card__add-status" role="status" data-add-status></p>
        <button type="submit" class="button button--secondary card__button" disabled={props.soldOut}>
          {label}
          <span class="visually-hidden">: {props.compact.productName}</span>
        </button>
      </form>
    );
  }
  return (
    <form class="add-to-cart" method="post" action="/cart/items" data-add-to-cart>
      {props.csrf ? <CsrfField token={props.csrf} /> : null}
      <input type="hidden" name="variantId" value={props.variantId} data-add-variant />
      <div class="add-to-cart__quantity">
        <label for="add-quantity">Quantity</label>
        <input class="field__input" id="add-quantity" name="quantity" type="number" inputMode="numeric" min={1} max={props.maxQuantity} value="1" />
      </div>
      <button type="submit" class="button add-to-cart__button" disabled={props.soldOut} data-add-button>
        {label}
      </button>
      <p class="add-to-cart__status" role="status" data-add-status></p>
    </form>
  );
}

/**
 * The product page's purchase slot, and the listing cards' (`card`: one unit of a product's only variant).
 * A request that carries no cookie at all gets a form without a CSRF token (minting one would set a
 * cookie and make a page cached for everyone private); its post is accepted without one only while it
 * still carries no cookie and is same-origin (csrf.ts).
 */
export function createPurchaseSlot(deps: { csrf: { token(request: FastifyRequest): string }; maxQuantity: number; script?: string | undefined }) {
  return {
    script: deps.script,
    form: (request: FastifyRequest, variant: { id: string; stock: string; available: number }) => (
      <AddToCartForm
        variantId={variant.id}
        csrf={request.headers.cookie !== undefined ? deps.csrf.token(request) : undefined}
        soldOut={variant.stock === 'sold_out'}
        maxQuantity={Math.max(1, Math.min(deps.maxQuantity, variant.available))}
      />
    ),
    card: (request: FastifyRequest) => {
      // One token for the whole grid: every card's form carries the same.
      const csrf = request.headers.cookie !== undefined ? deps.csrf.token(request) : undefined;
      return (item: { variantId: string; productName: string }) => (
        <AddToCartForm variantId={item.variantId} csrf={csrf} soldOut={false} maxQuantity={1} compact={{ productName: item.productName }} />
      );
    },
  };
}
