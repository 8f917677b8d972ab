import { runBackendService } from '@ir/bootstrap';
import { AccountsModule } from './accounts.module';
import { AuthConfig } from './auth.config';

void runBackendService({
  service: 'auth',
  configSchema: AuthConfig,
  features: () => [AccountsModule],
});
