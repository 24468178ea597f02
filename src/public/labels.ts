import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATA_DIR } from '../common/paths';

// Vietnamese labels of the public pages and the printed disclosure.

export const DONOR_KIND_LABELS: Record<string, string> = {
  agency: 'Cơ quan, đơn vị',
  enterprise: 'Doanh nghiệp',
  organization: 'Tổ chức',
  individual: 'Cá nhân',
  other: 'Thu khác (lãi tiền gửi, nhận từ quỹ khác…)',
};

export const PURPOSE_LABELS: Record<string, string> = {
  house_new: 'Hỗ trợ xây mới nhà ở',
  house_repair: 'Hỗ trợ sửa chữa nhà ở',
  visit_gift: 'Thăm hỏi, tặng quà',
  hardship: 'Hỗ trợ ốm đau, khó khăn, mai táng',
  savings_book: 'Sổ tiết kiệm tình nghĩa',
  memorial: 'Tu bổ công trình ghi công liệt sĩ',
  management: 'Chi quản lý quỹ',
  transfer: 'Chuyển quỹ cấp khác',
  other: 'Chi khác',
};

let categories: Record<string, string> | null = null;

export function categoryLabel(code: string): string {
  if (!categories) {
    const file = JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'beneficiary-categories.json'), 'utf8')) as {
      categories: { code: string; nameVi: string }[];
    };
    categories = Object.fromEntries(file.categories.map((c) => [c.code, c.nameVi]));
  }
  return categories[code] ?? code;
}
