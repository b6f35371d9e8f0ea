// The console's pace line is the workflows' (domain/escalation.ts), and a chart's figures are each
// period's latest revision (web/src/lib/pace.ts).
import { describe, expect, it } from 'vitest';
import { localToInstant } from '../../domain/time';
import { figuresByPeriod, paceOf } from '../../web/src/lib/pace';
import type { PeriodView, ReportView } from '../../web/src/types/api';

const ZONE = 'Asia/Shanghai';
const iso = (local: string, as: 'start' | 'deadline') => new Date(localToInstant(local, ZONE, as)).toISOString();
const phases = [
  { key: 'mobilisation', nameZh: '发动参保阶段', startAt: iso('2026-10-01', 'start'), deadlineAt: iso('2026-10-31', 'deadline') },
  { key: 'payment', nameZh: '参保缴费阶段', startAt: iso('2026-11-01', 'start'), deadlineAt: iso('2026-11-30', 'deadline') },
  { key: 'verification', nameZh: '核查验收阶段', startAt: iso('2026-12-01', 'start'), deadlineAt: iso('2026-12-31', 'deadline') },
];

describe('paceOf', () => {
  it('runs linearly over the payment phase by default, on paying', () => {
    const pace = paceOf(phases, ZONE)!;
    expect(pace.phase.key).toBe('payment');
    expect(pace.metric).toBe('paying');
    expect(pace.corners).toEqual([
      [Date.parse(phases[1].startAt), 0],
      [Date.parse(phases[1].deadlineAt), 1],
    ]);
    expect(pace.shareAt(Date.parse(phases[0].startAt))).toBe(0);
    const middle = (Date.parse(phases[1].startAt) + Date.parse(phases[1].deadlineAt)) / 2;
    expect(pace.shareAt(middle)).toBeCloseTo(0.5, 6);
  });

  it('follows the plan\'s curve, corner by corner', () => {
    const pace = paceOf(phases, ZONE, { metric: 'enrolled', curve: [{ date: '2026-11-15', share: 0.8 }] })!;
    expect(pace.metric).toBe('enrolled');
    expect(pace.corners.map(([, share]) => share)).toEqual([0, 0.8, 1]);
    expect(pace.corners[1][0]).toBe(localToInstant('2026-11-15', ZONE, 'deadline'));
  });
});

describe('figuresByPeriod', () => {
  const period = (key: string, seq: number, status: PeriodView['status'] = 'reported') =>
    ({ key, seq, dueDate: key, dueAt: iso(key, 'deadline'), status }) as PeriodView;
  const report = (periodKey: string, revision: number, paid: number) => ({ periodKey, revision, paid, enrolled: paid * 2 }) as ReportView;

  it('takes each period\'s latest revision, leaves out withdrawn and future unreported periods', () => {
    const periods = [period('2026-11-01', 1), period('2026-11-15', 2, 'missed'), period('2026-11-20', 3, 'withdrawn'), period('2026-12-01', 4, 'open')];
    const reports = [report('2026-11-01', 1, 100), report('2026-11-01', 2, 120)];
    const rows = figuresByPeriod(periods, reports, localToInstant('2026-11-25', ZONE, 'start'));
    expect(rows.map((r) => [r.period.key, r.report?.paid ?? null])).toEqual([
      ['2026-11-01', 120],
      ['2026-11-15', null],
    ]);
  });
});
