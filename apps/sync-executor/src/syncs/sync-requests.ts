import type { SyncRpc } from '@ir/contracts';
import type { z } from 'zod';

/** A sync request as the handler receives it (validated, defaults applied). */
export type StartRequest = z.output<(typeof SyncRpc.start)['request']>;
