// `--keys status:1,created_at:-1`: an index's keys as people write them, in order.
import { CliError } from './cli-error';

const SPECIAL = ['text', '2dsphere', '2d', 'hashed'] as const;
export type KeyValue = 1 | -1 | (typeof SPECIAL)[number];
export interface IndexKey {
  readonly field: string;
  readonly value: KeyValue;
}

/** The keys of `text`, each `field:direction` (1, -1, text, 2dsphere, 2d or hashed), comma-separated. */
export function parseKeys(text: string): IndexKey[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => part === ''))
    throw new CliError(`--keys must be field:direction pairs separated by commas, e.g. status:1,created_at:-1 (got "${text}")`);
  return parts.map((part) => {
    const colon = part.lastIndexOf(':');
    const field = colon > 0 ? part.slice(0, colon) : '';
    const raw = colon > 0 ? part.slice(colon + 1) : '';
    if (!field) throw new CliError(`--keys: "${part}" must be field:direction, e.g. created_at:-1`);
    if (raw === '1' || raw === '-1') return { field, value: Number(raw) as 1 | -1 };
    const special = SPECIAL.find((name) => name === raw);
    if (!special) throw new CliError(`--keys: the direction of ${field} must be 1, -1, text, 2dsphere, 2d or hashed (got "${raw}")`);
    return { field, value: special };
  });
}
