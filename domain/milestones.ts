// Milestones (节点任务): named deadlines or windows outside the phase chain. They may overlap phases or
// fall in the next year: Lanchen's 公示 of the paid and unpaid registers "于次年2月底前" (seed 000),
// Jiangmen's publicity months (seed 001: 每年2月、6月、10月开展宣传活动), the enterprise plan's census
// window 5月5日至7月25日 (seed 004). Each has an optional holiday shift, reminders some working days
// before it, and an escalation ladder that climbs while no official has confirmed it done. The
// campaign stays open until its last milestone is due (`campaignEndAt`).
// Pure: instants are computed from the plan and the calendar passed in.
import { z } from 'zod';
import { dayInfo, missingYearWarnings, nextWorkingDay, workingDaysBefore, type Bilingual, type ScheduleWarning, type WorkingCalendar } from './calendar';
import { missedRungAt } from './escalation';
import { dataKey, localDateTime } from './fields';
import { LadderSchema, type Escalation, type Ladder, type NotifyTarget } from './ladder';
import { breakdownUnits, isBelow, type PlanTree } from './regions';
import { REPORTING_LEVELS, type RegionLevel } from './status';
import { LEVEL_ZH, type Issue } from './streams';
import { dueInstant, formatDueLocal, formatLocal, localToInstant, parseLocal } from './time';

export const MilestoneSchema = z
  .object({
    /** In escalation ids and the confirmation Update: choose once. */
    key: dataKey('节点键'),
    /** 缴费明细公示, 参保资源普查 … */
    name: z.string().trim().min(1, '名称不能为空'),
    /** When a window opens (参保资源普查 from May 5); absent for a plain deadline. */
    start: localDateTime.optional(),
    /** The deadline: a bare date is the end of that day, `YYYY-MM-DDTHH:mm` exact. */
    due: localDateTime,
    /** 节假日顺延 of the due date, or not (default: not, as a phase deadline). */
    shift: z.enum(['next-working-day', 'none']).default('none'),
    /** Reminders this many working days before the due date (e.g. [5, 1]). */
    remindWorkingDays: z
      .array(z.number().int().min(1, '提前的工作日数应至少为 1'))
      .min(1)
      .refine((d) => new Set(d).size === d.length, { message: '提醒天数不应重复' })
      .optional(),
    /** The ladder climbed while nobody has confirmed it done after the due date; default the plan's `escalation.ladder`. */
    ladder: LadderSchema.optional(),
    /** Levels whose units carry it out (notified by reminders and rungs as `unit`); default the plan's own region. */
    levels: z.array(z.enum(REPORTING_LEVELS)).min(1).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.start === undefined || parseLocal(m.start) === undefined || parseLocal(m.due) === undefined) return;
    // Compared as instants in any one zone: the order does not depend on the zone.
    if (localToInstant(m.start, 'UTC', 'start') >= localToInstant(m.due, 'UTC', 'deadline')) {
      ctx.addIssue({ code: 'custom', path: ['start'], message: `开始 ${m.start} 应早于截止 ${m.due}` });
    }
  });
export type Milestone = z.infer<typeof MilestoneSchema>;

export const MilestonesSchema = z.array(MilestoneSchema).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((m, i) => {
    const prior = seen.get(m.key);
    if (prior !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `节点键 ${m.key} 与 milestones[${prior}] 重复` });
    seen.set(m.key, i);
  });
});

/** Reminders are sent at the start of office hours on their working day, when they will be read. */
export const REMINDER_TIME = '09:00';

export interface MilestoneRung {
  index: number;
  rung: Ladder[number]['rung'];
  name: string;
  delayWorkingDays: number;
  notify: NotifyTarget[];
  date: string;
  at: number;
}

export interface MilestoneSchedule {
  key: string;
  name: string;
  /** A window's opening, or null. */
  startAt: number | null;
  rawDueDate: string;
  dueDate: string;
  /** `24:00` for a bare-date due, else the time written. */
  dueTime: string;
  dueAt: number;
  shifted: boolean;
  reason: Bilingual | null;
  /** The due date is a public holiday and the plan does not shift it. */
  onHoliday: boolean;
  reminders: Array<{ workingDaysBefore: number; date: string; at: number }>;
  rungs: MilestoneRung[];
  warnings: ScheduleWarning[];
}

