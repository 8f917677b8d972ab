import { Controller, Logger, Module } from '@nestjs/common';
import { AuthRpc, type Jwks } from '@ir/contracts';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { RpcHandler, SealingModule } from '@ir/messaging';
import { join } from 'node:path';
import type { AuthConfig } from '../auth.config';
import { loadOrCreateSigningKeys, type SigningKeys } from './signing-keys';

/** The process's signing keys, loaded (or generated) once at start. */
export class KeysHolder {
  constructor(readonly value: SigningKeys) {}
}

@Controller()
class PublicKeysController {
  constructor(private readonly keys: KeysHolder) {}

  /** The gateway fetches these once and again only when it meets an unknown key id. */
  @RpcHandler(AuthRpc.publicKeys)
  publicKeys(): Jwks {
    return { keys: [this.keys.value.publicJwk] };
  }
}

@Module({
  controllers: [PublicKeysController],
  providers: [
    {
      provide: KeysHolder,
      inject: [SERVICE_CONFIG],
      useFactory: async (config: AuthConfig) => {
        const logger = new Logger('SigningKeys');
        const keys = await loadOrCreateSigningKeys(
          {
            privateKeyPath: config.TOKEN_PRIVATE_KEY_PATH ?? join(config.DATA_DIR, 'keys', 'token-private.pem'),
            publicKeyPath: config.TOKEN_PUBLIC_KEY_PATH ?? join(config.DATA_DIR, 'keys', 'token-public.pem'),
          },
          (paths) => logger.warn(`generated a new RS256 key pair at ${paths.privateKeyPath} and ${paths.publicKeyPath}`),
        );
        logger.log(`signing access tokens with key ${keys.kid}`);
        return new KeysHolder(keys);
      },
    },
  ],
  exports: [KeysHolder],
})
export class KeysModule {}

/**
 * The key pair that opens the passwords sealed for auth on the bus, derived from the token signing
 * key, which every replica shares (a key of its own would not open what was sealed for another's).
 */
export const PasswordSealingModule = SealingModule.forService('auth', {
  imports: [KeysModule],
  inject: [KeysHolder],
  secret: (keys: KeysHolder) => keys.value.privateKey.export({ format: 'der', type: 'pkcs8' }),
});
