import { createRequire } from 'node:module';
import { FOREIGN_PROTOCOL_PHRASE, recognizeForeignProtocol, type ForeignProtocol } from './foreign-protocol';
import { FrameTracker } from './frame-tracker';
import { checkMessage, type WireViolation } from './wire-format';

/**
 * A peer broke the MongoDB wire protocol. Deliberately not one of the driver's error classes: the
 * driver then neither retries the operation nor waits for the server to come back within the
 * operation's time limit, and the caller learns at once what happened. The same peer would answer
 * the same way again.
 */
export class TargetProtocolError extends Error {
  constructor(
    readonly violation: WireViolation,
    readonly peer: ForeignProtocol,
    /** `host:port` as the driver names the connection, when known. */
    readonly address?: string,
  ) {
    super(`${address ? `the server at ${address}` : 'the server'} is not a MongoDB server (${FOREIGN_PROTOCOL_PHRASE[peer]})`);
    this.name = 'TargetProtocolError';
  }
}

// The driver's internals this guard wraps. mongodb 6.20 (and 7.x) has no public hook between the
// socket and its parser, so the guard sits on the three places every reply passes through. If an
// upgrade moves them, installDriverGuard() throws at start-up instead of running unguarded.
interface SizedMessageTransformPrototype {
  _transform(this: TransformInstance, chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void;
}
interface TransformInstance {
  connection?: { address?: string };
}
interface ResponsePrototype {
  parse(this: ResponseInstance): unknown;
}
interface ResponseInstance {
  parsed?: boolean;
  raw?: Uint8Array;
}

const driverRequire = createRequire(require.resolve('mongodb'));
const GUARDED = Symbol.for('index-registry.driver-guard');
const trackers = new WeakMap<TransformInstance, FrameTracker>();

/**
 * Makes every connection of this process's MongoDB driver check each reply before the driver reads
 * it: headers as they arrive (a size MongoDB never sends is refused before it is buffered), then the
 * whole message before it is parsed (counts and sizes that would make the parser loop or run past
 * the message). Refusals fail the connection with a TargetProtocolError. Idempotent.
 *
 * It applies to the services' own MongoDB connections too (mongoose uses the same driver), which
 * only ever see valid replies.
 */
export function installDriverGuard(): void {
  const { SizedMessageTransform } = driverRequire('./cmap/connection') as {
    SizedMessageTransform?: { prototype: SizedMessageTransformPrototype };
  };
  const { OpReply, OpMsgResponse } = driverRequire('./cmap/commands') as {
    OpReply?: { prototype: ResponsePrototype };
    OpMsgResponse?: { prototype: ResponsePrototype };
  };
  const transform = SizedMessageTransform?.prototype;
  const responses = [OpReply?.prototype, OpMsgResponse?.prototype];
  if (typeof transform?._transform !== 'function' || responses.some((p) => typeof p?.parse !== 'function')) {
    throw new Error('the MongoDB driver no longer has the internals that libs/target-pool/src/wire/driver-guard.ts wraps');
  }
  if ((transform as unknown as Record<symbol, boolean>)[GUARDED]) return;
  guardTransform(transform);
  for (const prototype of responses as ResponsePrototype[]) guardParse(prototype);
  (transform as unknown as Record<symbol, boolean>)[GUARDED] = true;
}

function guardTransform(prototype: SizedMessageTransformPrototype): void {
  const original = prototype._transform;
  prototype._transform = function (chunk, encoding, callback) {
    let tracker = trackers.get(this);
    if (!tracker) {
      tracker = new FrameTracker();
      trackers.set(this, tracker);
    }
    const violation = tracker.accept(chunk);
    if (violation) {
      const peer = tracker.beforeFirstMessage ? recognizeForeignProtocol(tracker.openingBytesSeen) : 'unknown';
      callback(new TargetProtocolError(violation, peer, this.connection?.address));
      return;
    }
    original.call(this, chunk, encoding, callback);
  };
}

function guardParse(prototype: ResponsePrototype): void {
  const original = prototype.parse;
  prototype.parse = function () {
    if (!this.parsed && this.raw) {
      const violation = checkMessage(this.raw);
      if (violation) throw new TargetProtocolError(violation, 'unknown');
    }
    return original.call(this);
  };
}
