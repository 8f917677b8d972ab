export * from './job-scheduler';
export type { JobOutcome } from './job-metrics';
