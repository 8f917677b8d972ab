export * from './client-options';
export * from './redact-uri';
export * from './target-connection-error';
export * from './target-key';
export * from './target-pool';
export * from './test-connection';
