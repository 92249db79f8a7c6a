import { roleLabels } from '../kernel/permissions.js';
import { AdminGate, AdminLayout, type AdminContext } from './admin-layout.js';
import { BarChart, type ChartView } from './bar-chart.js';

/** A message before or instead of the back office (not staff, a spent link), with one way on. */
export function GateMessagePage(props: { shopName: string; stylesheet: string; title: string; message: string; link: { href: string; label: string } }) {
  return (
    <AdminGate shopName={props.shopName} stylesheet={props.stylesheet} title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p class="form-links">
        <a class="button" href={props.link.href}>
          {props.link.label}
        </a>
      </p>
    </AdminGate>
  );
}

/** The 403 page of a section the staff member's role does not include. */
export function ForbiddenPage({ ctx }: { ctx: AdminContext }) {
  return (
    <AdminLayout ctx={ctx} title="No access">
      <div class="admin-head">
        <h1>You do not have access to this page</h1>
        <p>Your role ({roleLabels[ctx.staff.role]}) does not include it. An owner or administrator can change your role.</p>
      </div>
      <p>
        <a class="button button--secondary" href="/admin">
          Back to the back office home
        </a>
      </p>
    </AdminLayout>
  );
}

/** One KPI card of the home page, as a module's `homeCards` loads it. */
export interface HomeCardView {
  label: string;
  value: string;
  /** The figure in context, as text: a change ("£120 more than yesterday") or a second figure. */
  note: string;
  /** The page behind the figure. */
  link?: { href: string; label: string };
  /** Set when the figure asks for work: listed on the "Needs attention" card, e.g. "3 orders to fulfil". */
  todo?: string;
  /** A small chart under the figure (the card then spans two columns). */
  chart?: ChartView;
}

/** The back office's home, a dashboard: what needs attention, the role's KPI cards, the sections it may open. */
export function AdminHomePage(props: { ctx: AdminContext; cards: HomeCardView[]; today: string }) {
  const { ctx } = props;
  const sections = ctx.navigation.filter((s) => s.href !== '/admin');
  const todos = props.cards.filter((c) => c.todo !== undefined);
  return (
    <AdminLayout ctx={ctx} title="Home">
      <div class="admin-head">
        <h1>Home</h1>
        <p>
          {props.today} · signed in as {roleLabels[ctx.staff.role]}. Figures are in UTC days and show what your role may see.
        </p>
      </div>
      {props.cards.length > 0 ? (
        <>
          <section class="admin-card todo" aria-labelledby="todo-title">
            <h2 id="todo-title">Needs attention</h2>
            {todos.length === 0 ? (
              <p class="todo__none">Nothing needs attention right now.</p>
            ) : (
              <ul class="todo__list">
                {todos.map((c) => (
                  <li key={c.label}>
                    <span class="badge badge--attention">To do</span> {c.link ? <a href={c.link.href}>{c.todo}</a> : c.todo}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <h2 class="visually-hidden">Figures</h2>
          <ul class="kpis kpis--dashboard">
            {props.cards.map((card, i) => (
              <li class={card.chart ? 'kpi kpi--wide' : 'kpi'} key={card.label}>
                <h3 class="kpi__label">{card.label}</h3>
                <p class="kpi__value tabular">{card.value}</p>
                <p class="kpi__note">{card.note}</p>
                {card.chart ? <BarChart id={`chart-${i}`} chart={card.chart} caption={card.chart.title} /> : null}
                {card.link ? (
                  <p class="kpi__link">
                    <a href={card.link.href}>{card.link.label}</a>
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {sections.length > 0 ? (
        <section class="admin-card" aria-labelledby="sections-title">
          <h2 id="sections-title">Your sections</h2>
          <ul class="admin-links">
            {sections.map((s) => (
              <li key={s.href}>
                <a href={s.href}>{s.label}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </AdminLayout>
  );
}
