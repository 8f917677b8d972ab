import type { JsMsg } from '@nats-io/jetstream';
import type { Msg, MsgHdrs } from '@nats-io/transport-node';
import { BaseRpcContext } from '@nestjs/microservices';

type ContextArgs = [subject: string, headers: MsgHdrs | undefined, correlationId: string, message: Msg | JsMsg];

/** The second argument of every bus handler: where the message came from and, for JetStream, its delivery. */
export class BusContext extends BaseRpcContext<ContextArgs> {
  getSubject(): string {
    return this.args[0];
  }
  getHeaders(): MsgHdrs | undefined {
    return this.args[1];
  }
  getCorrelationId(): string {
    return this.args[2];
  }
  /** How many times JetStream has delivered this message (1 on the first delivery; 1 for request/reply). */
  getDeliveryCount(): number {
    const msg = this.args[3];
    return 'info' in msg ? msg.info.deliveryCount : 1;
  }
  /** Tells JetStream the handler is still busy, so the message is not redelivered elsewhere. */
  working(): void {
    const msg = this.args[3];
    if ('working' in msg) msg.working();
  }
}
