import { BackendConfig, runBackendService } from '@ir/bootstrap';

// The registry's features (target databases, index definitions) arrive in the registry issue.
void runBackendService({ service: 'registry', configSchema: BackendConfig, streams: [], features: () => [] });
