import type { SettingsReader } from '../../kernel/settings.js';

/** The payment pages' tamper check (src/modules/page-integrity). */
export interface PageIntegritySettings {
  /** Minutes between two scheduled checks through the outbox; 0: no schedule (the deploy still runs `npm run pages:verify`). */
  intervalMinutes: number;
  /** Where the check fetches the pages, as a shopper's browser would: PUBLIC_URL unless set. */
  url: string;
}

/**
 * PAGE_INTEGRITY_CHECK_MINUTES (default 15 in production, 0 elsewhere: a laptop's PUBLIC_URL is often
 * not where the app answers) and PAGE_INTEGRITY_URL (default PUBLIC_URL).
 */
export function readPageIntegritySettings(read: SettingsReader, context: { nodeEnv: string; publicUrl: string }): PageIntegritySettings {
  return {
    intervalMinutes: read.integer('PAGE_INTEGRITY_CHECK_MINUTES', context.nodeEnv === 'production' ? 15 : 0, { min: 0, max: 1_440 }),
    url: read.url('PAGE_INTEGRITY_URL', context.publicUrl, ['http:', 'https:']),
  };
}
