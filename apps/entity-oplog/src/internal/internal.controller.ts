import { Controller } from '@nestjs/common';
import { EntityInternalRpc, type CapturePosition, type RpcResponse } from '@ir/contracts';
import { RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { EntityAccess } from '../entities/entity-access';
import { EntityRepository } from '../entities/entity.repository';
import { entitySpec } from '../entities/entity-view';
import { entityAppended } from '../entity-oplog-metrics';
import { CaptureErrorRepository } from '../metadata/capture-error.repository';
import { MetadataRepository, resumeTokenKey } from '../metadata/metadata.repository';
import { OplogReadsService } from '../oplog/oplog-reads.service';
import { OplogRepository } from '../oplog/oplog.repository';
import { ReplicaRepository } from '../replication/replica.repository';
import { HardRefresh } from '../jobs/hard-refresh';
import { CaptureLeaseRepository } from '../lease/capture-lease.repository';

type Rpc = typeof EntityInternalRpc;
const CAPTURE = 'entity-capture';
const REPLICATOR = 'cache-replicator';

/** The capture's intake and the replicators' reads and reports; each checks the calling service. */
@Controller()
export class InternalController {
  constructor(
    private readonly access: EntityAccess,
    private readonly entities: EntityRepository,
    private readonly oplog: OplogRepository,
    private readonly reads: OplogReadsService,
    private readonly metadata: MetadataRepository,
    private readonly replicas: ReplicaRepository,
    private readonly refreshes: HardRefresh,
    private readonly lease: CaptureLeaseRepository,
    private readonly captureErrors: CaptureErrorRepository,
  ) {}

  /** Only the lease's holder captures; the others ask again every renewal interval, standing by. */
  @RpcHandler(EntityInternalRpc.lease)
  acquireLease(request: z.output<Rpc['lease']['request']>): Promise<RpcResponse<Rpc['lease']>> {
    this.access.assertService(CAPTURE);
    return this.lease.acquire(request.holder, request.epoch, request.ttl_ms);
  }

  @RpcHandler(EntityInternalRpc.releaseLease)
  async releaseLease(request: z.output<Rpc['releaseLease']['request']>): Promise<RpcResponse<Rpc['releaseLease']>> {
    this.access.assertService(CAPTURE);
    return { released: await this.lease.release(request.holder, request.epoch) };
  }

  @RpcHandler(EntityInternalRpc.specs)
  async specs(): Promise<RpcResponse<Rpc['specs']>> {
    this.access.assertService(CAPTURE, REPLICATOR);
    return { items: (await this.entities.all()).map(entitySpec) };
  }

  @RpcHandler(EntityInternalRpc.append)
  async append(request: z.output<Rpc['append']['request']>): Promise<RpcResponse<Rpc['append']>> {
    this.access.assertService(CAPTURE);
    const result = await this.oplog.append(request.changes, request.epoch);
    entityAppended.inc({ destination: 'oplog' }, result.oplog);
    entityAppended.inc({ destination: 'staging' }, result.staged);
    entityAppended.inc({ destination: 'dropped' }, result.dropped);
    return result;
  }

  /** The capture saw the entity's collection dropped or renamed, or its change stream invalidated. */
  @RpcHandler(EntityInternalRpc.hardRefresh)
  async hardRefresh(request: z.output<Rpc['hardRefresh']['request']>): Promise<RpcResponse<Rpc['hardRefresh']>> {
    this.access.assertService(CAPTURE);
    const entity = await this.entities.byName(request.entity);
    return { outcome: entity ? await this.refreshes.request(entity.projectId, entity.name) : 'not_found' };
  }

  /** The capture did a soft refresh asked for on request: cleared unless asked for again meanwhile. */
  @RpcHandler(EntityInternalRpc.softRefreshDone)
  async softRefreshDone(request: z.output<Rpc['softRefreshDone']['request']>): Promise<RpcResponse<Rpc['softRefreshDone']>> {
    this.access.assertService(CAPTURE);
    return { cleared: await this.entities.finishSoftRefresh(request.entity, request.requested_at, request.epoch) };
  }

  @RpcHandler(EntityInternalRpc.finishScan)
  async finishScan(request: z.output<Rpc['finishScan']['request']>): Promise<RpcResponse<Rpc['finishScan']>> {
    this.access.assertService(CAPTURE);
    return { moved: await this.oplog.finishScan(request.entity, request.epoch) };
  }

  @RpcHandler(EntityInternalRpc.position)
  async position(request: z.output<Rpc['position']['request']>): Promise<RpcResponse<Rpc['position']>> {
    this.access.assertService(CAPTURE);
    return { position: (await this.metadata.get<CapturePosition>(resumeTokenKey(request.database_id))) ?? null };
  }

  @RpcHandler(EntityInternalRpc.savePosition)
  async savePosition(request: z.output<Rpc['savePosition']['request']>): Promise<RpcResponse<Rpc['savePosition']>> {
    this.access.assertService(CAPTURE);
    await this.metadata.set(resumeTokenKey(request.database_id), request.position, request.epoch);
    return { saved: true };
  }

  /** Why the capture of a source fails (shown on its entities), or null once it captures again. */
  @RpcHandler(EntityInternalRpc.captureStatus)
  async captureStatus(request: z.output<Rpc['captureStatus']['request']>): Promise<RpcResponse<Rpc['captureStatus']>> {
    this.access.assertService(CAPTURE);
    await this.captureErrors.record(request.database_id, request.error, request.epoch);
    return { recorded: true };
  }

  @RpcHandler(EntityInternalRpc.read)
  read(request: z.output<Rpc['read']['request']>): Promise<RpcResponse<Rpc['read']>> {
    this.access.assertService(REPLICATOR);
    return this.reads.readAll(request.after, request.limit, request.entities, request.wait_ms);
  }

  @RpcHandler(EntityInternalRpc.report)
  async report(request: z.output<Rpc['report']['request']>): Promise<RpcResponse<Rpc['report']>> {
    this.access.assertService(REPLICATOR);
    await this.replicas.record(request);
    return { recorded: true };
  }
}
