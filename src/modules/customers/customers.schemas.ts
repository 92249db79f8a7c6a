import { Type } from 'typebox';

/**
 * Request and response shapes of the customer API (/api/v1/me/...). Every body rejects unknown fields,
 * so a `userId`, `id` or `role` sent along is a 400 VALIDATION_FAILED and nothing changes. Lengths here
 * are the same bounds the service applies (which also trims, and explains each problem in words).
 */
const strict = { additionalProperties: false } as const;
export const limits = { name: 100, line: 200, city: 100, region: 100, postalCode: 20, phone: 30, label: 40, fullName: 200 } as const;

const text = (max: number) => Type.String({ minLength: 1, maxLength: max });
/** An optional field: absent or null means none; PATCH sends null to clear it. */
const optionalText = (max: number) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));
const Country = Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 code, like GB' });

export const AddressBody = Type.Object(
  {
    label: optionalText(limits.label),
    name: text(limits.name),
    line1: text(limits.line),
    line2: optionalText(limits.line),
    city: text(limits.city),
    region: optionalText(limits.region),
    postalCode: text(limits.postalCode),
    country: Country,
    phone: optionalText(limits.phone),
    isDefaultShipping: Type.Optional(Type.Boolean()),
    isDefaultBilling: Type.Optional(Type.Boolean()),
  },
  strict,
);

export const AddressPatchBody = Type.Object(
  {
    label: optionalText(limits.label),
    name: Type.Optional(text(limits.name)),
    line1: Type.Optional(text(limits.line)),
    line2: optionalText(limits.line),
    city: Type.Optional(text(limits.city)),
    region: optionalText(limits.region),
    postalCode: Type.Optional(text(limits.postalCode)),
    country: Type.Optional(Country),
    phone: optionalText(limits.phone),
    isDefaultShipping: Type.Optional(Type.Boolean()),
    isDefaultBilling: Type.Optional(Type.Boolean()),
  },
  { ...strict, minProperties: 1 },
);

export const AddressParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, strict);

const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);

export const Address = Type.Object({
  id: Type.String(),
  label: Nullable(Type.String()),
  name: Type.String(),
  line1: Type.String(),
  line2: Nullable(Type.String()),
  city: Type.String(),
  region: Nullable(Type.String()),
  postalCode: Type.String(),
  country: Type.String(),
  phone: Nullable(Type.String()),
  isDefaultShipping: Type.Boolean(),
  isDefaultBilling: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const AddressList = Type.Object({ items: Type.Array(Address), max: Type.Integer() });

export const ProfileBody = Type.Object(
  {
    fullName: Type.Union([Type.String({ maxLength: limits.fullName }), Type.Null()]),
    phone: Type.Union([Type.String({ maxLength: limits.phone }), Type.Null()]),
    marketingOptIn: Type.Boolean(),
  },
  strict,
);
export const Profile = Type.Object({
  fullName: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  marketingOptIn: Type.Boolean(),
  updatedAt: Nullable(Type.String()),
});

/**
 * Deleting the account: the password, and a second factor when MFA is on; or nothing, after a recent
 * re-authentication (an account without a password re-authenticates with a passkey or a fresh sign-in).
 */
export const DeleteAccountBody = Type.Object(
  {
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    recoveryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  strict,
);
export const Deleted = Type.Object({ status: Type.String(), message: Type.String() });
