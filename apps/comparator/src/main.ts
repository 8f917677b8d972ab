import { BackendConfig, runBackendService } from '@ir/bootstrap';

// The comparator's features (compare, plans, scripts, drift events) arrive in the comparator issue.
void runBackendService({ service: 'comparator', configSchema: BackendConfig, streams: [], features: () => [] });
