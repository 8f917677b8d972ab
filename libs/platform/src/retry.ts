/** Retries `fn` with exponential backoff (capped) until it succeeds or the attempts run out. */
export async function retryWithBackoff<T>(
  fn: () => Promise<T>,
  opts: {
    attempts: number;
    initialDelayMs: number;
    maxDelayMs: number;
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
    /** False for an error that no retry can mend (refused credentials): it is thrown at once. */
    retryable?: (error: unknown) => boolean;
  },
): Promise<T> {
  let delay = opts.initialDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= opts.attempts || opts.retryable?.(error) === false) throw error;
      opts.onRetry?.(error, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, opts.maxDelayMs);
    }
  }
}
