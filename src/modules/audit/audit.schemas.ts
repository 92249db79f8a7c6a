import { Type } from 'typebox';

/**
 * Request and response shapes of the audit trail API. The query's shape is checked here (text, bounded,
 * no unknown names: a misspelt filter is a 400, never a silently unfiltered answer); what each value
 * means is checked by parseAuditQuery (audit.query.ts), shared with the page.
 */
const filter = (description: string, maxLength = 200) => Type.Optional(Type.String({ maxLength, description }));

export const AuditEventsQuery = Type.Object(
  {
    actor: filter('An actor id (UUID), or an actor type: staff, customer, system, anonymous.'),
    action: filter('An action (`staff.joined`), or a prefix ending in `.` or `*` (`staff.`, `staff.invit*`).'),
    targetType: filter('The target type, e.g. `staff_member`.'),
    targetId: filter('The target id; usually with targetType.', 300),
    outcome: filter('success, failure or denied.'),
    from: filter('Earliest time, inclusive: `2026-11-27`, `2026-11-27T14:30` or a full ISO time; UTC unless it has an offset.'),
    to: filter('Latest time, inclusive at its precision (a date takes in the whole day).'),
    before: filter('Keyset cursor: only events with a lower seq (the `nextBefore` of the previous page).', 20),
  },
  { additionalProperties: false },
);

/** The page's query: the same names, anything else ignored; values are checked by parseAuditQuery so the form can show errors. */
export const AuditPageQuery = Type.Object(
  {
    actor: Type.Optional(Type.String({ maxLength: 2000 })),
    action: Type.Optional(Type.String({ maxLength: 2000 })),
    targetType: Type.Optional(Type.String({ maxLength: 2000 })),
    targetId: Type.Optional(Type.String({ maxLength: 2000 })),
    outcome: Type.Optional(Type.String({ maxLength: 2000 })),
    from: Type.Optional(Type.String({ maxLength: 2000 })),
    to: Type.Optional(Type.String({ maxLength: 2000 })),
    before: Type.Optional(Type.String({ maxLength: 2000 })),
  },
);

const Nullable = (schema: ReturnType<typeof Type.String>) => Type.Union([schema, Type.Null()]);

export const AuditEventItem = Type.Object({
  seq: Type.Integer(),
  occurredAt: Type.String({ format: 'date-time' }),
  actorType: Type.Union([Type.Literal('staff'), Type.Literal('customer'), Type.Literal('system'), Type.Literal('anonymous')]),
  actorId: Nullable(Type.String()),
  actorRole: Nullable(Type.String()),
  action: Type.String(),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  changes: Type.Union([Type.Record(Type.String(), Type.Object({ before: Type.Unknown(), after: Type.Unknown() })), Type.Null()], {
    description: 'Changed fields, each { before, after }; personal data reads "[redacted]".',
  }),
  clientIp: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')]),
  hash: Type.String(),
});

export const AuditEventList = Type.Object({
  items: Type.Array(AuditEventItem),
  nextBefore: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as `before` for the next (older) page; null on the last page.' }),
  total: Type.Integer({ description: 'Matching events, counted up to 100,000.' }),
  totalExact: Type.Boolean({ description: 'False when more than `total` events match.' }),
});
