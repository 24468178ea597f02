import { ForbiddenError } from './errors';

export const ROLES = ['admin', 'accountant', 'approver', 'cashier', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting: the authenticated user, or the command line. */
export interface Actor {
  userId: number | null;
  username: string;
  role: Role;
  /** Codes of the funds this actor may see and touch; null means every fund. */
  fundScope: ReadonlySet<string> | null;
}

export const CLI_ACTOR: Actor = { userId: null, username: 'cli', role: 'admin', fundScope: null };

export function canSeeFund(actor: Actor, fundCode: string): boolean {
  return actor.fundScope === null || actor.fundScope.has(fundCode);
}

export function assertFundInScope(actor: Actor, fundCode: string): void {
  if (!canSeeFund(actor, fundCode)) {
    throw new ForbiddenError(`user ${actor.username} may not act on fund ${fundCode}`);
  }
}

/** For actions over every fund (users, new funds, the whole audit trail): a user limited to some funds may not. */
export function assertUnscoped(actor: Actor, what: string): void {
  if (actor.fundScope !== null) {
    throw new ForbiddenError(`user ${actor.username} is limited to some funds and may not ${what}`);
  }
}
