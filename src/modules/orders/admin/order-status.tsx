import { statusLabels } from '../orders.state-machine.js';
import type { OrderStatus } from '../orders.types.js';

/** The badge's tone by status: text always says the status, colour only repeats it. */
const tone: Record<OrderStatus, string> = {
  pending_payment: 'badge',
  paid: 'badge badge--attention',
  partially_fulfilled: 'badge badge--attention',
  fulfilled: 'badge badge--info',
  delivered: 'badge badge--ok',
  cancelled: 'badge',
  partially_refunded: 'badge badge--danger',
  refunded: 'badge badge--danger',
};

export function StatusBadge({ status }: { status: OrderStatus }) {
  return <span class={tone[status]}>{statusLabels[status]}</span>;
}
