import type { EntityManager } from 'typeorm';

/**
 * A feature whose rows point at a household (payouts, house projects). The registry does not know those tables:
 * when two households merge, it asks each registered holder to move its own rows, in the merge's transaction.
 * Dependencies keep pointing one way: disbursements/ knows beneficiaries/, never the reverse.
 */
export interface BeneficiaryReferences {
  /** Moves the rows pointing at `fromId` to `intoId`; answers how many moved, by kind (`disbursements`, …). */
  moveBeneficiary(tx: EntityManager, fromId: number, intoId: number): Promise<Record<string, number>>;
}
