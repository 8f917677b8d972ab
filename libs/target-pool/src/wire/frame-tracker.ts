import { checkAnnouncedLength, checkHeader, HEADER_BYTES, MAX_REPLY_BYTES, readHeader, type WireViolation } from './wire-format';

/**
 * Follows the message boundaries of one connection's incoming byte stream and checks each header as
 * soon as its bytes arrive, before the driver buffers the body it announces. Keeps at most one
 * header's bytes, whatever the stream holds.
 */
const OPENING_BYTES = 64;

export class FrameTracker {
  /** Body bytes of the current message still to come. */
  private remaining = 0;
  private readonly header = new Uint8Array(HEADER_BYTES);
  private headerBytes = 0;
  /** The first bytes the peer ever sent, for telling what it is when it is not MongoDB. */
  private readonly opening = new Uint8Array(OPENING_BYTES);
  private openingBytes = 0;
  private framesSeen = 0;

  constructor(private readonly maxBytes: number = MAX_REPLY_BYTES) {}

  /** The first bytes of the stream: what the peer opened with. */
  get openingBytesSeen(): Uint8Array {
    return this.opening.subarray(0, this.openingBytes);
  }

  /** True until a first complete, valid header was seen. */
  get beforeFirstMessage(): boolean {
    return this.framesSeen === 0;
  }

  /** Takes the next chunk of the stream; answers the first violation found in it, if any. */
  accept(chunk: Uint8Array): WireViolation | undefined {
    if (this.openingBytes < OPENING_BYTES) this.keepOpening(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const skipped = Math.min(this.remaining, chunk.length - offset);
        this.remaining -= skipped;
        offset += skipped;
        continue;
      }
      const taken = Math.min(HEADER_BYTES - this.headerBytes, chunk.length - offset);
      this.header.set(chunk.subarray(offset, offset + taken), this.headerBytes);
      this.headerBytes += taken;
      offset += taken;
      if (this.headerBytes >= 4) {
        const sized = checkAnnouncedLength(new DataView(this.header.buffer).getInt32(0, true), this.maxBytes);
        if (sized) return sized;
      }
      if (this.headerBytes < HEADER_BYTES) return undefined;
      const header = readHeader(this.header);
      const violation = checkHeader(header, this.maxBytes);
      if (violation) return violation;
      this.remaining = header.length - HEADER_BYTES;
      this.headerBytes = 0;
      this.framesSeen += 1;
    }
    return undefined;
  }

  private keepOpening(bytes: Uint8Array): void {
    const room = this.opening.length - this.openingBytes;
    const kept = bytes.subarray(0, room);
    this.opening.set(kept, this.openingBytes);
    this.openingBytes += kept.length;
  }
}
