import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuthProjectRpc, DomainError, ErrorCode, servicePrincipal, ServiceName } from '@ir/contracts';
import { BusClient, runAs } from '@ir/messaging';
import { DatabaseRepository } from './database.repository';

/** Until auth has a default project (nobody has registered yet), it is asked again this often. */
const RETRY_MS = 60_000;

/**
 * Databases registered before projects existed move into the default project, which auth creates
 * with the first administrator: at start, or as soon as that project exists.
 */
@Injectable()
export class UnownedDatabases implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UnownedDatabases.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly databases: DatabaseRepository,
    private readonly bus: BusClient,
  ) {}

  onApplicationBootstrap(): void {
    void this.adopt();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  /** Resolves whether it is done; a failure of auth or of the move is tried again later. */
  async adopt(): Promise<boolean> {
    try {
      const { id } = await runAs(servicePrincipal(ServiceName.registry), () => this.bus.request(AuthProjectRpc.default, {}));
      const moved = await this.databases.adoptUnowned(id);
      if (moved > 0) this.logger.log(`moved ${moved} database(s) registered before projects into the default project ${id}`);
      return true;
    } catch (error) {
      const reason = error instanceof DomainError && error.code === ErrorCode.notFound ? 'no default project yet' : String(error);
      this.logger.debug(`databases without a project stay so for now (${reason}); trying again in ${RETRY_MS / 1000} s`);
      this.timer = setTimeout(() => void this.adopt(), RETRY_MS);
      this.timer.unref();
      return false;
    }
  }
}
