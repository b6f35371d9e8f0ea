// The pure escalation rules: when a missed-report rung falls due on the working-day calendar, the
// expected pace (linear or a curve), the behind-pace judgement and its plain-language reason.
import { computeLights } from '../../domain/lights';
import { describe, expect, it } from 'vitest';
import { shippedCalendar } from '../../domain/calendar';
import {
  escalationId,
  evaluatePace,
  expectedShare,
  missedReason,
  missedRungAt,
  notifyCodes,
  pacePhase,
  paceRungReady,
  type PhaseWindow,
} from '../../domain/escalation';
import { EscalationSchema } from '../../domain/plan';
import { dueInstant } from '../../domain/schedule';
import { formatDueLocal } from '../../domain/time';

const TZ = 'Asia/Shanghai';
const cal = shippedCalendar();
const escalation = EscalationSchema.parse({
  ladder: [
    { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
    { rung: 'warning', name: '预警', delayWorkingDays: 1, notify: ['unit', 'parent'] },
    { rung: 'circular', name: '通报批评', delayWorkingDays: 3, notify: ['unit', 'parent', 'city'] },
  ],
});
// Jiangmen 2023's payment phase: Nov 1 00:00 to Nov 30 24:00, Beijing.
const payment: PhaseWindow = { key: 'payment', nameZh: '参保缴费阶段', startAt: Date.parse('2023-10-31T16:00:00Z'), deadlineAt: Date.parse('2023-11-30T16:00:00Z') };

describe('missed-report rungs', () => {
  it('fall due the given number of working days after the due date, counting make-up days and skipping the holiday', () => {
    // Due Sat 2023-10-07 (a make-up working day) at 24:00.
    const period = { dueDate: '2023-10-07', dueAt: dueInstant('2023-10-07', '24:00', TZ) };
    expect(missedRungAt(cal, period, '24:00', TZ, 0)).toEqual({ at: Date.parse('2023-10-07T16:00:00Z'), date: '2023-10-07' });
    // +1: Sun 10-08 is also a make-up working day.
    expect(missedRungAt(cal, period, '24:00', TZ, 1)).toEqual({ at: Date.parse('2023-10-08T16:00:00Z'), date: '2023-10-08' });
    // +3: Mon 10-09, Tue 10-10.
    expect(missedRungAt(cal, period, '24:00', TZ, 3).date).toBe('2023-10-10');
    // Before National Day: due Thu 2023-09-28, +1 skips the whole holiday to Sat 10-07.
    expect(missedRungAt(cal, { dueDate: '2023-09-28', dueAt: dueInstant('2023-09-28', '24:00', TZ) }, '24:00', TZ, 1).date).toBe('2023-10-07');
  });

  it('explains itself with the due time written as officials write it', () => {
    const reason = missedReason({
      periodKey: '2023-10-01',
      dueAt: dueInstant('2023-10-07', '24:00', TZ),
      shiftReason: { zh: '顺延至10月7日', en: 'moved to Oct 7' },
      timeZone: TZ,
      rungName: '预警',
      delayWorkingDays: 1,
      rungDate: '2023-10-08',
    });
    expect(reason.zh).toBe('2023-10-01 期报表应于 2023-10-07 24:00 前报送（顺延至10月7日），逾期 1 个工作日（至 2023-10-08）仍未报送，按方案升级为「预警」。');
    expect(reason.en).toMatch(/due by 2023-10-07 24:00 \(moved to Oct 7\)/);
  });

  it('formats midnight as the end of the previous day, other times as they are', () => {
    expect(formatDueLocal(Date.parse('2023-10-16T16:00:00Z'), TZ)).toBe('2023-10-16 24:00');
    expect(formatDueLocal(Date.parse('2023-10-16T10:00:00Z'), TZ)).toBe('2023-10-16 18:00');
  });

  it('has one id per unit, track, period and rung, and notifies each region once', () => {
    expect(escalationId('c', '440703', 'missed-report', '2023-10-01', 'warning')).toBe('c/440703/missed-report/2023-10-01/warning');
    expect(notifyCodes(['unit', 'parent', 'city'], { unit: '440703', parent: '440700', city: '440700' })).toEqual(['440703', '440700']);
  });
});

describe('pace', () => {
  it('expects a linear share over the pace phase, or follows the plan curve', () => {
    expect(pacePhase(escalation, [payment])).toBe(payment);
    expect(expectedShare(escalation, payment, TZ, payment.startAt)).toBe(0);
    expect(expectedShare(escalation, payment, TZ, payment.startAt + (payment.deadlineAt - payment.startAt) / 2)).toBeCloseTo(0.5, 10);
    expect(expectedShare(escalation, payment, TZ, payment.deadlineAt + 1)).toBe(1);
    const curved = EscalationSchema.parse({ ...escalation, pace: { curve: [{ date: '2023-11-10', share: 0.6 }] } });
    // By the end of Nov 10 (10 of 30 days) the curve wants 60%; halfway to it, 30%.
    expect(expectedShare(curved, payment, TZ, Date.parse('2023-11-10T16:00:00Z'))).toBeCloseTo(0.6, 10);
    expect(expectedShare(curved, payment, TZ, Date.parse('2023-11-05T16:00:00Z'))).toBeCloseTo(0.3, 10);
  });

  it('is behind only beyond the margin, with the figures in the reason', () => {
    const at = Date.parse('2023-11-15T16:00:00Z');
    const share = expectedShare(escalation, payment, TZ, at);
    const behind = evaluatePace({ metric: 'paying', target: 9000, actual: 3200, expectedShare: share, margin: 0.05, at, timeZone: TZ })!;
    expect(behind.behind).toBe(true);
    expect(behind.expected).toBe(4500);
    expect(behind.reason.zh).toBe('截至 2023-11-15 24:00，缴费人数 3,200（目标 9,000 的 35.6%），按序时进度应达 4,500（50.0%），落后 14.4 个百分点，超过允许的 5.0 个百分点。');
    expect(evaluatePace({ metric: 'paying', target: 9000, actual: 4100, expectedShare: share, margin: 0.05, at, timeZone: TZ })!.behind).toBe(false);
    expect(evaluatePace({ metric: 'paying', target: null, actual: 0, expectedShare: share, margin: 0.05, at, timeZone: TZ })).toBeNull();
  });

  it('raises the next rung once its working-day delay since the lag began has passed', () => {
    expect(paceRungReady(cal, escalation.ladder, 0, '2023-11-15', '2023-11-15')).toBe(true);
    expect(paceRungReady(cal, escalation.ladder, 1, '2023-11-15', '2023-11-15')).toBe(false);
    expect(paceRungReady(cal, escalation.ladder, 1, '2023-11-15', '2023-11-16')).toBe(true);
    // Three working days after Fri 11-17 is Wed 11-22.
    expect(paceRungReady(cal, escalation.ladder, 2, '2023-11-17', '2023-11-21')).toBe(false);
    expect(paceRungReady(cal, escalation.ladder, 2, '2023-11-17', '2023-11-22')).toBe(true);
    expect(paceRungReady(cal, escalation.ladder, 3, '2023-11-17', '2023-12-31')).toBe(false);
  });
});

describe('traffic lights', () => {
  it('colours each unit by its own state and rolls the worst up the hierarchy', async () => {
    const now = Date.parse('2023-11-10T00:00:00Z');
    const row = (code: string, parentCode: string, s: Partial<{ overdue: boolean; targetMissed: boolean; paceBehind: boolean; dueInDays: number }> = {}) => ({
      code,
      parentCode,
      overdue: s.overdue ?? false,
      targetMissed: s.targetMissed ?? false,
      paceBehind: s.paceBehind ?? false,
      nextDueAt: s.dueInDays === undefined ? null : now + s.dueInDays * 86_400_000,
    });
    const lights = computeLights(
      [
        row('A', 'CITY'),
        row('A1', 'A', { dueInDays: 2 }),
        row('A2', 'A', { dueInDays: 5 }),
        row('B', 'CITY', { dueInDays: 1 }),
        row('B1', 'B'),
        row('B1x', 'B1', { paceBehind: true }),
        row('C', 'CITY', { paceBehind: true }),
        row('C1', 'C', { overdue: true }),
        row('D', 'CITY', { targetMissed: true }),
      ],
      now,
      3,
    );
    expect(Object.fromEntries([...lights].map(([code, l]) => [code, `${l.self}/${l.rolled}`]))).toEqual({
      A: 'green/blue',
      A1: 'blue/blue',
      A2: 'green/green',
      B: 'blue/yellow',
      B1: 'green/yellow',
      B1x: 'yellow/yellow',
      C: 'yellow/red',
      C1: 'red/red',
      D: 'red/red',
    });
  });
});
