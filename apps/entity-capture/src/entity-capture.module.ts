import { Global, Module } from '@nestjs/common';
import { READINESS_CHECKS } from '@ir/bootstrap';
import { CaptureHealth } from './service/capture-health';
import { CaptureSources } from './service/capture-sources';

/** The capture of every source database that has entities. Global only to hand its health to the service's readiness. */
@Global()
@Module({
  providers: [
    CaptureSources,
    CaptureHealth,
    { provide: READINESS_CHECKS, inject: [CaptureHealth], useFactory: (health: CaptureHealth) => [health] },
  ],
  exports: [READINESS_CHECKS],
})
export class EntityCaptureModule {}
