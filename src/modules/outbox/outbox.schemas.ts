import { Type } from 'typebox';

/** Request and response shapes of the outbox's staff API; bodies refuse unknown fields. */
const Iso = Type.String({ format: 'date-time' });

export const JobParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const EmptyBody = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, { additionalProperties: false })]);
export const DeadJobsQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, { additionalProperties: false });

export const DeadJob = Type.Object({
  id: Type.String(),
  type: Type.String(),
  key: Type.String(),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Iso,
  diedAt: Iso,
});

export const DeadJobList = Type.Object({ jobs: Type.Array(DeadJob) });

/** The page's one message after a retry or discard. */
export const PageQuery = Type.Object({ done: Type.Optional(Type.Union([Type.Literal('retried'), Type.Literal('discarded')])) }, { additionalProperties: false });
/** A page form carries only its CSRF token. */
export const FormBody = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });
