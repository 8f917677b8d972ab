import { Global, Module, type DynamicModule, type INestApplication, type OnApplicationShutdown } from '@nestjs/common';
import type { ServiceName } from '@ir/contracts';
import { AuditTrail } from './audit-trail';
import { BusClient } from './bus-client';
import { JetStreamServer, type JetStreamServerOptions } from './jetstream-server';
import { NatsBus } from './nats-bus';
import { RethrowRpcFilter } from './rethrow-rpc.filter';

export interface MessagingModuleOptions {
  readonly bus: NatsBus;
  readonly requestTimeoutMs: number;
  /** The service this process runs: the audit trail names it in every entry. */
  readonly service: ServiceName;
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
        { provide: AuditTrail, inject: [BusClient], useFactory: (client: BusClient) => new AuditTrail(client, options.service) },
      ],
      exports: [NatsBus, BusClient, AuditTrail],
    };
  }
}

/**
 * Serves a Nest app's @RpcHandler / @ConsumerHandler methods on the JetStream transport, and initialises the app
 * in the one order that lets no message in early: the streams (a start-up hook may publish on them or read them),
 * then `app.init()` (every onModuleInit / onApplicationBootstrap: indexes, migrations, caches), then the handlers
 * subscribed. Nest's own hybrid order (startAllMicroservices, then listen) answered requests before the hooks ran.
 */
export async function startBusServer(app: INestApplication, bus: NatsBus, options: JetStreamServerOptions): Promise<void> {
  // Before init: a global filter registered later does not reach the HTTP routes.
  app.useGlobalFilters(new RethrowRpcFilter(app.getHttpAdapter()));
  const server = new JetStreamServer(bus, options);
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  await server.provisionStreams();
  await app.init();
  await app.startAllMicroservices();
}
