import { z } from 'zod';

/** Which server a compare or plan was made against; absent when the server did not say who it is. */
export const TargetServerView = z.object({
  /** The server software: MongoDB, or FerretDB speaking MongoDB's protocol. */
  server: z.enum(['mongodb', 'ferretdb']),
  /** Its own version as it reports it (FerretDB's, not the MongoDB version it imitates); null when it reports none. */
  version: z.string().nullable(),
});
export type TargetServerView = z.infer<typeof TargetServerView>;
