import { stopTestInfra } from './global-infra';

const SYSTEM_KEY = Symbol.for('index-registry.test-system');

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as { [SYSTEM_KEY]?: { stop(): Promise<void> } };
  await holder[SYSTEM_KEY]?.stop();
  delete holder[SYSTEM_KEY];
  await stopTestInfra();
}
