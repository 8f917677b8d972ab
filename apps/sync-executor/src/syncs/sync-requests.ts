import type { SyncOnError, SyncRpc } from '@ir/contracts';
import type { z } from 'zod';

/** A sync request as the handler receives it (validated, defaults applied; `on_error` defaults to `continue`). */
export type StartRequest = Omit<z.output<(typeof SyncRpc.start)['request']>, 'on_error'> & { on_error?: SyncOnError };
