import { DomainError, ErrorCode } from '@ir/contracts';
import { metricsRegistry } from '@ir/platform';
import { Histogram } from 'prom-client';

/**
 * Request/reply latency on the bus, as the caller sees it. `subject` is the contract's subject, a
 * fixed pattern (`registry.rpc.index.create`): ids travel in payloads, never in subjects, so the
 * label has as many values as there are contracts.
 */
const busRequestDuration = new Histogram({
  name: 'index_registry_bus_request_duration_seconds',
  help: 'Bus requests from send to answer, by subject and outcome (answered, timeout, unavailable, failed)',
  labelNames: ['subject', 'outcome'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

export type BusRequestOutcome = 'answered' | 'timeout' | 'unavailable' | 'failed';

/** What became of a request that got no answer: the errors of `toTransportError` by their code. */
export function outcomeOfFailure(error: unknown): BusRequestOutcome {
  if (error instanceof DomainError && error.code === ErrorCode.timeout) return 'timeout';
  if (error instanceof DomainError && error.code === ErrorCode.unavailable) return 'unavailable';
  return 'failed';
}

/** Starts timing a request on `subject`; the returned function records its outcome. */
export function timeBusRequest(subject: string): (outcome: BusRequestOutcome) => void {
  const end = busRequestDuration.startTimer({ subject });
  return (outcome) => end({ outcome });
}
