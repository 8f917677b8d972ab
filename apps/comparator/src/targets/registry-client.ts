import { Injectable } from '@nestjs/common';
import { RegistryDatabaseRpc, RegistryIndexRpc, type IndexDefinitionView } from '@ir/contracts';
import { BusClient } from '@ir/messaging';
import { UriCipher } from '@ir/target-pool';

export interface TargetConnection {
  readonly databaseId: string;
  readonly name: string;
  readonly dbName: string;
  readonly uri: string;
}

/** What the comparator needs from the registry: a target's connection and its DR definitions. */
@Injectable()
export class RegistryClient {
  constructor(
    private readonly bus: BusClient,
    private readonly cipher: UriCipher,
  ) {}

  /** The URI travels sealed and is opened here, with the key this service shares with the registry. */
  async connection(databaseId: string): Promise<TargetConnection> {
    const answer = await this.bus.request(RegistryDatabaseRpc.connection, { database_id: databaseId });
    return { databaseId: answer.database_id, name: answer.name, dbName: answer.db_name, uri: this.cipher.open(answer.uri_sealed) };
  }

  async definitions(databaseId: string, collections?: readonly string[]): Promise<IndexDefinitionView[]> {
    const answer = await this.bus.request(RegistryIndexRpc.listByDatabase, {
      database_id: databaseId,
      ...(collections ? { collections: [...collections] } : {}),
    });
    return answer.items;
  }

  /** Every registered database id, page by page. */
  async databaseIds(): Promise<string[]> {
    const ids: string[] = [];
    for (let page = 1; ; page += 1) {
      const answer = await this.bus.request(RegistryDatabaseRpc.list, { page, limit: 100 });
      ids.push(...answer.items.map((d) => d.id));
      if (answer.items.length < 100 || ids.length >= answer.total) return ids;
    }
  }
}
