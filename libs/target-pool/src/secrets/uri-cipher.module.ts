import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import { secretVariable } from '@ir/platform';
import { z } from 'zod';
import { loadEncryptionKey } from './encryption-key';
import { UriCipher } from './uri-cipher';

/**
 * The key that seals target URIs. The registry seals them at rest; the services
 * that connect to targets open them, so a URI only crosses the bus sealed.
 */
export const TargetSecretConfig = z.object({
  TARGET_ENCRYPTION_KEY: secretVariable(
    z
      .string()
      .refine((text) => Buffer.from(text, 'base64').length === 32, { error: 'must be 32 bytes, base64-encoded (openssl rand -base64 32)' })
      .optional(),
  ),
  /** Where a development key is generated and kept when TARGET_ENCRYPTION_KEY is not set. */
  DATA_DIR: z.string().default('.data'),
});
export type TargetSecretConfig = z.output<typeof TargetSecretConfig>;

@Global()
@Module({})
export class UriCipherModule {
  static register(config: TargetSecretConfig): DynamicModule {
    return {
      module: UriCipherModule,
      providers: [
        {
          provide: UriCipher,
          useFactory: async () => {
            if (!config.TARGET_ENCRYPTION_KEY && process.env.NODE_ENV === 'production') {
              throw new Error('TARGET_ENCRYPTION_KEY is required in production (32 bytes, base64: openssl rand -base64 32)');
            }
            const { key, generatedAt } = await loadEncryptionKey(config.TARGET_ENCRYPTION_KEY, config.DATA_DIR);
            if (generatedAt) {
              new Logger('Encryption').warn(
                `TARGET_ENCRYPTION_KEY is not set: target URIs are sealed with a development key kept in ${generatedAt}; set the variable in production`,
              );
            }
            return new UriCipher(key);
          },
        },
      ],
      exports: [UriCipher],
    };
  }
}
