// 任务分解 from a spreadsheet: the plan wizard uploads an XLSX (or CSV) of 区划代码、单位名称、上级代码 and
// targets, and gets the rows back as the breakdown's rows, or every refused row with its row, column
// and reason (all or nothing: a half-read breakdown would silently drop units). Nothing is stored; the
// plan itself is validated as a whole when it is previewed.
import express, { type Request } from 'express';
import { z } from 'zod';
import { headerRowOf, matchHeaders, type FieldAliases } from '../../formats/headers';
import { ImportFileError, readRows, type ImportRow } from '../../formats/rows';
import type { PlanIssue } from '../../domain/plan';
import { HttpProblem, badRequest } from '../errors';
import { XLSX_TYPE } from '../http/files';
import { route } from '../http/route';

/** A breakdown is a few thousand units at most (a county's villages); the file is small. */
export const BREAKDOWN_MAX_BYTES = 2 * 1024 * 1024;
export const BREAKDOWN_MAX_ROWS = 5_000;

const TYPES = [XLSX_TYPE, 'text/csv', 'application/octet-stream'];
const raw = express.raw({ type: TYPES, limit: BREAKDOWN_MAX_BYTES });

const FIELDS = {
  code: ['区划代码', '单位代码', '行政区划代码', '代码'],
  name: ['单位名称', '名称', '单位'],
  parent: ['上级代码', '上级区划代码', '上级单位代码'],
  enrolled: ['参保人数', '参保人数目标', '参保目标'],
  paying: ['缴费人数', '缴费人数目标', '缴费目标'],
  headcount: ['应参保人数', '征缴基数'],
} satisfies FieldAliases<string>;
type Field = keyof typeof FIELDS;
const COLUMN_ZH: Record<Field, string> = { code: '区划代码', name: '单位名称', parent: '上级代码', enrolled: '参保人数', paying: '缴费人数', headcount: '应参保人数' };
const TARGETS = ['enrolled', 'paying', 'headcount'] as const;

export const BreakdownRowDto = z.object({
  code: z.string(),
  name: z.string(),
  level: z.enum(['county', 'town', 'village']),
  parentCode: z.string(),
  targets: z.record(z.string(), z.number()),
});
export const BreakdownImportDto = z.object({ rows: z.array(BreakdownRowDto), sheet: z.string().nullable() });
export type BreakdownImport = z.infer<typeof BreakdownImportDto>;

const CODE = /^\d{6}(\d{3}){0,2}$/;

/** 12 digits a village, 9 a town, 6 a county (a breakdown's top units sit under a city or a province). */
const levelOf = (code: string) => (code.length === 12 ? 'village' : code.length === 9 ? 'town' : 'county');

/**
 * The rows of a sheet as breakdown rows (header found among the first rows, a title above it passed
 * over), or each problem named by the sheet's row number and the column's header.
 */
