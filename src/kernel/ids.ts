import { randomUUID } from 'node:crypto';

/** A new random (v4) UUID, the id of every row the app creates. */
export function newId(): string {
  return randomUUID();
}
