import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../metrics/metrics';

/** Registered once per process (a second scheduler shares them), labelled by job name and outcome. */
function counter(): Counter<'job' | 'outcome'> {
  const name = 'index_registry_job_runs_total';
  return (
    (metricsRegistry.getSingleMetric(name) as Counter<'job' | 'outcome'> | undefined) ??
    new Counter({
      name,
      help: 'Scheduled job runs by outcome (ok, failed, timed_out, skipped_overlap)',
      labelNames: ['job', 'outcome'],
      registers: [metricsRegistry],
    })
  );
}

function histogram(): Histogram<'job'> {
  const name = 'index_registry_job_duration_seconds';
  return (
    (metricsRegistry.getSingleMetric(name) as Histogram<'job'> | undefined) ??
    new Histogram({
      name,
      help: 'Duration of scheduled job runs',
      labelNames: ['job'],
      buckets: [0.01, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers: [metricsRegistry],
    })
  );
}

export type JobOutcome = 'ok' | 'failed' | 'timed_out' | 'skipped_overlap';

export function recordJobRun(job: string, outcome: JobOutcome, seconds?: number): void {
  counter().inc({ job, outcome });
  if (seconds !== undefined) histogram().observe({ job }, seconds);
}
