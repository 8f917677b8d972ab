import { Injectable } from '@nestjs/common';
import { RegistryIndexRpc, type IndexDefinitionView } from '@ir/contracts';
import type { DefinitionOptions, IndexDefinition } from '@ir/index-core';
import { BusClient } from '@ir/messaging';

/** A definition as the registry has it, with its id (what an overwrite updates). */
export type DefinedIndex = IndexDefinition & { readonly id: string; readonly name: string };

/** The design repository's definitions of a database, read from the registry for an import to compare with. */
@Injectable()
export class RegistryDefinitions {
  constructor(private readonly bus: BusClient) {}

  /** Every definition of the database (of the given collections only, when given), by collection. */
  async byCollection(databaseId: string, collections?: readonly string[]): Promise<Map<string, DefinedIndex[]>> {
    const byCollection = new Map<string, DefinedIndex[]>();
    let after: string | undefined;
    do {
      const page = await this.bus.request(RegistryIndexRpc.listByDatabase, {
        database_id: databaseId,
        ...(collections ? { collections: [...new Set(collections)] } : {}),
        ...(after ? { after } : {}),
      });
      for (const view of page.items) {
        const list = byCollection.get(view.collection) ?? [];
        list.push(definedIndexOf(view));
        byCollection.set(view.collection, list);
      }
      after = page.next;
    } while (after);
    return byCollection;
  }
}

/** The registry validated the definition when it stored it: the core takes it as it is. */
function definedIndexOf(view: IndexDefinitionView): DefinedIndex {
  return { id: view.id, name: view.name, keys: view.keys as IndexDefinition['keys'], options: view.options as DefinitionOptions };
}