/** The ladder a milestone climbs: its own, else the plan's; null when neither exists (reminders only). */
export function milestoneLadder(milestone: Milestone, escalation: Escalation | null | undefined): Ladder | null {
  return milestone.ladder ?? escalation?.ladder ?? null;
}

/** Every instant of one milestone: start, due (shifted or not, with the reason), reminders and rungs. */
export function milestoneSchedule(milestone: Milestone, ctx: { timeZone: string; calendar: WorkingCalendar; ladder: Ladder | null }): MilestoneSchedule {
  const { timeZone, calendar } = ctx;
  const parts = parseLocal(milestone.due)!;
  const rawDueDate = milestone.due.slice(0, 10);
  const dueTime = parts.dateOnly ? '24:00' : milestone.due.slice(11, 16);
  const moved = milestone.shift === 'next-working-day' ? nextWorkingDay(calendar, rawDueDate) : null;
  const dueDate = moved?.date ?? rawDueDate;
  const dueAt = dueInstant(dueDate, dueTime, timeZone);
  const reminders = [...(milestone.remindWorkingDays ?? [])]
    .sort((a, b) => b - a)
    .map((n) => {
      const date = workingDaysBefore(calendar, dueDate, n);
      return { workingDaysBefore: n, date, at: localToInstant(`${date}T${REMINDER_TIME}`, timeZone, 'start') };
    });
  const rungs = (ctx.ladder ?? []).map((r, index): MilestoneRung => {
    const { at, date } = missedRungAt(calendar, { dueDate, dueAt }, dueTime, timeZone, r.delayWorkingDays);
    return { index, rung: r.rung, name: r.name, delayWorkingDays: r.delayWorkingDays, notify: [...r.notify], date, at };
  });
  const first = reminders[0]?.date ?? dueDate;
  const last = rungs.length ? rungs[rungs.length - 1].date : dueDate;
  return {
    key: milestone.key,
    name: milestone.name,
    startAt: milestone.start ? localToInstant(milestone.start, timeZone, 'start') : null,
    rawDueDate,
    dueDate,
    dueTime,
    dueAt,
    shifted: moved?.shifted ?? false,
    reason: moved?.explanation ?? null,
    onHoliday: dayInfo(calendar, dueDate).kind === 'holiday',
    reminders,
    rungs,
    warnings: missingYearWarnings(calendar, first < rawDueDate ? first : rawDueDate, last),
  };
}

/** What the milestone helpers need of a plan. */
export type MilestonePlan = PlanTree & { timeZone: string; milestones?: Milestone[]; escalation?: Escalation | null };

/** Every milestone of a plan, in the plan's order. */
export function planMilestones(plan: MilestonePlan, calendar: WorkingCalendar): MilestoneSchedule[] {
  return (plan.milestones ?? []).map((m) => milestoneSchedule(m, { timeZone: plan.timeZone, calendar, ladder: milestoneLadder(m, plan.escalation) }));
}

/**
 * When the campaign ends: the later of the last phase's deadline and the last milestone's due instant
 * (Lanchen collects until Jul 25 but stays open for the 公示 due the next February).
 */
export function campaignEndAt(plan: MilestonePlan, phases: ReadonlyArray<{ deadlineAt: number }>, calendar: WorkingCalendar): number {
  const last = phases.length ? phases[phases.length - 1].deadlineAt : 0;
  return Math.max(last, ...planMilestones(plan, calendar).map((m) => m.dueAt));
}

/** Region codes a milestone notifies: `unit` is the units carrying it out (default the plan's region), `parent` theirs, `city` the plan's region. */
export function milestoneRecipients(plan: PlanTree, milestone: Milestone, notify: readonly NotifyTarget[]): string[] {
  const units = breakdownUnits(plan);
  const owners = milestone.levels ? units.filter((u) => (milestone.levels as readonly string[]).includes(u.level)) : [];
  const out: string[] = [];
  for (const n of notify) {
    if (n === 'city') out.push(plan.region.code);
    else if (n === 'unit') out.push(...(owners.length ? owners.map((u) => u.code) : [plan.region.code]));
    else out.push(...(owners.length ? owners.map((u) => u.parentCode) : [plan.region.code]));
  }
  return [...new Set(out)];
}

