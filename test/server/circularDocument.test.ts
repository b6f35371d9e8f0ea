// A circular as an official document (server/reporting/circularDocument.ts), without the toolchain:
// the printable page has the red head with the issuing office, the 文号, the title, the addressees, the
// ranking with 并列 ranks, the praised and the criticised, the 落款 and the date in Chinese; a draft
// says it is one and names no office; the XLSX rows carry the same parts in the same order.
import { describe, expect, it } from 'vitest';
import { circularDoc, circularHtml, circularRows, type CircularDocInput } from '../../server/reporting/circularDocument';

const base: CircularDocInput = {
  title: '关于2026年城乡居民养老保险参保缴费工作进度的通报（第1期）',
  status: 'published',
  periodKey: '2026-12-15',
  dueAt: Date.parse('2026-12-15T16:00:00Z'), // 2026-12-16 00:00 in Beijing: the end of the 15th
  timeZone: 'Asia/Shanghai',
  level: 'county',
  ranking: [
    { code: '440703', name: '蓬江区', paid: 52_000, targetPaying: 80_000, rate: 0.65, change: 0.012, reported: 'on-time' },
    { code: '440704', name: '江海区', paid: 26_000, targetPaying: 40_000, rate: 0.65, change: null, reported: 'on-time' },
    { code: '440705', name: '新会区', paid: 10_000, targetPaying: 100_000, rate: 0.1, change: -0.003, reported: 'missing' },
  ],
  late: [{ code: '440705', name: '新会区' }],
  praised: [{ code: '440703', name: '蓬江区', rate: 0.65 }],
  issuer: '江门市人力资源和社会保障局',
  docNo: '江人社通〔2026〕3号',
  publishedAt: new Date('2026-12-16T02:00:00Z'),
  approvalNote: '数据已核对',
};

const part = (html: string, name: string) => new RegExp(`data-part="${name}"[^>]*>([^<]*)<`).exec(html)?.[1];

describe('the circular document', () => {
  it('prints in the 通报 layout: 发文单位, 文号, title, addressees, ranking, 落款 and date', () => {
    const html = circularHtml(base);
    expect(part(html, 'issuer')).toBe('江门市人力资源和社会保障局');
    expect(part(html, 'docno')).toBe('江人社通〔2026〕3号');
    expect(part(html, 'title')).toBe(base.title);
    expect(part(html, 'addressee')).toBe('各县（市、区）人力资源和社会保障局：');
    expect(html).toContain('截至2026年12月15日（第 2026-12-15 期报送截止）');
    expect(part(html, 'signature')).toBe('江门市人力资源和社会保障局');
    expect(part(html, 'date')).toBe('2026年12月16日');
    // Equal rates share a rank; the change is said in points.
    expect(html).toContain('<td>并列第1</td><td>蓬江区</td>');
    expect(html).toContain('<td>并列第1</td><td>江海区</td>');
    expect(html).toContain('<td>第3</td><td>新会区</td>');
    expect(html).toContain('上升1.2个百分点');
    expect(part(html, 'criticism')).toBe('新会区（未报）未按时报送进度，予以通报批评，请于三个工作日内补报并说明原因。');
    expect(html).not.toContain('草稿');
    // Full-width punctuation in the prose.
    expect(html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, '')).not.toMatch(/[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]/);
  });

  it('names a stream\'s period by the stream and states which figures it ranks by', () => {
    const opening = (input: Partial<CircularDocInput>) => circularDoc({ ...base, ...input }).opening;
    expect(opening({})).toMatch(/（第 2026-12-15 期报送截止）.*（按缴费完成率排序）：$/);
    expect(opening({ periodKey: 'xunbao:2031-11-10', streamName: '旬报', figures: 'own-first' })).toMatch(
      /（「旬报」2031-11-10 期报送截止）.*（按缴费完成率排序；缴费人数为本级报数优先（下级全部报齐后取下级合计））：$/,
    );
    expect(opening({ figures: 'verified', figuresAsOf: '2026-12-13' })).toMatch(/（按缴费完成率排序；缴费人数为税务部门核实数，仅计扣费成功，数据截至2026年12月13日）：$/);
  });

  it('a draft says so and leaves the office and date to the approver', () => {
    const html = circularHtml({ ...base, status: 'draft', issuer: null, docNo: null, publishedAt: null, approvalNote: null });
    expect(html).toContain('草稿：未经审核，不得外传。');
    expect(part(html, 'issuer')).toBe('（发文单位，审核发布时填写）');
    expect(part(html, 'docno')).toBeUndefined();
    expect(part(html, 'date')).toBe('（发布日期）');
  });

  it('the XLSX rows carry the same parts in order', () => {
    const rows = circularRows(base);
    expect(rows[0]).toEqual(['江门市人力资源和社会保障局']);
    expect(rows[1]).toEqual(['江人社通〔2026〕3号']);
    expect(rows[2]).toEqual([base.title]);
    expect(rows[3]).toEqual(['各县（市、区）人力资源和社会保障局：']);
    expect(rows[5]).toEqual(['排名', '单位', '缴费人数', '目标人数', '完成率', '较上期', '报送情况']);
    expect(rows[6]).toEqual(['并列第1', '蓬江区', 52_000, 80_000, '65.0%', '上升1.2个百分点', '按时']);
    expect(rows.at(-2)).toEqual(['', '', '', '', '', '江门市人力资源和社会保障局']);
    expect(rows.at(-1)).toEqual(['', '', '', '', '', '2026年12月16日']);
  });
});
