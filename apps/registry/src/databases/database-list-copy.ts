import { narrowTo, projectsWhere, type Principal } from '@ir/contracts';
import { containsText, type Page, type PageRequest } from '@ir/platform';
import type { DatabaseDocument } from './database.model';

/** A database as the list shows it: never its sealed connection. */
export type ListedDatabase = Omit<DatabaseDocument, 'uri_sealed'>;

/**
 * Every database, in memory, as of a version of the `databases` list (see `ListVersionDocument`):
 * about 1 KB a database. A page is a walk over it instead of a filter, a sort and a count, which
 * FerretDB 1.x's SQLite backend answers by reading every database twice.
 */
export class DatabaseListCopy {
  private constructor(
    readonly version: number,
    private readonly byName: readonly ListedDatabase[],
  ) {}

  static of(version: number, databases: readonly ListedDatabase[]): DatabaseListCopy {
    return new DatabaseListCopy(
      version,
      [...databases].sort((a, b) => (a.name_key < b.name_key ? -1 : a.name_key > b.name_key ? 1 : 0)),
    );
  }

  /** The databases the caller sees (of one project, if given), by name; `search` matches name or description. */
  page(principal: Principal, query: { search?: string; project_id?: string }, request: PageRequest): Page<ListedDatabase> {
    const scope = projectsWhere(principal, 'databases:read');
    const reach = query.project_id ? narrowTo(scope, query.project_id) : scope;
    const projects = reach.all ? undefined : new Set(reach.ids);
    const pattern = query.search ? containsText(query.search) : undefined;
    const matching = this.byName.filter(
      (d) =>
        (!projects || (d.project_id !== undefined && projects.has(d.project_id))) &&
        (!pattern || pattern.test(d.name) || (typeof d.description === 'string' && pattern.test(d.description))),
    );
    const start = (request.page - 1) * request.limit;
    return { items: matching.slice(start, start + request.limit), page: request.page, limit: request.limit, total: matching.length };
  }
}
