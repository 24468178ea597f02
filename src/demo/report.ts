import type { DemoBuildResult } from './demo-builder';

/** "55.318.000.000 đ" */
export function vnd(amount: bigint): string {
  return `${amount.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đ`;
}

/** What was built, with the figures the published claims are checked against. */
export function formatSummary(result: DemoBuildResult): string {
  const s = result.plan.summary;
  const funds = result.plan.funds;
  const levels = ['province', 'district', 'commune'].map((l) => funds.filter((f) => f.level === l).length);
  return [
    `Built in ${(result.elapsedMs / 1000).toFixed(1)} s: ${funds.length} funds (${levels[0]} province, ${levels[1]} districts merged into it on 1 July 2025, ${levels[2]} communes),`,
    `  ${s.contributions} contributions from ${s.donors} donors, ${s.payouts} payout requests to ${s.beneficiaries} registered households, ${s.transfers} transfers.`,
    `  ${s.claimsFrom.slice(0, 4)}–${s.claimsTo.slice(0, 4)}, all levels: receipts ${vnd(s.receipts)}; housing for ${s.housingHouseholds} households costing ${vnd(s.housingTotal)}.`,
  ].join('\n');
}

export function formatUsers(users: DemoBuildResult['users']): string {
  const width = Math.max(...users.map((u) => u.username.length));
  const pw = Math.max(...users.map((u) => u.password.length));
  return [
    'Demo users (username, password, role, fund):',
    ...users.map(
      (u) =>
        `  ${u.username.padEnd(width)}  ${u.password.padEnd(pw)}  ${u.role.padEnd(10)}  ${(u.fundCode ?? 'all funds').padEnd(9)}  ${u.label}`,
    ),
  ].join('\n');
}
