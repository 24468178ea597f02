import { formatDateVi } from '../common/clock';
import { Money } from '../common/money';
import type { DisclosureDocumentView } from '../documents/disclosure.renderer';
import type { DisclosureYear, FundDisclosure } from '../disclosure/disclosure.service';
import type { PublicCount } from '../disclosure/suppression';
import { DONOR_KIND_LABELS, PURPOSE_LABELS, categoryLabel } from './labels';

// View models of the public pages and the printed disclosure: formatting only, every figure comes as it is from
// the disclosure service (already suppressed).

const money = (digits: string | null) => (digits === null ? '—' : Money.fromStored(digits).format());
const count = (n: PublicCount | null) =>
  n === null ? '—' : typeof n === 'number' ? n.toLocaleString('vi-VN') : n;
const purposeName = (p: string) => PURPOSE_LABELS[p] ?? p;

function purposeRows(y: DisclosureYear): { label: string; amount: string; households: string }[] {
  const rows = y.byPurpose.lines.map((l) => ({
    label: purposeName(l.purpose),
    amount: money(l.amount),
    households: count(l.households),
  }));
  if (y.byPurpose.merged)
    rows.push({
      label: `Gộp (nhóm dưới 5 hộ): ${y.byPurpose.merged.purposes.map(purposeName).join('; ')}`,
      amount: money(y.byPurpose.merged.amount),
      households: count(y.byPurpose.merged.households),
    });
  return rows;
}

function householdRows(y: DisclosureYear): { label: string; households: string; communes: string }[] {
  const rows = y.households.categories.map((c) => ({
    label: categoryLabel(c.category),
    households: count(c.households),
    communes: [
      ...c.communes.map((m) => `${m.commune}: ${count(m.households)}`),
      ...(c.otherCommunes !== null ? [`Các xã khác (gộp): ${count(c.otherCommunes)}`] : []),
    ].join(' · '),
  }));
  if (y.households.otherCategories !== null)
    rows.push({
      label: 'Các đối tượng khác (gộp)',
      households: count(y.households.otherCategories),
      communes: '',
    });
  return rows;
}

/** An inline SVG bar chart of receipts and disbursements per year: no script, prints and reads without one. */
function chart(years: DisclosureYear[]): { width: number; height: number; bars: object[]; labels: object[] } {
  const height = 220;
  const slot = 56;
  const width = Math.max(320, years.length * slot + 40);
  const max = years.reduce((m, y) => {
    const r = BigInt(y.receipts);
    const d = BigInt(y.disbursements);
    return r > m ? (d > r ? d : r) : d > m ? d : m;
  }, 1n);
  const scale = (v: string) => {
    const n = BigInt(v) < 0n ? 0n : BigInt(v);
    return Number((n * 1000n) / max) / 1000; // a ratio for drawing only; the figures shown stay exact
  };
  const bars: object[] = [];
  const labels: object[] = [];
  years.forEach((y, i) => {
    const x = 30 + i * slot;
    const r = scale(y.receipts) * (height - 40);
    const d = scale(y.disbursements) * (height - 40);
    bars.push({
      x,
      y: height - 20 - r,
      h: r,
      w: 20,
      cls: 'receipts',
      title: `${y.year} thu ${money(y.receipts)}`,
    });
    bars.push({
      x: x + 22,
      y: height - 20 - d,
      h: d,
      w: 20,
      cls: 'disbursements',
      title: `${y.year} chi ${money(y.disbursements)}`,
    });
    labels.push({ x: x + 21, y: height - 5, text: String(y.year) });
  });
  return { width, height, bars, labels };
}

