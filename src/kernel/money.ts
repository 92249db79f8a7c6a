/** Money: an integer count of minor units plus its ISO 4217 currency. Never a float. */
export interface Money {
  amount: number;
  currency: string;
}
