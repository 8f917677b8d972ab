export * from './infra-env';
export * from './global-infra';
export * from './e2e-settings';
export * from './private-nats';
export * from './hostile-target';
export * from './acting-as';
export * from './nats-login';
export * from './openapi-answers';
