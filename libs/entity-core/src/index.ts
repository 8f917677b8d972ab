export * from './plain-json';
export * from './column-value';
