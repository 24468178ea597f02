// The open-data files of a disclosure (issue 14): the same figures as the page, as JSON and as CSV, each stamped
// with the chain head it was computed from and signed with the fund's Ed25519 key; and a signed manifest naming
// both files by their SHA-256.
import type { FundDisclosure } from './disclosure.service';
import { KeyPair, PUBLIC_FORMAT, sha256Hex, signCsv, signJson } from './signing';

export function disclosureJson(d: FundDisclosure, key: KeyPair | null): string {
  return signJson({ ...d }, key);
}

const cell = (value: string | number | null): string => {
  const text = value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * One figure per line: section, year, item, sub-item, amount (đồng), households. The first line names the format,
 * the fund, the range and the chain head; the last line is the signature.
 */
export function disclosureCsv(d: FundDisclosure, key: KeyPair | null): string {
  const head = d.chainHead;
  const lines: string[] = [
    [
      `# ${PUBLIC_FORMAT}`,
      'fund',
      d.fund.code,
      'from',
      d.from,
      'to',
      d.to,
      'chain_head',
      head.hash,
      'entry',
      head.entryId ?? '',
    ]
      .map(cell)
      .join(','),
    'section,year,item,sub_item,amount_dong,households',
  ];
  const row = (...values: (string | number | null)[]) => lines.push(values.map(cell).join(','));
  row('total', null, 'receipts', null, d.totals.receipts, null);
  row('total', null, 'disbursements', null, d.totals.disbursements, null);
  row('total', null, 'housing', null, d.totals.housingAmount, d.totals.housingHouseholds);
  row('total', null, 'opening_balance', null, d.totals.openingBalance, null);
  row('total', null, 'closing_balance', null, d.totals.closingBalance, null);
  for (const y of d.years) {
    row('receipts', y.year, 'total', null, y.receipts, null);
    for (const [kind, amount] of Object.entries(y.byDonorKind))
      row('receipts', y.year, 'donor_kind', kind, amount, null);
    for (const c of y.byCampaign) row('receipts', y.year, 'campaign', c.campaign ?? '(none)', c.amount, null);
    row('disbursements', y.year, 'total', null, y.disbursements, null);
    for (const p of y.byPurpose.lines)
      row('disbursements', y.year, 'purpose', p.purpose, p.amount, p.households);
    if (y.byPurpose.merged)
      row(
        'disbursements',
        y.year,
        'purpose_merged',
        y.byPurpose.merged.purposes.join('+'),
        y.byPurpose.merged.amount,
        y.byPurpose.merged.households,
      );
    row('households', y.year, 'total', null, null, y.households.households);
    for (const c of y.households.categories) {
      row('households', y.year, 'category', c.category, null, c.households);
      for (const m of c.communes)
        row('households', y.year, `commune:${c.category}`, m.commune, null, m.households);
      if (c.otherCommunes !== null)
        row('households', y.year, `commune:${c.category}`, '(other communes)', null, c.otherCommunes);
    }
    if (y.households.otherCategories !== null)
      row('households', y.year, 'category', '(other categories)', null, y.households.otherCategories);
    row('balance', y.year, 'closing_cash_and_bank', null, y.closingBalance, null);
  }
  for (const c of d.claims) row('claim', null, c.label, `${c.metric}:${c.verdict}`, c.expected, c.actual);
  for (const donor of d.honourRoll)
    for (const y of donor.years) row('honour_roll', y.year, donor.name, null, y.amount, null);
  return signCsv(`${lines.join('\n')}\n`, key);
}

/** The manifest: each file's name and SHA-256, the chain head, signed like the files. */
export function manifestJson(
  d: FundDisclosure,
  files: { name: string; bytes: string }[],
  key: KeyPair | null,
): string {
  return signJson(
    {
      format: PUBLIC_FORMAT,
      kind: 'manifest',
      fund: d.fund,
      from: d.from,
      to: d.to,
      chainHead: d.chainHead,
      files: files.map((f) => ({
        name: f.name,
        sha256: sha256Hex(f.bytes),
        bytes: Buffer.byteLength(f.bytes),
      })),
    },
    key,
  );
}
