import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

const ACK = new TextEncoder().encode('+ACK');
const ATTEMPT_TIMEOUT_MS = 5_000;
const FIRST_RETRY_DELAY_MS = 250;
const MAX_RETRY_DELAY_MS = 2_000;

/**
 * The subject a message's ack goes to. nats.js keeps it on the message (`JsMsgImpl.reply`) but sends
 * an ack once only: a second `ackAck` resolves at once without sending anything, so a retry has to
 * go to the subject itself.
 */
function ackSubject(msg: JsMsg): string | undefined {
  const reply = (msg as JsMsg & { reply?: unknown }).reply;
  return typeof reply === 'string' && reply.length > 0 ? reply : undefined;
}

/**
 * Acks `msg` and waits for JetStream to confirm it, trying again, with a growing delay, while no
 * server takes it: when a cluster node dies, the consumers it led elect new leaders, which takes
 * seconds, and an ack sent meanwhile is lost. Gives up after `withinMs` (the consumer's ack wait):
 * by then the server delivers the message again, and the handler, finding its work done, acks that
 * delivery. Resolves true once the ack is confirmed.
 */
export async function acknowledge(nc: NatsConnection, msg: JsMsg, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  const timeout = (): number => Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now()));
  if (await msg.ackAck({ timeout: timeout() }).catch(() => false)) return true;
  const subject = ackSubject(msg);
  if (!subject) return false;
  for (let delay = FIRST_RETRY_DELAY_MS; Date.now() + delay < deadline; delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    const confirmed = await nc
      .request(subject, ACK, { timeout: timeout() })
      .then(() => true)
      .catch(() => false);
    if (confirmed) return true;
  }
  return false;
}
