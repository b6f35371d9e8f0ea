// The calendar editor's new-year template passes the calendar's own validation as it stands, and a JSON
// syntax error is located by line and column (said in Chinese by the editor, not the engine's English).
import { describe, expect, it } from 'vitest';
import { CalendarYearSchema } from '../../domain/calendar';
import { calendarTemplate, jsonErrorAt } from '../../web/src/features/calendar/template';

describe('calendar editor', () => {
  it('offers a new-year template that validates', () => {
    for (const year of [2027, 2031]) {
      const result = CalendarYearSchema.safeParse(JSON.parse(calendarTemplate(year)));
      expect(result.error?.issues ?? []).toEqual([]);
    }
  });

  it('locates a JSON syntax error by line and column', () => {
    const text = '{\n  "year": 2027\n  "holidays": []\n}';
    let error: unknown;
    try {
      JSON.parse(text);
    } catch (e) {
      error = e;
    }
    expect(jsonErrorAt(text, error)).toEqual({ line: 3, column: 3 });
  });
});
