export * from './bus';
export * from './errors';
export * from './services';
export * from './streams';
export * from './health';
export * from './auth';
export * from './dead-letter';
