// Local dates and times in a plan's zone: start/deadline semantics, DST, refusal of impossible
// dates, calendar arithmetic and formatting.
import { describe, expect, it } from 'vitest';
import {
  addDaysLocal,
  daysBetweenLocal,
  formatLocal,
  isValidTimeZone,
  localDateOf,
  localToInstant,
  parseLocal,
  zonedParts,
} from '../../domain/time';

const SH = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('localToInstant in Asia/Shanghai (UTC+8, no DST)', () => {
  it('a bare start date is 00:00 of that day', () => {
    expect(iso(localToInstant('2023-09-28', SH, 'start'))).toBe('2023-09-27T16:00:00.000Z');
  });

  it('a bare deadline date is the end of that day (the next day\'s 00:00)', () => {
    expect(iso(localToInstant('2023-09-30', SH, 'deadline'))).toBe('2023-09-30T16:00:00.000Z');
    // ... which is the next day's start: consecutive phases touch.
    expect(localToInstant('2023-09-30', SH, 'deadline')).toBe(localToInstant('2023-10-01', SH, 'start'));
  });

  it('end of day across a month, a year and a leap day', () => {
    expect(iso(localToInstant('2023-10-31', SH, 'deadline'))).toBe('2023-10-31T16:00:00.000Z');
    expect(iso(localToInstant('2023-12-31', SH, 'deadline'))).toBe('2023-12-31T16:00:00.000Z');
    expect(iso(localToInstant('2024-02-28', SH, 'deadline'))).toBe('2024-02-28T16:00:00.000Z');
    expect(iso(localToInstant('2024-02-29', SH, 'deadline'))).toBe('2024-02-29T16:00:00.000Z');
  });

  it('a date-time means exactly that wall time, whether start or deadline', () => {
    expect(iso(localToInstant('2023-10-15T09:30', SH, 'start'))).toBe('2023-10-15T01:30:00.000Z');
    expect(iso(localToInstant('2023-10-15T09:30', SH, 'deadline'))).toBe('2023-10-15T01:30:00.000Z');
    expect(iso(localToInstant('2023-10-15T23:59:59', SH, 'deadline'))).toBe('2023-10-15T15:59:59.000Z');
    expect(iso(localToInstant('2024-01-01T00:00', SH, 'start'))).toBe('2023-12-31T16:00:00.000Z');
  });

  it('a day is always 24 hours', () => {
    const d = '2024-03-31';
    expect(localToInstant(d, SH, 'deadline') - localToInstant(d, SH, 'start')).toBe(24 * HOUR);
  });
});

describe('localToInstant in Europe/Berlin (DST)', () => {
  it('winter (UTC+1) and summer (UTC+2) wall times', () => {
    expect(iso(localToInstant('2024-01-15T12:00', BERLIN, 'start'))).toBe('2024-01-15T11:00:00.000Z');
    expect(iso(localToInstant('2024-07-15T12:00', BERLIN, 'start'))).toBe('2024-07-15T10:00:00.000Z');
  });

  it('the spring-forward day (2024-03-31) is 23 hours long', () => {
    const start = localToInstant('2024-03-31', BERLIN, 'start');
    const deadline = localToInstant('2024-03-31', BERLIN, 'deadline');
    expect(iso(start)).toBe('2024-03-30T23:00:00.000Z'); // 00:00 CET
    expect(iso(deadline)).toBe('2024-03-31T22:00:00.000Z'); // 24:00 CEST
    expect(deadline - start).toBe(23 * HOUR);
    // Either side of the 02:00 -> 03:00 jump.
    expect(iso(localToInstant('2024-03-31T01:59', BERLIN, 'start'))).toBe('2024-03-31T00:59:00.000Z');
    expect(iso(localToInstant('2024-03-31T03:00', BERLIN, 'start'))).toBe('2024-03-31T01:00:00.000Z');
  });

  it('a wall time inside the spring gap resolves past the gap instead of failing', () => {
    // 02:30 does not exist that night; it is read as 03:30 CEST.
    expect(iso(localToInstant('2024-03-31T02:30', BERLIN, 'start'))).toBe('2024-03-31T01:30:00.000Z');
  });

  it('the fall-back day (2024-10-27) is 25 hours long', () => {
    const start = localToInstant('2024-10-27', BERLIN, 'start');
    const deadline = localToInstant('2024-10-27', BERLIN, 'deadline');
    expect(iso(start)).toBe('2024-10-26T22:00:00.000Z'); // 00:00 CEST
    expect(iso(deadline)).toBe('2024-10-27T23:00:00.000Z'); // 24:00 CET
    expect(deadline - start).toBe(25 * HOUR);
    // 02:30 happens twice; the later (CET) occurrence is taken, the generous reading for a deadline.
    expect(iso(localToInstant('2024-10-27T02:30', BERLIN, 'deadline'))).toBe('2024-10-27T01:30:00.000Z');
  });
});

