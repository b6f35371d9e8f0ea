// The working-day calendar as stored: the shipped years (data/calendar, from the State Council's
// notices) with every official correction laid over them.
import { asc } from 'drizzle-orm';
import { CalendarYearSchema, shippedCalendar, type WorkingCalendar } from '../domain/calendar';
import type { Db } from '../db/client';
import { calendarYears } from '../db/schema';

/** The shipped calendar years with every official correction laid over them. */
export async function loadCalendar(db: Db): Promise<WorkingCalendar> {
  const calendar = shippedCalendar();
  const rows = await db.select().from(calendarYears).orderBy(asc(calendarYears.year));
  for (const row of rows) calendar.years[String(row.year)] = CalendarYearSchema.parse(row.data);
  return calendar;
}
