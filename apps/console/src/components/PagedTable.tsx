import type { ReactNode } from 'react';

export interface Column<T> {
  header: string;
  cell(row: T): ReactNode;
  /** The column that names the row (a `<th scope="row">`). */
  rowHeader?: boolean;
  numeric?: boolean;
}

export interface Paging {
  page: number;
  limit: number;
  total: number;
  onPage(page: number): void;
  /** The pager's accessible name: "Audit pages". */
  label: string;
  /** The buttons' words, when "Previous" / "Next" say less than "Newer" / "Older". */
  previous?: string;
  next?: string;
}

interface Props<T> {
  caption: string;
  /** Screen readers only, when a heading above already says it. */
  captionHidden?: boolean;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey(row: T): string;
  /** A pager under the table; without it every row is shown. */
  paging?: Paging;
}

/** The console's table of records: a caption, one header row, a row per record, and a pager when the list is paged. */
export function PagedTable<T>({ caption, captionHidden, columns, rows, rowKey, paging }: Props<T>) {
  return (
    <>
      <table>
        <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col">
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) =>
                column.rowHeader ? (
                  <th key={column.header} scope="row">
                    {column.cell(row)}
                  </th>
                ) : (
                  <td key={column.header} className={column.numeric ? 'number' : undefined}>
                    {column.cell(row)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {paging && <Pager {...paging} />}
    </>
  );
}

function Pager({ page, limit, total, onPage, label, previous = 'Previous', next = 'Next' }: Paging) {
  const pages = Math.max(1, Math.ceil(total / limit));
  if (pages === 1 && page === 1) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {previous}
      </button>
      <span>
        Page {page} of {pages}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {next}
      </button>
    </nav>
  );
}

/** One page of rows held in full by the client (the fleet, read whole for its filters). */
export function pageOfRows<T>(rows: readonly T[], page: number, limit: number): T[] {
  return rows.slice((page - 1) * limit, page * limit);
}