export function breakdownFromRows(rows: readonly ImportRow[], regionCode: string): { rows: BreakdownImport['rows']; errors: PlanIssue[] } {
  const errors: PlanIssue[] = [];
  const headerAt = headerRowOf<Field>(rows.slice(0, 10).map((r) => r.cells), FIELDS, ['code', 'name']);
  const header = rows[headerAt];
  const m = header ? matchHeaders<Field>(header.cells, FIELDS, { required: ['code', 'name'] }) : null;
  if (!header || !m || m.missing.length > 0 || m.ambiguous.length > 0) {
    const lacking = m ? [...m.missing, ...m.ambiguous].map((f) => COLUMN_ZH[f]).join('、') : '区划代码、单位名称';
    return { rows: [], errors: [{ path: 'file', message: `找不到表头中的“${lacking}”列：第一行应为 区划代码、单位名称、上级代码、参保人数 等列名` }] };
  }
  const col = m.columns;
  const out: BreakdownImport['rows'] = [];
  for (const row of rows.slice(headerAt + 1)) {
    const cell = (f: Field) => (col[f] === undefined ? '' : (row.cells[col[f]] ?? '').trim());
    if (Object.keys(FIELDS).every((f) => cell(f as Field) === '')) continue;
    const refuse = (f: Field, reason: string) => errors.push({ path: `rows[${row.line}].${f}`, message: `第 ${row.line} 行“${COLUMN_ZH[f]}”列：${reason}` });
    const code = cell('code');
    const parent = cell('parent');
    if (!CODE.test(code)) {
      refuse('code', code === '' ? '不能为空' : `“${code}”不是 6、9 或 12 位的区划代码`);
      continue;
    }
    if (cell('name') === '') {
      refuse('name', '不能为空');
      continue;
    }
    if (parent !== '' && !CODE.test(parent)) {
      refuse('parent', `“${parent}”不是区划代码`);
      continue;
    }
    const targets: Record<string, number> = {};
    let bad = false;
    for (const f of TARGETS) {
      const text = cell(f).replace(/[,，\s]/g, '');
      if (text === '') continue;
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0) {
        refuse(f, `“${cell(f)}”不是非负整数`);
        bad = true;
      } else targets[f] = n;
    }
    if (bad) continue;
    out.push({ code, name: cell('name'), level: levelOf(code), parentCode: parent || regionCode, targets });
  }
  if (out.length === 0 && errors.length === 0) errors.push({ path: 'file', message: '表中没有任何单位' });
  return { rows: out, errors };
}

/** The body, read here with this route's own cap (it is not JSON). */
function readBody(req: Request): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) =>
    raw(req, req.res!, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') reject(new HttpProblem(413, '请求体过大', `任务分解表不得超过 2 MiB（${BREAKDOWN_MAX_BYTES} 字节）`));
      else if (err) reject(err);
      else resolve(Buffer.isBuffer(req.body) ? req.body : undefined);
    }),
  );
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

export const breakdownRoutes = [
  route({
    method: 'POST',
    path: '/api/plans/breakdown',
    summary: '读取任务分解表（XLSX 或 CSV：区划代码、单位名称、上级代码、目标）；不保存，返回分解行或每处错误的行、列与原因',
    scope: { kind: 'role', action: 'campaign.launch' },
    bodyKind: 'stream',
    streamTypes: TYPES,
    query: z.object({ region: z.string().regex(CODE, '区划代码应为 6、9 或 12 位数字') }).strict(),
    answers: {
      200: { description: '分解行', schema: BreakdownImportDto },
      400: { description: '文件有错误，errors 列出行、列与原因' },
      413: { description: '文件超过 2 MiB' },
      415: { description: '内容类型不是表格' },
    },
    handler: async ({ req, query }) => {
      const bytes = await readBody(req);
      if (!bytes) throw new HttpProblem(415, '不支持的内容类型', `请以 XLSX 或 CSV 文件提交（收到 ${req.get('Content-Type') ?? '无'}）`);
      if (bytes.length === 0) throw badRequest('请求体为空：请提交任务分解表');
      const rows: ImportRow[] = [];
      let sheet: string | null | undefined;
      try {
        const reader = readRows(once(bytes), { fileName: '任务分解表', size: bytes.length });
        for (;;) {
          const next = await reader.next();
          if (next.done) {
            sheet = next.value.sheetName ?? null;
            break;
          }
          if (rows.length >= BREAKDOWN_MAX_ROWS + 10) throw badRequest(`任务分解表至多 ${BREAKDOWN_MAX_ROWS} 行`);
          rows.push(next.value);
        }
      } catch (e) {
        if (e instanceof ImportFileError) throw badRequest(e.reason);
        throw e;
      }
      const result = breakdownFromRows(rows, query.region);
      if (result.errors.length > 0) throw badRequest(`任务分解表有 ${result.errors.length} 处错误，未读入任何单位`, result.errors);
      return { rows: result.rows, sheet: sheet ?? null };
    },
  }),
];
