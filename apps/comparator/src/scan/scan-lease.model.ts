import type { Provider } from '@nestjs/common';
import { Connection, Schema, type Model } from 'mongoose';

/**
 * When each database is next compared, and which replica holds it now. A
 * replica claims a due lease through a claim document (below), so with N
 * replicas each database is still compared once per interval.
 */
export interface ScanLeaseDocument {
  /** The registry's database id. */
  _id: string;
  next_scan_at: Date;
  /** A claim expires, so a replica that died mid-scan does not hold the database forever. */
  claimed_until: Date | null;
  claimed_by: string | null;
  /** The last registry change of the database: one during a scan may have come after the scan read the DR. */
  changed_at?: Date | null;
}

const ScanLeaseSchema = new Schema<ScanLeaseDocument>(
  {
    _id: { type: String, required: true },
    next_scan_at: { type: Date, required: true },
    claimed_until: { type: Date, default: null },
    claimed_by: { type: String, default: null },
    changed_at: { type: Date, default: null },
  },
  { versionKey: false, collection: 'scan_leases' },
);
ScanLeaseSchema.index({ next_scan_at: 1 }, { name: 'due' });

/**
 * One claim of a lease in one state (its due time and claim expiry, in `_id`). Inserting it is the
 * claim: the unique `_id` lets exactly one replica in, even on FerretDB 1.x, whose conditional
 * updates and findAndModify read and then write and so let several replicas "win" the same lease.
 */
export interface ScanClaimDocument {
  _id: string;
  lease: string;
  /** When it was claimed: claims older than a claim's lifetime and an interval are deleted. */
  at: Date;
}

const ScanClaimSchema = new Schema<ScanClaimDocument>(
  {
    _id: { type: String, required: true },
    lease: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'scan_claims' },
);

export type ScanLeaseModel = Model<ScanLeaseDocument>;
export type ScanClaimModel = Model<ScanClaimDocument>;
export const SCAN_LEASE_MODEL = 'ScanLease';
export const SCAN_CLAIM_MODEL = 'ScanClaim';

export function scanLeaseModel(connection: Connection): ScanLeaseModel {
  return connection.model<ScanLeaseDocument>(SCAN_LEASE_MODEL, ScanLeaseSchema);
}

export function scanClaimModel(connection: Connection): ScanClaimModel {
  return connection.model<ScanClaimDocument>(SCAN_CLAIM_MODEL, ScanClaimSchema);
}

/** The models on the service's connection, for its repository. */
export const scanLeaseModelProvider: Provider = { provide: SCAN_LEASE_MODEL, inject: [Connection], useFactory: scanLeaseModel };
export const scanClaimModelProvider: Provider = { provide: SCAN_CLAIM_MODEL, inject: [Connection], useFactory: scanClaimModel };
