import { Injectable, Logger } from '@nestjs/common';
import { DatabaseRepository } from '../databases/database.repository';
import { DefinitionSetRepository } from './definition-set.repository';
import { IndexDefinitionRepository } from './index-definition.repository';
import type { IndexDefinitionDocument } from './index-definition.model';

/** Databases whose definitions one read of the truth brings in: about 100 definitions each at fleet scale. */
const DATABASES_PER_READ = 50;

/**
 * Builds, at start, the definition set of every database that has none at its current version
 * (registered before sets were kept, or whose writer stopped between its write and its set): without
 * it, a database's first read after an upgrade, such as a sync's plan, would read every definition.
 * On FerretDB every read of the truth reads all of it, so databases are read many at a time. Every
 * replica may run it (two write the same set); a set it writes at a version a writer has moved past
 * is simply not used.
 */
@Injectable()
export class DefinitionSetBackfill {
  private readonly logger = new Logger(DefinitionSetBackfill.name);

  constructor(
    private readonly databases: DatabaseRepository,
    private readonly definitions: IndexDefinitionRepository,
    private readonly sets: DefinitionSetRepository,
  ) {}

  /** Runs in the background; a failure is logged (a database without a set is built on its first read). */
  start(): void {
    this.run().catch((error: unknown) => this.logger.warn(`definition sets not built at start: ${String(error)}`));
  }

  /** Answers how many sets it built. */
  async run(): Promise<number> {
    const stored = await this.sets.versions();
    const versions = await this.databases.definitionsVersions();
    const missing = versions.filter(({ _id, version }) => stored.get(_id.toHexString()) !== version);
    for (let i = 0; i < missing.length; i += DATABASES_PER_READ) {
      const batch = missing.slice(i, i + DATABASES_PER_READ);
      // The versions were read before the truth: a set is never labelled newer than what it holds.
      const byDatabase = groupByDatabase(await this.definitions.allOfDatabases(batch.map(({ _id }) => _id)));
      for (const { _id, version } of batch) await this.sets.write(_id, version, byDatabase.get(_id.toHexString()) ?? []);
    }
    if (missing.length > 0) this.logger.log(`definition sets built for ${missing.length} databases`);
    return missing.length;
  }
}

function groupByDatabase(definitions: readonly IndexDefinitionDocument[]): Map<string, IndexDefinitionDocument[]> {
  const byDatabase = new Map<string, IndexDefinitionDocument[]>();
  for (const definition of definitions) {
    const key = definition.database_id.toHexString();
    const list = byDatabase.get(key);
    if (list) list.push(definition);
    else byDatabase.set(key, [definition]);
  }
  return byDatabase;
}
