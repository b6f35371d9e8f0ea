// The files of the hardship screening as the departments send them: the participant roster (花名册) and
// the hardship lists (one file per category and issuing department). Which columns each must have and
// may have, their aliases and labels, where the header is, and the caps on their size. Read by the
// upload route (to show the mapping before an import) and by the import activity (to read the rows).
import { headerRowOf, matchHeaders, type FieldAliases } from './headers';
import type { Limits } from './limits';

export type ListKind = 'roster' | 'hardship' | 'payments';

/** The participant roster (花名册). */
export const ROSTER_FIELDS = {
  idNumber: ['身份证号', '公民身份号码', '证件号码', '身份证号码', '身份证', 'idNumber', 'id_number'],
  name: ['姓名', '人员姓名', '参保人姓名', 'name'],
  villageCode: ['户籍地行政区划代码', '户籍村代码', '村（居）代码', 'villageCode'],
  enrolmentStatus: ['参保状态', 'enrolmentStatus', 'enrollmentStatus'],
  tier: ['本年缴费档次', '缴费档次', 'tier'],
  lastYearTier: ['上年缴费档次', 'lastYearTier'],
  paymentStatus: ['缴费状态', 'paymentStatus'],
  drawingPension: ['是否领取待遇', '领取养老金', '是否领取养老金', 'drawingPension'],
} as const satisfies FieldAliases<string>;
export type RosterField = keyof typeof ROSTER_FIELDS;

/**
 * A hardship list. The category and date usually come from the upload form rather than from columns;
 * a 困难类别 column, when present, gives each row its own category.
 */
export const HARDSHIP_FIELDS = {
  idNumber: ROSTER_FIELDS.idNumber,
  name: ROSTER_FIELDS.name,
  category: ['困难类别', '人员类别', 'category'],
  listDate: ['认定日期', 'listDate'],
} as const satisfies FieldAliases<string>;
export type HardshipField = keyof typeof HARDSHIP_FIELDS;

/**
 * The tax bureau's per-person payment feed (逐人缴费明细): one row per deduction, so a person may appear
 * several times (a failed deduction then a successful one, a payment and its refund, 提档补差). 档次 or
 * 金额: at least one of the two per row (row check in services/hardship/listImport.ts). 参保地 is optional:
 * a successful payment registered in a region that does not contain the person's roster village is
 * "paid but registered elsewhere" (domain/payments.ts).
 */
export const PAYMENT_FIELDS = {
  idNumber: ROSTER_FIELDS.idNumber,
  name: ROSTER_FIELDS.name,
  payYear: ['缴费年度', '费款所属年度', '所属年度', '年度', 'year'],
  payTier: ['档次', '缴费档次', '缴费标准', 'tier'],
  payAmount: ['金额', '缴费金额', '实缴金额', '扣费金额', 'amount'],
  paidOn: ['缴费日期', '扣费日期', '入库日期', '日期', 'paidOn', 'paid_on', 'date'],
  channel: ['渠道', '缴费渠道', 'channel'],
  payStatus: ['状态', '扣费状态', '扣费结果', 'status'],
  insuredRegion: ['参保地', '参保地行政区划代码', '参保地区划代码', 'insuredRegion'],
} as const satisfies FieldAliases<string>;
export type PaymentField = keyof typeof PAYMENT_FIELDS;

/** Fields each list must have, and those used when present. */
export const LIST_FIELDS = {
  roster: {
    required: ['idNumber', 'name', 'villageCode', 'enrolmentStatus'],
    optional: ['tier', 'lastYearTier', 'paymentStatus', 'drawingPension'],
    aliases: ROSTER_FIELDS,
  },
  hardship: {
    required: ['idNumber', 'name'],
    optional: ['category'],
    aliases: { idNumber: HARDSHIP_FIELDS.idNumber, name: HARDSHIP_FIELDS.name, category: HARDSHIP_FIELDS.category },
  },
  payments: {
    required: ['idNumber', 'name', 'payYear', 'paidOn', 'channel', 'payStatus'],
    optional: ['payTier', 'payAmount', 'insuredRegion'],
    aliases: PAYMENT_FIELDS,
  },
} as const;

export const FIELD_LABELS: Record<string, string> = {
  idNumber: '身份证号',
  name: '姓名',
  villageCode: '户籍地行政区划代码',
  enrolmentStatus: '参保状态',
  tier: '本年缴费档次',
  lastYearTier: '上年缴费档次',
  paymentStatus: '缴费状态',
  drawingPension: '是否领取待遇',
  category: '困难类别',
  payYear: '缴费年度',
  payTier: '档次',
  payAmount: '金额',
  paidOn: '缴费日期',
  channel: '渠道',
  payStatus: '状态',
  insuredRegion: '参保地',
};

export interface ListMapping {
  ok: boolean;
  columns?: Record<string, number>;
  missing?: string[];
  ambiguous?: string[];
}

const aliasesOf = (list: ListKind) => LIST_FIELDS[list].aliases as FieldAliases<string>;

/** Required fields by header (or the user's override), optional ones where a column is found. */
export function mapListHeaders(list: ListKind, header: readonly string[], override?: Record<string, number>): ListMapping {
  const m = matchHeaders(header, aliasesOf(list), { required: LIST_FIELDS[list].required, override });
  const columns = m.columns as Record<string, number>;
  return m.missing.length === 0 && m.ambiguous.length === 0 ? { ok: true, columns } : { ok: false, columns, missing: m.missing, ambiguous: m.ambiguous };
}

/** What an import records of its file's layout: the sheet (XLSX), the header's place among the non-empty rows, and field -> column. */
export interface StoredMapping {
  headerRow: number;
  columns: Record<string, number>;
  /** XLSX: the sheet's position in the workbook (from 0); absent means the reader's default (the first visible sheet). */
  sheet?: number;
}

/** Rows looked at for the header. */
export const HEADER_SEARCH_ROWS = 10;

/** The header among a list's first rows (see headerRowOf). */
export function findHeaderRow(list: ListKind, rows: readonly (readonly string[])[]): number {
  return headerRowOf(rows, aliasesOf(list), LIST_FIELDS[list].required);
}

/**
 * Caps per list. A roster is a whole city's or province's residents (1-10 million rows, DOMAIN.md), read
 * and loaded as a stream, so rows cost no memory; only an XLSX's shared strings are held, and that
 * reader's own cap refuses a workbook too large for them (a CSV has no such limit).
 */
export const LIST_LIMITS: Record<ListKind, Partial<Limits>> = {
  roster: { maxBytes: 1536 * 1024 * 1024, maxRows: 12_000_000 },
  hardship: {},
  // A year-to-date feed of a province (DOMAIN.md: rosters of 1-10 million) is as large as a roster.
  payments: { maxBytes: 1536 * 1024 * 1024, maxRows: 30_000_000 },
};
