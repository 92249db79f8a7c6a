import { Notice, PostForm, type FormError } from '../../../web/forms/fields.js';
import { can, roleLabels, staffRoles, type StaffRole } from '../../../kernel/permissions.js';
import type { InvitationView, StaffMemberView } from '../staff.service.js';
import { AdminLayout, type AdminContext } from '../../../backoffice/index.js';

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const formatDate = (d: Date) => dateFormat.format(d);

/** The roles an actor may hand out: an owner any, anyone else every role but owner. */
const grantable = (actor: StaffRole): StaffRole[] => staffRoles.filter((r) => r !== 'owner' || actor === 'owner');

function RoleSelect({ id, name, roles, selected, label, hidden }: { id: string; name: string; roles: StaffRole[]; selected?: StaffRole; label: string; hidden?: boolean }) {
  return (
    <>
      <label class={hidden ? 'visually-hidden' : 'field__label'} for={id}>
        {label}
      </label>
      <select class="field__select" id={id} name={name}>
        {roles.map((r) => (
          <option key={r} value={r} selected={r === selected}>
            {roleLabels[r]}
          </option>
        ))}
      </select>
    </>
  );
}

export interface StaffPageProps {
  ctx: AdminContext;
  members: StaffMemberView[];
  invitations: InvitationView[];
  notice?: string | undefined;
  errors?: FormError[];
  invite?: { email?: string; role?: StaffRole };
  /** Cognito mode: roles come from the user pool's groups; only forced sign-out is offered here. */
  rolesFromIdentityProvider?: boolean;
}

export function StaffPage(props: StaffPageProps) {
  const { ctx } = props;
  const canWrite = can(ctx.staff.role, 'staff.write') && !props.rolesFromIdentityProvider;
  const roles = grantable(ctx.staff.role);
  const mayManage = (m: StaffMemberView) => canWrite && m.userId !== ctx.staff.userId && (m.role !== 'owner' || ctx.staff.role === 'owner');
  return (
    <AdminLayout ctx={ctx} title="Staff" errors={props.errors ?? []}>
      <div class="admin-head">
        <h1>
          Staff <span class="admin-head__count tabular">{props.members.length}</span>
        </h1>
        <p>Who can use the back office, and what each role may do. Every change here is written to the audit trail.</p>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.rolesFromIdentityProvider ? (
        <p class="admin-card">Staff sign in through the Cognito user pool, and its groups set their roles: invite people and change roles there. Each change applies at the person's next sign-in.</p>
      ) : null}
      {canWrite ? (
        <section class="admin-card" aria-labelledby="invite-title">
          <h2 id="invite-title">Invite a staff member</h2>
          <PostForm action="/admin/staff/invitations" csrf={ctx.csrf} novalidate>
            <div class="inline-form">
              <div class={props.errors?.some((e) => e.field === 'email') ? 'field field--error' : 'field'}>
                <label class="field__label" for="email">
                  E-mail address
                </label>
                <input class="field__input" id="email" name="email" type="email" autocomplete="off" spellcheck={false} value={props.invite?.email ?? ''} />
              </div>
              <div class="field">
                <RoleSelect id="role" name="role" roles={roles} label="Role" {...(props.invite?.role ? { selected: props.invite.role } : { selected: 'support' as const })} />
              </div>
              <button class="button" type="submit">
                Send invitation
              </button>
            </div>
          </PostForm>
        </section>
      ) : null}
      <div class="table-wrap">
        <table class="admin-table">
          <caption class="visually-hidden">Staff members</caption>
          <thead>
            <tr>
              <th scope="col">E-mail address</th>
              <th scope="col">Role</th>
              <th scope="col">Two-step</th>
              <th scope="col" class="num">
                Devices
              </th>
              <th scope="col">Joined</th>
              {canWrite ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {props.members.map((m) => (
              <tr key={m.userId}>
                <td>
                  {m.email}
                  {m.userId === ctx.staff.userId ? <span class="muted"> (you)</span> : null}
                </td>
                <td>
                  <span class="badge">{roleLabels[m.role]}</span>
                </td>
                <td>{m.mfaEnabled ? <span class="badge badge--ok">On</span> : <span class="badge badge--low">Not set up</span>}</td>
                <td class="num tabular">{m.activeSessions}</td>
                <td class="nowrap">{formatDate(m.joinedAt)}</td>
                {canWrite ? (
                  <td>
                    {mayManage(m) ? (
                      <div class="row-actions">
                        <PostForm action={`/admin/staff/${m.userId}/role`} csrf={ctx.csrf}>
                          <div class="inline-form inline-form--tight">
                            <RoleSelect id={`role-${m.userId}`} name="role" roles={roles} selected={m.role} label={`Role for ${m.email}`} hidden />
                            <button class="button button--secondary button--small" type="submit">
                              Change role
                            </button>
                          </div>
                        </PostForm>
                        <PostForm action={`/admin/staff/${m.userId}/sign-out`} csrf={ctx.csrf}>
                          <button class="button button--secondary button--small" type="submit" aria-label={`Sign out ${m.email} everywhere`}>
                            Sign out
                          </button>
                        </PostForm>
                        <a class="button button--danger button--small" href={`/admin/staff/${m.userId}/remove`} aria-label={`Remove ${m.email}`}>
                          Remove
                        </a>
                      </div>
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section class="admin-section" aria-labelledby="invitations-title">
        <h2 id="invitations-title">Invitations waiting</h2>
        {props.invitations.length === 0 ? (
          <p class="empty">No invitations are waiting. Invite someone above; their link works once, for 72 hours.</p>
        ) : (
          <div class="table-wrap">
            <table class="admin-table">
              <thead>
                <tr>
                  <th scope="col">E-mail address</th>
                  <th scope="col">Role</th>
                  <th scope="col">Expires</th>
                  {canWrite ? <th scope="col">Actions</th> : null}
                </tr>
              </thead>
              <tbody>
                {props.invitations.map((i) => (
                  <tr key={i.id}>
                    <td>{i.email}</td>
                    <td>
                      <span class="badge">{roleLabels[i.role]}</span>
                    </td>
                    <td class="nowrap">{i.expired ? <span class="badge badge--low">Expired</span> : formatDate(i.expiresAt)}</td>
                    {canWrite ? (
                      <td>
                        <PostForm action={`/admin/staff/invitations/${i.id}/revoke`} csrf={ctx.csrf}>
                          <button class="button button--secondary button--small" type="submit" aria-label={`Withdraw the invitation to ${i.email}`}>
                            Withdraw
                          </button>
                        </PostForm>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </AdminLayout>
  );
}

export function RemoveStaffPage({ ctx, member }: { ctx: AdminContext; member: StaffMemberView }) {
  return (
    <AdminLayout ctx={ctx} title="Remove staff member">
      <div class="admin-head">
        <h1>Remove {member.email} from the staff?</h1>
        <p>
          They lose their {roleLabels[member.role]} access and are signed out on every device at once. Their customer account, if they use one, stays. You can invite them
          again later.
        </p>
      </div>
      <div class="row-actions">
        <PostForm action={`/admin/staff/${member.userId}/remove`} csrf={ctx.csrf}>
          <button class="button button--danger" type="submit">
            Remove access
          </button>
        </PostForm>
        <a class="button button--secondary" href="/admin/staff">
          Cancel
        </a>
      </div>
    </AdminLayout>
  );
}
