import { z } from 'zod';
import { defineEvent } from './bus';
import { Streams } from './streams';

export const DeadLetter = z.object({
  stream: z.string(),
  consumer: z.string(),
  subject: z.string(),
  deliveries: z.number().int(),
  reason: z.string(),
  /** The original payload as UTF-8 text (it may not be valid JSON, which can be why it failed). */
  payload: z.string(),
  correlation_id: z.string(),
  dead_lettered_at: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export const BusEvents = {
  deadLettered: defineEvent('bus.evt.message.dead-lettered', Streams.deadLetters.name, DeadLetter),
};
