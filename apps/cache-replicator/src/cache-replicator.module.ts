import { Global, Module } from '@nestjs/common';
import { READINESS_CHECKS } from '@ir/bootstrap';
import { ReplicaHealth } from './service/replica-health';
import { ReplicaSync } from './service/replica-sync';

/** One cache replica. Global only to hand its health to the service's readiness. */
@Global()
@Module({
  providers: [
    ReplicaSync,
    ReplicaHealth,
    { provide: READINESS_CHECKS, inject: [ReplicaHealth], useFactory: (health: ReplicaHealth) => [health] },
  ],
  exports: [READINESS_CHECKS],
})
export class CacheReplicatorModule {}
