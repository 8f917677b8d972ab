// Each internal request checks the service calling it, beyond the bus permissions (libs/contracts/src/bus-access.ts):
// a user's token, or another service's credentials, reaching the handler is refused there. On a real PostgreSQL
// schema, so the allowed callers' requests run for real.
import { DomainError, ErrorCode, ServiceName, servicePrincipal, type Principal } from '@ir/contracts';
import { runAs } from '@ir/messaging';
import { EntityAccess } from '../entities/entity-access';
import { EntityRepository } from '../entities/entity.repository';
import { HardRefresh } from '../jobs/hard-refresh';
import { CaptureLeaseRepository } from '../lease/capture-lease.repository';
import { CaptureErrorRepository } from '../metadata/capture-error.repository';
import { MetadataRepository } from '../metadata/metadata.repository';
import { OplogReadsService } from '../oplog/oplog-reads.service';
import { OplogRepository } from '../oplog/oplog.repository';
import { ReplicaRepository } from '../replication/replica.repository';
import { OplogAppended } from '../storage/oplog-appended';
import { migratedSpecSchema, type SpecSchema } from '../storage/testing/spec-schema';
import { InternalController } from './internal.controller';

type Handler = Exclude<keyof InternalController, 'constructor'>;

const CAPTURE = [ServiceName.entityCapture];
const REPLICATOR = [ServiceName.cacheReplicator];
const DATABASE = 'd'.repeat(24);

/** Who may call each handler, and a request of theirs. Every handler of the controller must be here. */
const CALLERS: Record<Handler, { allowed: readonly string[]; request: (epoch: number) => unknown }> = {
  acquireLease: { allowed: CAPTURE, request: (epoch) => ({ holder: 'capture-1', epoch, ttl_ms: 60_000 }) },
  releaseLease: { allowed: CAPTURE, request: () => ({ holder: 'someone-else', epoch: 999 }) },
  specs: { allowed: [...CAPTURE, ...REPLICATOR], request: () => ({}) },
  append: { allowed: CAPTURE, request: (epoch) => ({ epoch, changes: [] }) },
  hardRefresh: { allowed: CAPTURE, request: () => ({ entity: 'nothing' }) },
  softRefreshDone: { allowed: CAPTURE, request: (epoch) => ({ epoch, entity: 'nothing', requested_at: new Date().toISOString() }) },
  finishScan: { allowed: CAPTURE, request: (epoch) => ({ epoch, entity: 'nothing' }) },
  position: { allowed: CAPTURE, request: () => ({ database_id: DATABASE }) },
  savePosition: { allowed: CAPTURE, request: (epoch) => ({ epoch, database_id: DATABASE, position: { t: 1, i: 1 } }) },
  captureStatus: { allowed: CAPTURE, request: (epoch) => ({ epoch, database_id: DATABASE, error: null }) },
  read: { allowed: REPLICATOR, request: () => ({ after: '0', limit: 10 }) },
  report: { allowed: REPLICATOR, request: () => ({ replica: 'replica-1', offset: '0', entities: [] }) },
};

const ADMIN: Principal = { kind: 'user', id: 'u0', name: 'root', system_admin: true, projects: {} };

describe("entity-oplog's internal requests check the calling service (real PostgreSQL)", () => {
  let spec: SpecSchema;
  let controller: InternalController;
  let epoch: number;

  beforeAll(async () => {
    spec = await migratedSpecSchema('internal');
    const entities = new EntityRepository(spec.pool);
    const oplog = new OplogRepository(spec.pool);
    const replicas = new ReplicaRepository(spec.pool);
    const access = new EntityAccess(entities);
    const lease = new CaptureLeaseRepository(spec.pool);
    controller = new InternalController(
      access,
      entities,
      oplog,
      new OplogReadsService(oplog, entities, replicas, access, new OplogAppended(spec.pool, spec.schema)),
      new MetadataRepository(spec.pool),
      replicas,
      new HardRefresh(entities, oplog),
      lease,
      new CaptureErrorRepository(spec.pool),
    );
    epoch = (await lease.acquire('capture-1', undefined, 60_000)).epoch;
  });
  afterAll(async () => {
    await spec?.drop();
  });

  const call = (principal: Principal, handler: Handler): Promise<unknown> =>
    runAs(principal, async () =>
      (controller[handler] as (request: unknown) => Promise<unknown>).call(controller, CALLERS[handler].request(epoch)),
    );

  it('names every handler of the controller', () => {
    const handlers = Object.getOwnPropertyNames(InternalController.prototype).filter((name) => name !== 'constructor');
    expect(handlers.sort()).toEqual(Object.keys(CALLERS).sort());
  });

  it.each(Object.keys(CALLERS) as Handler[])('%s: answers its own callers, refuses every other service and any user', async (handler) => {
    const { allowed } = CALLERS[handler];
    for (const service of allowed) await expect(call(servicePrincipal(service), handler)).resolves.toBeDefined();
    const refused: Principal[] = [
      ADMIN,
      ...Object.values(ServiceName)
        .filter((s) => !allowed.includes(s))
        .map(servicePrincipal),
    ];
    for (const principal of refused) {
      const error = await call(principal, handler).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe(ErrorCode.forbidden);
    }
  });
});
