import { apiJson } from '../api/client';
import type { MemberView, Role } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorMessage } from '../components/ErrorMessage';
import { when } from '../components/format';
import { PagedTable, type Column } from '../components/PagedTable';
import { ROLE_ORDER, useCan } from '../components/permissions';
import { useProject } from '../components/project-context';
import { useAction, useLoaded } from '../hooks';
import { InvitationsPanel } from './InvitationsPanel';

/** The chosen project's members and roles (any member); its administrators change roles, remove members and invite. */
export function MembersScreen() {
  const { projectId, projects } = useProject();
  const project = projects.find((candidate) => candidate.id === projectId);
  if (!project)
    return (
      <>
        <h1>Members</h1>
        <p>Choose a project in the switcher above to see its members.</p>
      </>
    );
  return <ProjectMembers key={project.id} projectId={project.id} projectName={project.name} />;
}

function ProjectMembers({ projectId, projectName }: { projectId: string; projectName: string }) {
  const members = useLoaded(() => apiJson<{ items: MemberView[] }>(`/projects/${projectId}/members`), [projectId]);
  const change = useAction();
  const mayManage = useCan(projectId)('members:manage');
  const setRole = (member: MemberView, role: Role) =>
    void change
      .run(() => apiJson(`/projects/${projectId}/members/${member.user_id}`, { method: 'PUT', body: { role } }))
      .then(members.reload);
  const remove = (member: MemberView) =>
    void change.run(() => apiJson(`/projects/${projectId}/members/${member.user_id}`, { method: 'DELETE' })).then(members.reload);

  const columns: Column<MemberView>[] = [
    { header: 'User', rowHeader: true, cell: (m) => m.username },
    { header: 'Name', cell: (m) => m.name ?? '—' },
    { header: 'Email', cell: (m) => m.email },
    {
      header: 'Role',
      cell: (m) =>
        mayManage ? (
          <select
            aria-label={`Role of ${m.username}`}
            value={m.role}
            disabled={change.busy}
            onChange={(event) => setRole(m, event.target.value as Role)}
          >
            {ROLE_ORDER.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        ) : (
          m.role
        ),
    },
    { header: 'Member since', cell: (m) => when(m.added_at) },
  ];
  if (mayManage)
    columns.push({
      header: 'Actions',
      cell: (m) => (
        <ConfirmButton
          label="Remove…"
          question={`Remove ${m.username} from ${projectName}?`}
          confirm={`Remove ${m.username}`}
          busy={change.busy}
          onConfirm={() => remove(m)}
        />
      ),
    });

  return (
    <>
      <h1>Members of {projectName}</h1>
      <ErrorMessage error={members.error ?? change.error} />
      <PagedTable
        caption="Members and their roles"
        captionHidden
        columns={columns}
        rows={members.data?.items ?? []}
        rowKey={(m) => m.user_id}
      />
      {mayManage && <InvitationsPanel projectId={projectId} />}
    </>
  );
}