describe('invalid dates and times are refused, not rolled over', () => {
  it.each([
    '2023-02-30',
    '2023-02-29', // not a leap year
    '2100-02-29', // century, not a leap year
    '2023-04-31',
    '2023-13-01',
    '2023-00-10',
    '2023-09-00',
    '2023-09-28T24:61',
    '2023-09-28T24:00',
    '2023-09-28T25:00',
    '2023-09-28T12:60',
    '2023-09-28T12:30:60',
    '2023-9-28',
    '2023/09/28',
    '2023-09-28 09:00',
    '2023-09-28T09',
    '2023-09-28T09:00Z',
    '2023-09-28T09:00+08:00',
    '',
  ])('%j', (text) => {
    expect(parseLocal(text)).toBeUndefined();
    expect(() => localToInstant(text, SH, 'start')).toThrow(RangeError);
    expect(() => addDaysLocal(text, 1)).toThrow(RangeError);
  });

  it('the valid neighbours parse, marking bare dates', () => {
    expect(parseLocal('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29, hour: 0, minute: 0, second: 0, dateOnly: true });
    expect(parseLocal('2000-02-29')?.dateOnly).toBe(true);
    expect(parseLocal('2023-09-28T23:59:59')).toEqual({
      year: 2023,
      month: 9,
      day: 28,
      hour: 23,
      minute: 59,
      second: 59,
      dateOnly: false,
    });
    expect(parseLocal('2023-09-28T00:00')?.dateOnly).toBe(false);
  });
});

describe('addDaysLocal', () => {
  it('across a month, a year and leap days', () => {
    expect(addDaysLocal('2023-01-31', 1)).toBe('2023-02-01');
    expect(addDaysLocal('2023-09-30', 1)).toBe('2023-10-01');
    expect(addDaysLocal('2023-12-31', 1)).toBe('2024-01-01');
    expect(addDaysLocal('2024-01-01', -1)).toBe('2023-12-31');
    expect(addDaysLocal('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDaysLocal('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDaysLocal('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDaysLocal('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDaysLocal('2024-02-29', 365)).toBe('2025-02-28');
    expect(addDaysLocal('2023-09-28', 2922)).toBe('2031-09-28');
    expect(addDaysLocal('2023-09-28', 0)).toBe('2023-09-28');
  });

  it('is calendar arithmetic, unaffected by a DST change', () => {
    expect(addDaysLocal('2024-03-30', 1)).toBe('2024-03-31');
    expect(addDaysLocal('2024-03-31', 1)).toBe('2024-04-01');
  });

  it('keeps a date-time a date-time, with the same wall time (seconds spelled out)', () => {
    expect(addDaysLocal('2023-12-31T23:30', 1)).toBe('2024-01-01T23:30:00');
    expect(addDaysLocal('2024-02-28T08:00:05', 1)).toBe('2024-02-29T08:00:05');
    expect(parseLocal(addDaysLocal('2023-12-31T23:30', 1))?.dateOnly).toBe(false);
  });
});

describe('daysBetweenLocal', () => {
  it('counts calendar days, negative backwards', () => {
    expect(daysBetweenLocal('2023-09-28', '2023-09-30')).toBe(2);
    expect(daysBetweenLocal('2023-09-30', '2023-09-28')).toBe(-2);
    expect(daysBetweenLocal('2023-09-28', '2023-09-28')).toBe(0);
    expect(daysBetweenLocal('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetweenLocal('2023-02-28', '2023-03-01')).toBe(1);
    expect(daysBetweenLocal('2023-12-31', '2024-01-01')).toBe(1);
    expect(daysBetweenLocal('2024-05-01', '2024-07-25')).toBe(85);
    expect(daysBetweenLocal('2023-09-28', '2031-09-28')).toBe(2922);
  });

  it('ignores the time of day', () => {
    expect(daysBetweenLocal('2023-09-28T23:59', '2023-09-29T00:01')).toBe(1);
    expect(daysBetweenLocal('2023-09-28T00:00', '2023-09-28T23:59:59')).toBe(0);
  });

  it('is the inverse of addDaysLocal', () => {
    for (const n of [-400, -1, 0, 1, 59, 366, 2922]) {
      expect(daysBetweenLocal('2024-02-29', addDaysLocal('2024-02-29', n))).toBe(n);
    }
  });

  it('refuses invalid dates', () => {
    expect(() => daysBetweenLocal('2023-02-30', '2023-03-01')).toThrow(RangeError);
  });
});

describe('formatting and zones', () => {
  it('formatLocal shows the wall time in the zone, midnight as 00:00', () => {
    expect(formatLocal(Date.parse('2023-09-30T16:00:00Z'), SH)).toBe('2023-10-01 00:00');
    expect(formatLocal(Date.parse('2023-10-15T01:30:45Z'), SH)).toBe('2023-10-15 09:30');
    expect(formatLocal(Date.parse('2024-03-31T00:59:00Z'), BERLIN)).toBe('2024-03-31 01:59');
    expect(formatLocal(Date.parse('2024-03-31T01:00:00Z'), BERLIN)).toBe('2024-03-31 03:00');
    expect(formatLocal(Date.parse('2024-12-31T23:00:00Z'), BERLIN)).toBe('2025-01-01 00:00');
  });

  it('formatLocal round-trips localToInstant', () => {
    for (const text of ['2023-09-28T00:00', '2023-12-31T23:59', '2024-02-29T12:00']) {
      expect(formatLocal(localToInstant(text, SH, 'start'), SH)).toBe(text.replace('T', ' '));
      expect(formatLocal(localToInstant(text, BERLIN, 'start'), BERLIN)).toBe(text.replace('T', ' '));
    }
  });

  it('localDateOf and zonedParts read the local calendar date', () => {
    expect(localDateOf(Date.parse('2023-09-30T15:59:59Z'), SH)).toBe('2023-09-30');
    expect(localDateOf(Date.parse('2023-09-30T16:00:00Z'), SH)).toBe('2023-10-01');
    expect(zonedParts(Date.parse('2023-09-30T16:00:00Z'), SH)).toEqual({
      year: 2023,
      month: 10,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
    });
  });

  it('isValidTimeZone knows IANA names and refuses others', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Asia/Beijing')).toBe(false);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});
