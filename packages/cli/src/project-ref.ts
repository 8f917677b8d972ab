// `--project` takes a project's id or its name, as `--database` does.
import { ok, type Api } from './api-client';
import { CliError } from './cli-error';

const RECORD_ID = /^[0-9a-f]{24}$/i;

export interface ProjectRef {
  readonly id: string;
  readonly name: string;
}

export async function resolveProject(api: Api, ref: string): Promise<ProjectRef> {
  if (RECORD_ID.test(ref)) {
    const project = await ok(
      `reading project ${ref}`,
      api.GET('/api/doctor-manager-api/v1/projects/{id}', { params: { path: { id: ref } } }),
    );
    return { id: project.id, name: project.name };
  }
  const page = await ok(
    'listing projects',
    api.GET('/api/doctor-manager-api/v1/projects', { params: { query: { search: ref, limit: 100 } } }),
  );
  const named = page.items.filter((project) => project.name === ref);
  if (named.length === 0) throw new CliError(`no project named "${ref}" among yours`, 'list them with: index-registry projects');
  if (named.length > 1) throw new CliError(`${named.length} projects are named "${ref}"`, 'pass the id to --project');
  return { id: named[0].id, name: named[0].name };
}

/** The project `ref` names, or else the caller's only project (a project key's, or a one-team user's). */
export async function projectOrOnly(api: Api, ref: string | undefined): Promise<ProjectRef> {
  if (ref) return resolveProject(api, ref);
  const page = await ok('listing projects', api.GET('/api/doctor-manager-api/v1/projects', { params: { query: { limit: 2 } } }));
  if (page.items.length === 1) return { id: page.items[0].id, name: page.items[0].name };
  throw new CliError(
    page.items.length === 0 ? 'you are in no project' : '--project is required: you are in more than one project',
    'list them with: index-registry projects',
  );
}
