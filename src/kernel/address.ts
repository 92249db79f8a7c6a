/**
 * A postal address as customers save it and orders keep it. Its fields are personal data: modules store
 * them sealed by the encryption module, never in plain columns. `country` is ISO 3166-1 alpha-2
 * (kernel/countries.ts); `region` is the subdivision part of an ISO 3166-2 code ("CA" of US-CA) where the
 * country uses one for taxes or post.
 */
export interface PostalAddressFields {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
  phone: string | null;
}
