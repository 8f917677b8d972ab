import { runBackendService } from '@ir/bootstrap';
import { AuditConfig } from './audit.config';
import { AuditModule } from './audit.module';

void runBackendService({
  service: 'audit',
  configSchema: AuditConfig,
  features: () => [AuditModule],
});
