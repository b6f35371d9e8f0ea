// The report form's default period (web/src/features/reporting/components/report-periods.ts): after a
// period's due minute, a catch-up report belongs to the overdue period, not to the next open one (issue 12).
import { describe, expect, it } from 'vitest';
import { defaultPeriodKey, isOverdue } from '../../web/src/features/reporting/components/report-periods';
import type { PeriodView } from '../../web/src/types/api';

const period = (seq: number, dueAt: string, status: PeriodView['status']): PeriodView => ({
  key: dueAt.slice(0, 10),
  seq,
  rawDate: dueAt.slice(0, 10),
  dueDate: dueAt.slice(0, 10),
  dueAt,
  dueLocal: dueAt,
  shifted: false,
  reason: null,
  calendarKnown: true,
  status,
  reportedAt: null,
  changeNote: null,
});
const at = (iso: string) => Date.parse(iso);

describe('the report form defaults to the overdue period', () => {
  const due1 = '2031-10-15T10:00:00.000Z';
  const due2 = '2031-11-01T10:00:00.000Z';

  it('before the due minute: the period due next', () => {
    const ps = [period(1, due1, 'open'), period(2, due2, 'open')];
    expect(defaultPeriodKey(ps, at('2031-10-15T09:59:00.000Z'))).toBe('2031-10-15');
  });

  it('after the due minute, once the workflow marked it missed: still that period, not the next open one', () => {
    const ps = [period(1, due1, 'missed'), period(2, due2, 'open')];
    const now = at('2031-10-15T10:01:00.000Z');
    expect(isOverdue(ps[0], now)).toBe(true);
    expect(defaultPeriodKey(ps, now)).toBe('2031-10-15');
  });

  it('after the due minute, before the workflow marked it: the overdue period', () => {
    const ps = [period(1, due1, 'open'), period(2, due2, 'open')];
    expect(defaultPeriodKey(ps, at('2031-10-15T10:00:00.001Z'))).toBe('2031-10-15');
  });

  it('once the overdue period is reported (late), the next open one', () => {
    const ps = [period(1, due1, 'late'), period(2, due2, 'open')];
    expect(defaultPeriodKey(ps, at('2031-10-16T00:00:00.000Z'))).toBe('2031-11-01');
  });

  it('the earliest of several overdue periods', () => {
    const ps = [period(1, due1, 'missed'), period(2, due2, 'missed')];
    expect(defaultPeriodKey(ps, at('2031-11-02T00:00:00.000Z'))).toBe('2031-10-15');
  });
});