/** A milestone's rung fires once: `campaign/<region>/milestone/<key>/<rung>`, the shape of every escalation id. */
export function milestoneEscalationId(campaignId: string, regionCode: string, key: string, rung: string): string {
  return `${campaignId}/${regionCode}/milestone/${key}/${rung}`;
}

/** The reminder's text, N working days before the due date. */
export function milestoneReminderText(m: Pick<MilestoneSchedule, 'name' | 'dueAt' | 'reason'>, workingDays: number, timeZone: string): Bilingual {
  const due = formatDueLocal(m.dueAt, timeZone);
  const shift = m.reason ? { zh: `（${m.reason.zh}）`, en: ` (${m.reason.en})` } : { zh: '', en: '' };
  return {
    zh: `「${m.name}」应于 ${due} 前完成${shift.zh}，距截止还有 ${workingDays} 个工作日，请按时完成并报请确认。`,
    en: `"${m.name}" is due by ${due}${shift.en}: ${workingDays} working day(s) left; finish it and ask for confirmation.`,
  };
}

/** Why a milestone's rung fired: due when, how many working days past, and the rung. */
export function milestoneRungReason(m: Pick<MilestoneSchedule, 'name' | 'dueAt' | 'reason'>, rung: Pick<MilestoneRung, 'name' | 'delayWorkingDays' | 'date'>, timeZone: string): Bilingual {
  const due = formatDueLocal(m.dueAt, timeZone);
  const shift = m.reason ? { zh: `（${m.reason.zh}）`, en: ` (${m.reason.en})` } : { zh: '', en: '' };
  if (rung.delayWorkingDays === 0) {
    return {
      zh: `「${m.name}」应于 ${due} 前完成${shift.zh}，到期未经确认完成，按方案「${rung.name}」。`,
      en: `"${m.name}" was due by ${due}${shift.en} and nobody has confirmed it done: ${rung.name}.`,
    };
  }
  return {
    zh: `「${m.name}」应于 ${due} 前完成${shift.zh}，逾期 ${rung.delayWorkingDays} 个工作日（至 ${rung.date}）仍未经确认完成，按方案升级为「${rung.name}」。`,
    en: `"${m.name}" was due by ${due}${shift.en}; ${rung.delayWorkingDays} working day(s) later (through ${rung.date}) nobody has confirmed it done: ${rung.name}.`,
  };
}

/**
 * Why a confirmation must be refused, or null: an unknown milestone, one already confirmed, or a
 * window that has not opened. (Who may confirm is domain/access.ts `canConfirmMilestone`.)
 */
export function milestoneConfirmationProblem(
  schedules: readonly Pick<MilestoneSchedule, 'key' | 'name' | 'startAt'>[],
  confirmed: ReadonlySet<string>,
  key: string,
  at: number,
  timeZone: string,
): string | null {
  const m = schedules.find((s) => s.key === key);
  if (!m) return `没有键为 ${key} 的节点任务`;
  if (confirmed.has(key)) return `「${m.name}」已确认完成，无需重复确认`;
  if (m.startAt !== null && at < m.startAt) return `「${m.name}」自 ${formatLocal(m.startAt, timeZone)} 起开展，尚未开始，不能确认完成`;
  return null;
}

/** The plan-level checks of milestones: after the campaign starts, levels below the region and present. */
export function checkMilestones(plan: MilestonePlan, firstStartAt: number, errors: Issue[]): void {
  const present = new Set(breakdownUnits(plan).map((u) => u.level));
  (plan.milestones ?? []).forEach((m, i) => {
    if (localToInstant(m.due, plan.timeZone, 'deadline') <= firstStartAt) {
      errors.push({ path: `milestones[${i}].due`, message: `节点「${m.name}」的截止 ${m.due} 不晚于活动开始，请检查日期` });
    }
    m.levels?.forEach((level: RegionLevel, j) => {
      if (!isBelow(level, plan.region.level) || !present.has(level)) {
        errors.push({ path: `milestones[${i}].levels[${j}]`, message: `任务分解中${plan.region.name}之下没有${LEVEL_ZH[level]}级单位` });
      }
    });
  });
}
