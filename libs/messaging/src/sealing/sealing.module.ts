import { Controller, Inject, Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type Type } from '@nestjs/common';
import { sealKeyContract, type BackendServiceName, type SealKey } from '@ir/contracts';
import { RpcHandler } from '../handler-options';
import { SealOpener } from './seal-opener';
import { SealKeyPair } from './sealed-box';

export interface SealingOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  /** A secret every replica of the service shares (its token key, its target encryption key): the key pair derives from it. */
  readonly secret: (...deps: never[]) => Promise<Uint8Array> | Uint8Array;
}

/**
 * A service that answers sealed requests: its `SealOpener` for its handlers, and the handler that
 * publishes its public key on the bus (`<context>.rpc.seal-key.get`), where the gateway fetches it.
 */
@Module({})
export class SealingModule {
  static forService(service: BackendServiceName, options: SealingOptions): DynamicModule {
    return {
      module: SealingModule,
      global: true,
      imports: options.imports ?? [],
      controllers: [sealKeyController(service)],
      providers: [
        {
          provide: SealOpener,
          inject: options.inject ?? [],
          useFactory: async (...deps: never[]) => new SealOpener(service, SealKeyPair.derive(await options.secret(...deps), service)),
        },
      ],
      exports: [SealOpener],
    };
  }
}

function sealKeyController(service: BackendServiceName): Type<unknown> {
  @Controller()
  class SealKeyController {
    constructor(@Inject(SealOpener) private readonly opener: SealOpener) {}

    @RpcHandler(sealKeyContract(service))
    key(): SealKey {
      return this.opener.publicKey;
    }
  }
  return SealKeyController;
}
