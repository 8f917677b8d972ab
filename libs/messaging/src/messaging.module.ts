import { Global, Module, type DynamicModule, type INestApplication, type LoggerService, type OnApplicationShutdown } from '@nestjs/common';
import type { StreamSpec } from '@ir/contracts';
import { BusClient } from './bus-client';
import { JetStreamServer } from './jetstream-server';
import { NatsBus } from './nats-bus';
import { RethrowRpcFilter } from './rethrow-rpc.filter';

export interface MessagingModuleOptions {
  readonly bus: NatsBus;
  readonly requestTimeoutMs: number;
}

/** Drains the process's NATS connection after the app and its bus server have closed. */
class BusLifecycle implements OnApplicationShutdown {
  constructor(private readonly bus: NatsBus) {}
  async onApplicationShutdown(): Promise<void> {
    await this.bus.drain();
  }
}

/** Provides the process's `NatsBus` and a `BusClient` to every module. */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: NatsBus, useValue: options.bus },
        { provide: BusClient, useFactory: () => new BusClient(options.bus, options.requestTimeoutMs) },
        { provide: BusLifecycle, useFactory: () => new BusLifecycle(options.bus) },
      ],
      exports: [NatsBus, BusClient],
    };
  }
}

/** Attaches the JetStream transport to a Nest app, so its @RpcHandler / @ConsumerHandler methods are served. */
export async function startBusServer(
  app: INestApplication,
  bus: NatsBus,
  options: { service: string; streams: readonly StreamSpec[]; logger: LoggerService },
): Promise<void> {
  app.useGlobalFilters(new RethrowRpcFilter(app.getHttpAdapter()));
  app.connectMicroservice({ strategy: new JetStreamServer(bus, options) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
}
