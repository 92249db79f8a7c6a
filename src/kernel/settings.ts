/** Environment variables by name, as `process.env` holds them. */
export type Env = Record<string, string | undefined>;

/**
 * Small typed readers of settings that record a problem and return a harmless default instead of
 * throwing, so that config.ts reports every bad variable in one pass. Each module reads its own
 * settings with one (`<module>.settings.ts`); config.ts composes them.
 */
export class SettingsReader {
  constructor(
    private readonly env: Env,
    /** Every problem found so far: config.ts reports them all at once. */
    readonly problems: string[] = [],
  ) {}

  /** Records a problem that no single reader can see (two settings that disagree). */
  problem(message: string): void {
    this.problems.push(message);
  }

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  pattern(name: string, fallback: string, re: RegExp, what: string): string {
    const value = this.raw(name) ?? fallback;
    if (!re.test(value)) this.problems.push(`${name}: "${value}" is not ${what}`);
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}: "${value}" is not one of ${allowed.join(', ')}`);
    return fallback;
  }

  optionalInteger(name: string, range: { min: number; max: number }): number | undefined {
    return this.raw(name) === undefined ? undefined : this.integer(name, range.min, range);
  }

  integer(name: string, fallback: number, range: { min: number; max: number }): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value)) {
      this.problems.push(`${name}: "${value}" is not a whole number`);
      return fallback;
    }
    const n = Number(value);
    if (n < range.min || n > range.max) {
      this.problems.push(`${name}: ${n} is outside ${range.min}..${range.max}`);
      return fallback;
    }
    return n;
  }

  url(name: string, fallbackOrValue: string, protocols: string[]): string {
    const value = this.raw(name) ?? fallbackOrValue;
    try {
      const u = new URL(value);
      if (!protocols.includes(u.protocol)) {
        this.problems.push(`${name}: must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      }
      return value.replace(/\/+$/, '');
    } catch {
      // Never echo a URL that may hold a password.
      this.problems.push(`${name}: is not a valid URL`);
      return fallbackOrValue;
    }
  }

  locale(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    try {
      new Intl.Locale(value);
    } catch {
      this.problems.push(`${name}: "${value}" is not a BCP 47 locale such as en-GB`);
      return fallback;
    }
    return value;
  }
}
