import { Types } from 'mongoose';

/**
 * The ObjectId an id given by a caller names, or undefined when it names none: only 24 hex digits
 * (the driver also takes any 12-character string as an id).
 */
export function parseObjectId(id: string): Types.ObjectId | undefined {
  return Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : undefined;
}

/** A new ObjectId as 24 hex digits: an id named before its record is written elsewhere (a queued command's). */
export function newObjectIdHex(): string {
  return new Types.ObjectId().toHexString();
}
