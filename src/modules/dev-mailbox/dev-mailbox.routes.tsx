import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { VNode } from 'preact';
import { sendPrivatePage } from '../../web/html-reply.js';
import { Layout } from '../../web/layout.js';
import type { PageContext, PageContextOf } from '../../web/page-context.js';
import type { DevMailer, StoredMail } from '../../adapters/mail/dev.js';

export interface DevMailboxDeps {
  mailer: DevMailer;
  pageContext: PageContextOf;
  nodeEnv: 'development' | 'production' | 'test';
}

/**
 * The dev mailbox: `/dev/mailbox` lists the mails the dev mailer stored, newest first, and
 * `/dev/mailbox/:id` shows one as plain text (its links are clickable). Never registered when
 * NODE_ENV=production, so there the paths answer 404 like any unknown route.
 */
export function registerDevMailboxRoutes(app: FastifyInstance, deps: DevMailboxDeps): void {
  if (deps.nodeEnv === 'production') return;
  const { mailer, pageContext } = deps;

  app.get('/dev/mailbox', { schema: { hide: true } }, async (request, reply) => {
    const [ctx, mails] = await Promise.all([pageContext(request.url, request), mailer.list()]);
    return sendPrivate(reply, <MailboxPage ctx={ctx} mails={mails} />);
  });

  app.get<{ Params: { id: string } }>(
    '/dev/mailbox/:id',
    { schema: { hide: true, params: Type.Object({ id: Type.String({ pattern: '^[0-9]{13}-[0-9a-f]{12}$' }) }) } },
    async (request, reply) => {
      const [ctx, mail] = await Promise.all([pageContext(request.url, request), mailer.read(request.params.id)]);
      if (mail === undefined) return reply.callNotFound();
      return sendPrivate(reply, <MailPage ctx={ctx} mail={mail} />);
    },
  );
}

/** Mail holds single-use links: never cached (the private-page reply), never indexed. */
function sendPrivate(reply: FastifyReply, page: VNode): FastifyReply {
  return sendPrivatePage(reply.header('x-robots-tag', 'noindex'), page);
}

function MailboxPage({ ctx, mails }: { ctx: PageContext; mails: StoredMail[] }) {
  return (
    <Layout ctx={ctx} title="Dev mailbox">
      <div class="container section">
        <h1>Dev mailbox</h1>
        <p>Mails this development server would have sent. Set SMTP_URL to send real mail; this page does not exist in production.</p>
        {mails.length === 0 ? (
          <p>No mail yet. Sign up or ask for a password reset, and the message appears here.</p>
        ) : (
          <table class="mailbox">
            <caption class="visually-hidden">Stored mails, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Sent</th>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
              </tr>
            </thead>
            <tbody>
              {mails.map((m) => (
                <tr key={m.id}>
                  <td class="tabular">{new Date(m.sentAt).toLocaleString(ctx.locale, { dateStyle: 'medium', timeStyle: 'medium' })}</td>
                  <td>{m.to}</td>
                  <td>
                    <a href={`/dev/mailbox/${m.id}`}>{m.subject}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Layout>
  );
}

/** Plain text with its http(s) links made clickable; preact escapes the rest. */
function Linked({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return <>{parts.map((part, i) => (i % 2 === 1 ? <a key={i} href={part}>{part}</a> : part))}</>;
}

function MailPage({ ctx, mail }: { ctx: PageContext; mail: StoredMail }) {
  return (
    <Layout ctx={ctx} title={`Mail: ${mail.subject}`}>
      <div class="container section">
        <p>
          <a href="/dev/mailbox">Back to the dev mailbox</a>
        </p>
        <h1>{mail.subject}</h1>
        <dl>
          <dt>From</dt>
          <dd>{mail.from}</dd>
          <dt>To</dt>
          <dd>{mail.to}</dd>
          <dt>Sent</dt>
          <dd>{mail.sentAt}</dd>
        </dl>
        <pre class="mail-text">
          <Linked text={mail.text} />
        </pre>
      </div>
    </Layout>
  );
}
