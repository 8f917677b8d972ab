/** The server's code for a write refused by a unique index. */
const DUPLICATE_KEY = 11000;

/** A write to the service's own database was refused by a unique index. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === DUPLICATE_KEY;
}
