export * from './nats-bus';
export * from './audit-trail';
export * from './audit-denials';
export * from './bus-client';
export * from './bus-context';
export * from './broadcast-subscription';
export * from './handler-options';
export * from './jetstream-server';
export * from './messaging.module';
export * from './nats.health';
export * from './provisioning';
export { decodeJson, JsonAnswer } from './codec';
export {
  actFor,
  currentPrincipal,
  decodePrincipal,
  encodePrincipal,
  requirePrincipal,
  runAs,
  runWithPrincipalSlot,
} from './principal-context';
export * from './sealing';
