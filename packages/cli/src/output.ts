// How answers are printed: `--output table` (default, for people) or `--output json` (for scripts).
import Table from 'cli-table3';
import pc from 'picocolors';

export type OutputMode = 'table' | 'json';

export const colors = pc;

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(head: string[], rows: (string | number | boolean | null | undefined)[][], empty = '(none)'): void {
  if (rows.length === 0) {
    process.stdout.write(`${empty}\n`);
    return;
  }
  const table = new Table({ head: head.map((title) => pc.bold(title)), style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))));
  process.stdout.write(`${table.toString()}\n`);
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Progress and notices go to standard error, so that standard output stays the answer. */
export function notice(line: string): void {
  process.stderr.write(`${line}\n`);
}
