import { useState, type FormEvent } from 'react';
import { apiJson } from '../api/client';
import type { InvitationCreatedView, InvitationView, Role } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorMessage } from '../components/ErrorMessage';
import { Field } from '../components/Field';
import { when } from '../components/format';
import { PagedTable, type Column } from '../components/PagedTable';
import { ROLE_ORDER } from '../components/permissions';
import { useAction, useLoaded } from '../hooks';

/**
 * Invite an email address into the project with a role (`POST /invitations`) and the pending
 * invitations, each revocable. The token is shown this once, for the admin to hand over.
 */
export function InvitationsPanel({ projectId }: { projectId: string }) {
  const pending = useLoaded(() => apiJson<{ items: InvitationView[] }>(`/invitations?project_id=${projectId}`), [projectId]);
  const invite = useAction();
  const revoke = useAction();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [created, setCreated] = useState<InvitationCreatedView>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(undefined);
    const ok = await invite.run(async () =>
      setCreated(await apiJson<InvitationCreatedView>('/invitations', { method: 'POST', body: { email, project_id: projectId, role } })),
    );
    if (ok) {
      setEmail('');
      pending.reload();
    }
  };

  const columns: Column<InvitationView>[] = [
    { header: 'Email', rowHeader: true, cell: (i) => i.email },
    { header: 'Role', cell: (i) => i.role ?? '—' },
    { header: 'Sent', cell: (i) => when(i.created_at) },
    { header: 'Expires', cell: (i) => when(i.expires_at) },
    {
      header: 'Actions',
      cell: (i) => (
        <ConfirmButton
          label="Revoke…"
          question={`Revoke the invitation of ${i.email}?`}
          confirm={`Revoke ${i.email}`}
          busy={revoke.busy}
          onConfirm={() => void revoke.run(() => apiJson(`/invitations/${i.id}`, { method: 'DELETE' })).then(pending.reload)}
        />
      ),
    },
  ];

  return (
    <section aria-labelledby="invitations-title">
      <h2 id="invitations-title">Invitations</h2>
      <form className="form" aria-label="Invite someone" noValidate onSubmit={(event) => void submit(event)}>
        <Field id="invite-email" label="Email address" field="email" error={invite.error}>
          {(control) => (
            <input {...control} type="email" autoComplete="off" value={email} onChange={(event) => setEmail(event.target.value)} />
          )}
        </Field>
        <Field id="invite-role" label="Role" field="role" error={invite.error}>
          {(control) => (
            <select {...control} value={role} onChange={(event) => setRole(event.target.value as Role)}>
              {ROLE_ORDER.map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ErrorMessage error={invite.error} />
        <button type="submit" disabled={invite.busy}>
          Invite
        </button>
      </form>
      {created && (
        <div className="panel" role="status">
          <p>
            Invited {created.email} as {created.role}. Give them this token (shown only now); they register or accept with it:
          </p>
          <p>
            <code>{created.token}</code>
          </p>
        </div>
      )}
      <ErrorMessage error={pending.error ?? revoke.error} />
      <PagedTable caption="Pending invitations" columns={columns} rows={pending.data?.items ?? []} rowKey={(i) => i.id} />
    </section>
  );
}
