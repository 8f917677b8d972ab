import { startTestInfra, type TestInfra } from './infra-env';

// Jest runs each project's global setup in one process; the projects share one
// private NATS and one FerretDB, started by whichever setup runs first.
const KEY = Symbol.for('index-registry.test-infra');
type Holder = { [KEY]?: Promise<TestInfra> };

export async function ensureTestInfra(): Promise<TestInfra> {
  const holder = globalThis as Holder;
  holder[KEY] ??= startTestInfra();
  const infra = await holder[KEY];
  process.env.TEST_NATS_URL = infra.natsUrl;
  process.env.TEST_NATS_CREDENTIALS_DIR = infra.natsCredentialsDir;
  process.env.TEST_MONGODB_URI = infra.mongoUri;
  process.env.TEST_POSTGRES_URL = infra.postgresUrl;
  return infra;
}

export async function stopTestInfra(): Promise<void> {
  const holder = globalThis as Holder;
  const infra = holder[KEY];
  delete holder[KEY];
  await (await infra)?.stop();
}
