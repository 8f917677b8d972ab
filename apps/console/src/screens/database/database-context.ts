import type { Permission } from '@ir/contracts';
import { useOutletContext } from 'react-router';
import type { DatabaseView } from '../../api/types';

/** What the database's layout hands each of its screens. */
export interface DatabaseContext {
  db: DatabaseView;
  /** Reads the database again (after an edit). */
  reload(): void;
  /** Whether the user holds the permission in the database's project. */
  can(permission: Permission): boolean;
}

export const useDatabase = (): DatabaseContext => useOutletContext<DatabaseContext>();
