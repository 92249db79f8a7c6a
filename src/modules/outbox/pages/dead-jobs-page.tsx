import type { VNode } from 'preact';
import { AdminLayout, type AdminContext } from '../../../backoffice/index.js';
import { Notice, PostForm } from '../../../web/forms/fields.js';
import type { OutboxCounts } from '../outbox.repository.js';
import type { DeadJob } from '../outbox.service.js';

export interface DeadJobsPageProps {
  ctx: AdminContext;
  jobs: DeadJob[];
  counts: OutboxCounts;
  locale: string;
  done?: string | undefined;
}

const notices: Record<string, string> = {
  retried: 'The job is back in the queue with a fresh set of attempts.',
  discarded: 'The job was discarded: it will not run, and its payload is gone.',
};

/**
 * Dead outbox jobs (a mail that could not be sent, after every retry): what failed and how, with a
 * retry and a discard button each. Payloads (recipients, links) are never shown.
 */
export function deadJobsPage(props: DeadJobsPageProps): VNode {
  const { ctx, locale } = props;
  const time = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  const number = new Intl.NumberFormat(locale);
  return (
    <AdminLayout ctx={ctx} title="Outbox">
      <div class="admin-head">
        <h1>
          Dead jobs <span class="admin-head__count tabular">{number.format(props.jobs.length)}</span>
        </h1>
        <p>
          Work done after a change commits (mail first) that failed on every try. {number.format(props.counts.ready)} waiting to run,{' '}
          {number.format(props.counts.running)} running. Retrying or discarding is written to the audit trail.
        </p>
      </div>
      {props.done && notices[props.done] ? <Notice>{notices[props.done]}</Notice> : null}
      {props.jobs.length === 0 ? (
        <p class="empty">No dead jobs. Everything that was queued has run, or is still being tried.</p>
      ) : (
        <div class="table-wrap">
          <table class="admin-table">
            <caption class="visually-hidden">Dead jobs, most recently parked first</caption>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Last error</th>
                <th scope="col">Tries</th>
                <th scope="col">Parked (UTC)</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {props.jobs.map((job) => (
                <tr key={job.id}>
                  <td>
                    <code>{job.type}</code>
                  </td>
                  <td>{job.lastError ?? <span class="muted">—</span>}</td>
                  <td class="num tabular">
                    {job.attempts} / {job.maxAttempts}
                  </td>
                  <td class="nowrap">{time.format(job.diedAt)}</td>
                  <td>
                    <div class="row-actions">
                      <PostForm action={`/admin/outbox/dead-jobs/${job.id}/retry`} csrf={ctx.csrf}>
                        <button class="button button--secondary button--small" type="submit" aria-label={`Retry the ${job.type} job parked ${time.format(job.diedAt)}`}>
                          Retry
                        </button>
                      </PostForm>
                      <PostForm action={`/admin/outbox/dead-jobs/${job.id}/discard`} csrf={ctx.csrf}>
                        <button class="button button--danger button--small" type="submit" aria-label={`Discard the ${job.type} job parked ${time.format(job.diedAt)}`}>
                          Discard
                        </button>
                      </PostForm>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AdminLayout>
  );
}
