// The console's numbers and dates as officials write them (web/src/lib/format.ts): 万 and 亿, money
// with two decimals, rates with one, 并列 ranks, prose and ISO dates in the plan's time zone.
import { describe, expect, it } from 'vitest';
import {
  formatActor,
  formatCount,
  formatDateProse,
  formatDateTimeProse,
  formatDeadlineProse,
  formatMoney,
  formatRate,
  localDate,
  proseMonth,
  rankWithTies,
  rateKey,
} from '../../web/src/lib/format';

const ZONE = 'Asia/Shanghai';

describe('formatCount', () => {
  it('keeps counts under 1万 in full, with separators', () => {
    expect(formatCount(0, 'zh-CN')).toBe('0');
    expect(formatCount(300, 'zh-CN')).toBe('300');
    expect(formatCount(9_999, 'zh-CN')).toBe('9,999');
  });

  it('writes 万 from ten thousand and 亿 from a hundred million, up to two decimals', () => {
    expect(formatCount(1_470_000, 'zh-CN')).toBe('147万');
    expect(formatCount(564_000, 'zh-CN')).toBe('56.4万');
    expect(formatCount(52_600, 'zh-CN')).toBe('5.26万');
    expect(formatCount(10_000, 'zh-CN')).toBe('1万');
    expect(formatCount(123_456_789, 'zh-CN')).toBe('1.23亿');
    expect(formatCount(500_000_000, 'zh-CN')).toBe('5亿');
  });

  it('moves to the next unit when rounding reaches it', () => {
    expect(formatCount(99_999_999, 'zh-CN')).toBe('1亿');
    expect(formatCount(9_999.6, 'zh-CN')).toBe('10,000');
  });

  it('keeps the full number in English', () => {
    expect(formatCount(1_470_000, 'en')).toBe('1,470,000');
  });
});

describe('formatMoney', () => {
  it('writes yuan with two decimals, in 万元 and 亿元 when large', () => {
    expect(formatMoney(424_800.5, 'zh-CN')).toBe('42.48万元');
    expect(formatMoney(1_000_000, 'zh-CN')).toBe('100.00万元');
    expect(formatMoney(1_234.5, 'zh-CN')).toBe('1,234.50元');
    expect(formatMoney(0, 'zh-CN')).toBe('0.00元');
    expect(formatMoney(120_000_000, 'zh-CN')).toBe('1.20亿元');
    expect(formatMoney(424_800.5, 'en')).toBe('¥424,800.50');
  });
});

describe('formatRate', () => {
  it('shows one decimal', () => {
    expect(formatRate(0.123, 'zh-CN')).toBe('12.3%');
    expect(formatRate(0, 'zh-CN')).toBe('0.0%');
    expect(formatRate(1.5, 'zh-CN')).toBe('150.0%');
  });

  it('never shows a rate short of the target as 100%', () => {
    expect(formatRate(0.9996, 'zh-CN')).toBe('99.9%');
    expect(formatRate(1, 'zh-CN')).toBe('100.0%');
  });
});

describe('rankWithTies', () => {
  it('ranks six units tied at 0% all 并列第2, not 2 to 7', () => {
    const units = [
      { name: 'A', rate: 0 },
      { name: 'B', rate: 0.022 },
      { name: 'C', rate: 0 },
      { name: 'D', rate: 0 },
      { name: 'E', rate: 0 },
      { name: 'F', rate: 0 },
      { name: 'G', rate: 0 },
    ];
    const ranked = rankWithTies(units, (u) => rateKey(u.rate));
    expect(ranked.map((r) => [r.item.name, r.rank, r.tied])).toEqual([
      ['B', 1, false],
      ['A', 2, true],
      ['C', 2, true],
      ['D', 2, true],
      ['E', 2, true],
      ['F', 2, true],
      ['G', 2, true],
    ]);
  });

  it('skips the ranks a tie takes (1, 2, 2, 4) and puts units without a rate last, unranked', () => {
    const ranked = rankWithTies([0.5, null, 0.3, 0.3, 0.1], (v) => rateKey(v));
    expect(ranked.map((r) => [r.item, r.rank, r.tied])).toEqual([
      [0.5, 1, false],
      [0.3, 2, true],
      [0.3, 2, true],
      [0.1, 4, false],
      [null, null, false],
    ]);
  });

  it('ties rates that show the same at one decimal', () => {
    const ranked = rankWithTies([0.12341, 0.12339], (v) => rateKey(v));
    expect(ranked.map((r) => r.rank)).toEqual([1, 1]);
  });
});

describe('dates', () => {
  const at = Date.UTC(2026, 10, 30, 16, 0); // 2026-12-01 00:00 in Beijing
  it('writes prose dates the Chinese way and tables in ISO, in the plan zone', () => {
    expect(formatDateProse(at, ZONE, 'zh-CN')).toBe('2026年12月1日');
    expect(localDate(at, ZONE)).toBe('2026-12-01');
    expect(formatDateProse(at, ZONE, 'en')).toBe('1 Dec 2026');
    expect(formatDateTimeProse(at + 18.5 * 3_600_000, ZONE, 'zh-CN')).toBe('2026年12月1日 18:30');
    expect(proseMonth('2026-12', 'zh-CN')).toBe('2026年12月');
  });

  it('writes a deadline at midnight as the day it ends', () => {
    expect(formatDeadlineProse(at, ZONE, 'zh-CN')).toBe('2026年11月30日');
    expect(formatDeadlineProse(at + 3_600_000, ZONE, 'zh-CN')).toBe('2026年12月1日 01:00');
  });
});

describe('formatActor', () => {
  it('puts the account name in full-width brackets in Chinese', () => {
    expect(formatActor('江门市人社局 陈科长(jm.chen)', 'zh-CN')).toBe('江门市人社局 陈科长（jm.chen）');
    expect(formatActor('市人社局', 'zh-CN')).toBe('市人社局');
    expect(formatActor('Chen (jm.chen)', 'en')).toBe('Chen (jm.chen)');
  });
});
