import { BackendConfig } from '@ir/bootstrap';
import { TargetConfig, TargetSecretConfig } from '@ir/target-pool';
import { z } from 'zod';

export const RegistryConfig = BackendConfig.extend(TargetConfig.shape).extend(TargetSecretConfig.shape);
export type RegistryConfig = z.output<typeof RegistryConfig>;
