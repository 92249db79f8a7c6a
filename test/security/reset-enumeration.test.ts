import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifiedAccount, mailsTo, newEmail, post } from '../support/accounts.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** What a request left in the database: jobs by type and single-use tokens. */
async function footprint() {
  const db = t.database.db;
  const jobs = await db.selectFrom('outbox_job').select(['id', 'type']).where('status', '=', 'ready').execute();
  const tokens = await db.selectFrom('auth_token').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return { jobs, tokens: Number(tokens.n) };
}

describe('password-reset requests do the same work for known and unknown addresses', () => {
  it('writes one identical job and nothing else on the request path, answers the same, and mails only the account', async () => {
    const known = await createVerifiedAccount(t);
    const unknown = newEmail('nobody');
    await t.outbox.drain();

    const work: unknown[] = [];
    const answers: unknown[] = [];
    for (const email of [known, unknown]) {
      const before = await footprint();
      const hashes = { ...t.hasher.calls };
      const res = await post(t, '/api/v1/auth/password-reset/request', { email });
      answers.push([res.statusCode, res.json()]);
      const after = await footprint();
      // Jobs written by the request: the shop's recurring jobs (reconciliations) wait in the queue already.
      const known = new Set(before.jobs.map((j) => j.id));
      const added = after.jobs.filter((j) => !known.has(j.id));
      work.push({
        newJobs: added.length,
        jobTypes: [...new Set(added.map((j) => j.type))],
        newTokens: after.tokens - before.tokens,
        hashing: { hash: t.hasher.calls.hash - hashes.hash, verify: t.hasher.calls.verify - hashes.verify, dummy: t.hasher.calls.dummy - hashes.dummy },
      });
      await t.outbox.drain();
    }
    expect(work[0]).toEqual({ newJobs: 1, jobTypes: ['auth.password_reset_requested'], newTokens: 0, hashing: { hash: 0, verify: 0, dummy: 0 } });
    expect(work[1]).toEqual(work[0]);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]).toEqual([202, expect.objectContaining({ status: 'check_your_email' })]);
    // The worker does the lookup: the account gets its link, the unknown address nothing.
    expect((await mailsTo(t, known)).some((m) => m.text.includes('/account/reset?token='))).toBe(true);
    expect(await mailsTo(t, unknown)).toEqual([]);
  });
});
