import { ensureTestInfra } from './global-infra';

/** Specs that need NATS, MongoDB or PostgreSQL read TEST_NATS_URL / TEST_MONGODB_URI / TEST_POSTGRES_URL. */
export default async function unitGlobalSetup(): Promise<void> {
  await ensureTestInfra();
}