export function fundPageView(d: FundDisclosure, selectedYear: number | null) {
  const year = d.years.find((y) => y.year === selectedYear) ?? d.years[d.years.length - 1] ?? null;
  const base = `/public/funds/${encodeURIComponent(d.fund.code)}`;
  const range = `from=${d.from.slice(0, 4)}&to=${d.to.slice(0, 4)}`;
  return {
    title: `Công khai tài chính — ${d.fund.name}`,
    fund: d.fund,
    fromText: formatDateVi(d.from),
    toText: formatDateVi(d.to),
    fromYear: d.from.slice(0, 4),
    toYear: d.to.slice(0, 4),
    funds: d.funds.join(', '),
    fundCount: d.funds.length,
    chain: {
      entryId: d.chainHead.entryId ?? '—',
      hash: d.chainHead.hash,
      short: d.chainHead.hash.slice(0, 16),
      entries: d.chainHead.entries,
    },
    links: {
      csv: `${base}/data.csv?${range}`,
      json: `${base}/data.json?${range}`,
      manifest: `${base}/manifest.json?${range}`,
      keys: `${base}/keys.json`,
      pdf: year ? `${base}/disclosure.pdf?year=${year.year}` : null,
    },
    totals: {
      receipts: money(d.totals.receipts),
      disbursements: money(d.totals.disbursements),
      housingHouseholds: count(d.totals.housingHouseholds),
      housingAmount: money(d.totals.housingAmount),
      closingBalance: money(d.totals.closingBalance),
    },
    chart: chart(d.years),
    years: d.years.map((y) => ({
      year: y.year,
      receipts: money(y.receipts),
      disbursements: money(y.disbursements),
      households: count(y.households.households),
      closingBalance: money(y.closingBalance),
      href: `${base}?${range}&year=${y.year}#nam`,
      selected: year?.year === y.year,
    })),
    year: year && {
      year: year.year,
      donorKinds: Object.entries(year.byDonorKind).map(([k, v]) => ({
        label: DONOR_KIND_LABELS[k] ?? k,
        amount: money(v),
      })),
      campaigns: year.byCampaign.map((c) => ({
        label: c.campaign ?? 'Ngoài các đợt vận động',
        amount: money(c.amount),
      })),
      receipts: money(year.receipts),
      purposes: purposeRows(year),
      disbursements: money(year.disbursements),
      households: count(year.households.households),
      categories: householdRows(year),
      closingBalance: money(year.closingBalance),
    },
    claims: d.claims.map((c) => ({
      label: c.label,
      period: `${formatDateVi(c.from)} – ${formatDateVi(c.to)}`,
      expected: c.metric === 'households_supported' ? count(Number(c.expected)) : money(c.expected),
      actual:
        c.metric !== 'households_supported'
          ? money(c.actual)
          : /^\d+$/.test(c.actual)
            ? count(Number(c.actual))
            : c.actual,
      agrees: c.verdict === 'agrees',
    })),
    honourRoll: d.honourRoll.map((h) => ({
      name: h.name,
      total: money(h.total),
      years: h.years.map((y) => `${y.year}: ${money(y.amount)}`).join(' · '),
    })),
  };
}

/** The printed disclosure of one year (niêm yết công khai at the commune office). */
export function disclosureDocument(d: FundDisclosure, yearNo: number): DisclosureDocumentView | null {
  const y = d.years.find((x) => x.year === yearNo);
  if (!y) return null;
  const amountCol = { header: 'Số tiền (đồng)', width: 150, align: 'right' as const };
  return {
    unitName: d.fund.unitName ?? d.fund.name,
    fundName: d.fund.name,
    title: `CÔNG KHAI TÌNH HÌNH THU, CHI QUỸ ĐỀN ƠN ĐÁP NGHĨA NĂM ${y.year}`,
    period: `Từ ngày 01/01/${y.year} đến ngày 31/12/${y.year}${d.funds.length > 1 ? ` — hợp nhất ${d.funds.length} quỹ` : ''}`,
    chainLine: `Số liệu lấy từ sổ sách đến bút toán số ${d.chainHead.entryId ?? '—'} (${d.chainHead.entries} bút toán), mã chuỗi ${d.chainHead.hash}`,
    sections: [
      {
        heading: 'I. Thu',
        columns: [{ header: 'Nguồn thu', width: 353 }, amountCol],
        rows: [
          ...Object.entries(y.byDonorKind).map(([k, v]) => ({
            cells: [DONOR_KIND_LABELS[k] ?? k, money(v)],
          })),
          { cells: ['Tổng thu', money(y.receipts)], bold: true },
        ],
      },
      {
        heading: 'II. Chi',
        columns: [
          { header: 'Nội dung chi', width: 273 },
          { header: 'Số hộ', width: 80, align: 'right' },
          amountCol,
        ],
        rows: [
          ...purposeRows(y).map((r) => ({ cells: [r.label, r.households, r.amount] })),
          { cells: ['Tổng chi', count(y.households.households), money(y.disbursements)], bold: true },
        ],
      },
      {
        heading: 'III. Số hộ được hỗ trợ theo đối tượng và xã (chỉ số hộ)',
        columns: [
          { header: 'Đối tượng', width: 170 },
          { header: 'Số hộ', width: 60, align: 'right' },
          { header: 'Theo xã', width: 273 },
        ],
        rows: householdRows(y).map((r) => ({ cells: [r.label, r.households, r.communes] })),
      },
      {
        heading: 'IV. Tồn quỹ cuối năm (tiền mặt và tiền gửi)',
        columns: [{ header: 'Khoản', width: 353 }, amountCol],
        rows: [{ cells: [`Tồn quỹ ngày 31/12/${y.year}`, money(y.closingBalance)], bold: true }],
      },
    ],
    notes: [
      'Số liệu về hộ được hỗ trợ chỉ ghi số hộ; nhóm dưới 5 hộ ghi "< 5" và số tiền được gộp lên dòng trên để không thể suy ra một hộ.',
      'Bản dữ liệu có chữ ký số (CSV, JSON) và cách kiểm tra: xem trang công khai của quỹ, mục "Dữ liệu mở".',
    ],
    issuedAt: `${y.year}-12-31T00:00:00.000Z`,
  };
}
