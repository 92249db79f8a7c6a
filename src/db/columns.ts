import type { ColumnType } from 'kysely';

/** A timestamp set by the database on insert and never updated. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** A timestamp set on insert and on every update. */
export type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
