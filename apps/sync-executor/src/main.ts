import { BackendConfig, runBackendService } from '@ir/bootstrap';

// The executor's features (sync work queue, import) arrive in the sync-executor issue.
void runBackendService({ service: 'sync-executor', configSchema: BackendConfig, streams: [], features: () => [] });
