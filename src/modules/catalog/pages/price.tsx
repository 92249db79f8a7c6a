import { formatMoney } from '../../../web/format.js';
import type { Money } from '../../../kernel/money.js';

/** Price with a struck-through compare-at price and hidden "Sale price" text for screen readers. */
export function Price({ price, compareAt, locale, from = false }: { price: Money; compareAt: Money | null; locale: string; from?: boolean }) {
  const onSale = compareAt !== null && compareAt.amount > price.amount;
  return (
    <p class="price">
      {onSale ? <span class="visually-hidden">Sale price</span> : <span class="visually-hidden">Price</span>}
      <span class={onSale ? 'price__current price__current--sale' : 'price__current'}>
        {from ? 'From ' : ''}
        {formatMoney(price, locale)}
      </span>
      {onSale ? (
        <>
          <span class="visually-hidden">Regular price</span>
          <s class="price__compare">{formatMoney(compareAt, locale)}</s>
        </>
      ) : null}
    </p>
  );
}
