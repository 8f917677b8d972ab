import { ensureTestInfra } from './global-infra';

/** Specs that need NATS or MongoDB read TEST_NATS_URL / TEST_MONGODB_URI. */
export default async function unitGlobalSetup(): Promise<void> {
  await ensureTestInfra();
}
