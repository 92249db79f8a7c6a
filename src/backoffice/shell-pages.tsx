import { roleLabels } from '../kernel/permissions.js';
import { AdminGate, AdminLayout, type AdminContext } from './admin-layout.js';

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
  note: string;
}

/** The back office's home: the role's KPI cards and the sections it may open. */
export function AdminHomePage(props: { ctx: AdminContext; cards: HomeCardView[] }) {
  const { ctx } = props;
  const sections = ctx.navigation.filter((s) => s.href !== '/admin');
  return (
    <AdminLayout ctx={ctx} title="Home">
      <div class="admin-head">
        <h1>Home</h1>
        <p>Signed in as {roleLabels[ctx.staff.role]}. Orders, products and customers arrive here as those parts of the shop are built.</p>
      </div>
      {props.cards.length > 0 ? (
        <ul class="kpis">
          {props.cards.map((card) => (
            <li class="kpi" key={card.label}>
              <p class="kpi__label">{card.label}</p>
              <p class="kpi__value tabular">{card.value}</p>
              <p class="kpi__note">{card.note}</p>
            </li>
          ))}
        </ul>
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
