// Milestones: deadlines and windows outside the phase chain (Lanchen's 公示 next February, a census
// window), their instants (shift, reminders some working days before, ladder rungs), the campaign's
// end, who is notified and who may confirm, their reasons in Chinese, and the refusals with paths.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { canConfirmMilestone, regionOutsideWarning } from '../../domain/access';
import { shippedCalendar } from '../../domain/calendar';
import {
  campaignEndAt,
  milestoneConfirmationProblem,
  milestoneEscalationId,
  milestoneLadder,
  milestoneRecipients,
  milestoneReminderText,
  milestoneRungReason,
  milestoneSchedule,
  planMilestones,
  MilestoneSchema,
  type Milestone,
} from '../../domain/milestones';
import { validatePlan, type PlanInput, type PlanValidation } from '../../domain/plan';

const TZ = 'Asia/Shanghai';
const cal = shippedCalendar();
const iso = (ms: number) => new Date(ms).toISOString();
const example = (file: string) => parse(readFileSync(new URL(`../../examples/plans/${file}`, import.meta.url), 'utf8')) as PlanInput;
const milestone = (m: Record<string, unknown>): Milestone => MilestoneSchema.parse({ key: 'm', name: '节点', ...m });
const LADDER = [
  { rung: 'reminder' as const, name: '提醒', delayWorkingDays: 0, notify: ['unit' as const] },
  { rung: 'circular' as const, name: '通报', delayWorkingDays: 2, notify: ['unit' as const, 'city' as const] },
];

function lanchen() {
  const v = validatePlan(example('lanchen-2024.yaml'), Date.parse('2024-05-01'));
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v;
}
function errorsOf(result: PlanValidation) {
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.errors;
}

describe('a milestone\'s instants', () => {
  it('Lanchen\'s 公示 by the end of next February: due, reminders 10 and 3 working days before, the plan\'s ladder', () => {
    const { plan } = lanchen();
    const [m] = planMilestones(plan, cal);
    expect(m).toMatchObject({ key: 'publicity', rawDueDate: '2025-02-28', dueDate: '2025-02-28', dueTime: '24:00', shifted: false, reason: null, onHoliday: false, startAt: null, warnings: [] });
    expect(iso(m.dueAt)).toBe('2025-02-28T16:00:00.000Z');
    // 09:00 in Beijing on the 14th and the 25th of February 2025.
    expect(m.reminders.map((r) => [r.workingDaysBefore, r.date, iso(r.at)])).toEqual([
      [10, '2025-02-14', '2025-02-14T01:00:00.000Z'],
      [3, '2025-02-25', '2025-02-25T01:00:00.000Z'],
    ]);
    expect(m.rungs.map((r) => [r.name, r.date, iso(r.at)])).toEqual([
      ['提醒', '2025-02-28', '2025-02-28T16:00:00.000Z'],
      ['预警', '2025-03-03', '2025-03-03T16:00:00.000Z'],
      ['通报', '2025-03-04', '2025-03-04T16:00:00.000Z'],
      ['纪工委督导', '2025-03-07', '2025-03-07T16:00:00.000Z'],
      ['追责', '2025-03-14', '2025-03-14T16:00:00.000Z'],
    ]);
  });

  it('the campaign stays open until its last milestone', () => {
    const { plan, phases } = lanchen();
    expect(iso(phases[0].deadlineAt)).toBe('2024-07-25T16:00:00.000Z');
    expect(iso(campaignEndAt(plan, phases, cal))).toBe('2025-02-28T16:00:00.000Z');
    expect(campaignEndAt({ ...plan, milestones: undefined }, phases, cal)).toBe(phases[0].deadlineAt);
  });

  it('a due date on a holiday moves to the next working day only when the plan says so', () => {
    const shifted = milestoneSchedule(milestone({ due: '2025-01-01', shift: 'next-working-day' }), { timeZone: TZ, calendar: cal, ladder: null });
    expect(shifted).toMatchObject({ rawDueDate: '2025-01-01', dueDate: '2025-01-02', shifted: true, onHoliday: false, rungs: [] });
    expect(shifted.reason?.zh).toBe('1月1日（周三）适逢元旦假期（1月1日），顺延至1月2日（周四）');
    const kept = milestoneSchedule(milestone({ due: '2025-01-01' }), { timeZone: TZ, calendar: cal, ladder: null });
    expect(kept).toMatchObject({ dueDate: '2025-01-01', shifted: false, onHoliday: true });
  });

  it('reminders count working days back across the Spring Festival and its make-up Sunday', () => {
    const m = milestoneSchedule(milestone({ due: '2025-02-05', remindWorkingDays: [3, 1] }), { timeZone: TZ, calendar: cal, ladder: null });
    // Feb 4 back to Jan 28 is the holiday; Mon Jan 27, Sun Jan 26 (make-up day), then Fri Jan 24.
    expect(m.reminders.map((r) => [r.workingDaysBefore, r.date])).toEqual([
      [3, '2025-01-24'],
      [1, '2025-01-27'],
    ]);
  });

  it('a window has a start; a time-of-day due is exact; rungs follow at that time', () => {
    const m = milestoneSchedule(milestone({ start: '2025-05-05', due: '2025-07-25T12:00' }), { timeZone: TZ, calendar: cal, ladder: LADDER });
    expect(iso(m.startAt!)).toBe('2025-05-04T16:00:00.000Z');
    expect(m.dueTime).toBe('12:00');
    expect(iso(m.dueAt)).toBe('2025-07-25T04:00:00.000Z');
    expect(m.rungs.map((r) => [r.date, iso(r.at)])).toEqual([
      ['2025-07-25', '2025-07-25T04:00:00.000Z'],
      ['2025-07-29', '2025-07-29T04:00:00.000Z'],
    ]);
  });

  it('a year with no notice on file is said', () => {
    const m = milestoneSchedule(milestone({ due: '2027-02-26', remindWorkingDays: [5] }), { timeZone: TZ, calendar: cal, ladder: LADDER });
    expect(m.warnings.map((w) => w.year)).toEqual([2027]);
  });

  it('its own ladder, else the plan\'s, else none', () => {
    const esc = { ladder: LADDER, paceMargin: 0.05, warningWindowDays: 3 };
    expect(milestoneLadder(milestone({ due: '2025-01-01' }), esc)).toBe(LADDER);
    expect(milestoneLadder(milestone({ due: '2025-01-01', ladder: [LADDER[1]] }), esc)?.map((r) => r.name)).toEqual(['通报']);
    expect(milestoneLadder(milestone({ due: '2025-01-01' }), undefined)).toBeNull();
  });
});

describe('who is told, who confirms, and what they read', () => {
  it('`unit` is the units carrying it out, `parent` theirs, `city` the campaign\'s region', () => {
    const { plan } = lanchen();
    const m = plan.milestones![0];
    expect(milestoneRecipients(plan, m, ['unit'])).toHaveLength(12);
    expect(milestoneRecipients(plan, m, ['parent', 'city'])).toEqual(['530502001']);
    expect(milestoneRecipients(plan, { ...m, levels: undefined }, ['unit', 'parent', 'city'])).toEqual(['530502001']);
    expect(milestoneEscalationId('lanchen-2024', '530502001', 'publicity', 'circular')).toBe('lanchen-2024/530502001/milestone/publicity/circular');
  });

  it('reminders and rungs explain themselves', () => {
    const { plan } = lanchen();
    const [m] = planMilestones(plan, cal);
    expect(milestoneReminderText(m, 3, TZ).zh).toBe('「缴费明细公示（已缴费及未缴费人员清册）」应于 2025-02-28 24:00 前完成，距截止还有 3 个工作日，请按时完成并报请确认。');
    expect(milestoneRungReason(m, m.rungs[0], TZ).zh).toBe('「缴费明细公示（已缴费及未缴费人员清册）」应于 2025-02-28 24:00 前完成，到期未经确认完成，按方案「提醒」。');
    expect(milestoneRungReason(m, m.rungs[2], TZ).zh).toBe('「缴费明细公示（已缴费及未缴费人员清册）」应于 2025-02-28 24:00 前完成，逾期 2 个工作日（至 2025-03-04）仍未经确认完成，按方案升级为「通报」。');
  });

  it('an official of the campaign\'s region (or above) confirms it, once, after its window opens', () => {
    expect(canConfirmMilestone({ role: 'official', regionCode: '530502' }, '530502001')).toBe(true);
    expect(canConfirmMilestone({ role: 'official', regionCode: '530502001' }, '530502001')).toBe(true);
    expect(canConfirmMilestone({ role: 'supervisor', regionCode: '530502001' }, '530502001')).toBe(false);
    expect(canConfirmMilestone({ role: 'official', regionCode: '440700' }, '530502001')).toBe(false);
    const schedules = [{ key: 'census', name: '参保资源普查', startAt: Date.parse('2025-05-04T16:00:00Z') }];
    expect(milestoneConfirmationProblem(schedules, new Set(), 'nope', 0, TZ)).toBe('没有键为 nope 的节点任务');
    expect(milestoneConfirmationProblem(schedules, new Set(), 'census', Date.parse('2025-05-01T00:00:00Z'), TZ)).toBe('「参保资源普查」自 2025-05-05 00:00 起开展，尚未开始，不能确认完成');
    expect(milestoneConfirmationProblem(schedules, new Set(), 'census', Date.parse('2025-06-01T00:00:00Z'), TZ)).toBeNull();
    expect(milestoneConfirmationProblem(schedules, new Set(['census']), 'census', Date.parse('2025-06-01T00:00:00Z'), TZ)).toBe('「参保资源普查」已确认完成，无需重复确认');
  });

  it('the preview says when the plan\'s region is outside the user\'s, before launch refuses it', () => {
    expect(regionOutsideWarning({ code: '530502001', name: '兰城街道' }, { regionCode: '440700' })).toEqual({
      code: 'region-outside-user',
      message: {
        zh: '方案所属区域「兰城街道」（530502001）不在您的管辖区域（440700）之内，不能由您启动；请由该区域或其上级的业务主管启动。',
        en: 'The plan\'s region 兰城街道 (530502001) is outside your region (440700): you cannot launch it; an official of that region or above can.',
      },
    });
    expect(regionOutsideWarning({ code: '530502001', name: '兰城街道' }, { regionCode: '530502' })).toBeNull();
    expect(regionOutsideWarning({ code: '530502001', name: '兰城街道' }, { regionCode: '530502001' })).toBeNull();
  });
});

describe('milestones refused, with their paths', () => {
  const with_ = (change: (p: any) => void) => {
    const p = structuredClone(example('lanchen-2024.yaml')) as any;
    change(p);
    return errorsOf(validatePlan(p, Date.parse('2024-05-01')));
  };

  it('due before the campaign starts, a window that closes before it opens, duplicate keys', () => {
    expect(with_((p) => (p.milestones[0].due = '2024-04-30'))).toEqual([{ path: 'milestones[0].due', message: '节点「缴费明细公示（已缴费及未缴费人员清册）」的截止 2024-04-30 不晚于活动开始，请检查日期' }]);
    expect(with_((p) => (p.milestones[0].start = '2025-03-01'))).toEqual([{ path: 'milestones[0].start', message: '开始 2025-03-01 应早于截止 2025-02-28' }]);
    expect(with_((p) => p.milestones.push({ ...p.milestones[0] })).map((e) => e.path)).toEqual(['milestones[1].key']);
  });

  it('levels the breakdown does not have, reminders of 0 days, an unknown field', () => {
    expect(with_((p) => (p.milestones[0].levels = ['county']))).toEqual([{ path: 'milestones[0].levels[0]', message: '任务分解中兰城街道之下没有县（区）级单位' }]);
    expect(with_((p) => (p.milestones[0].remindWorkingDays = [0])).map((e) => e.path)).toEqual(['milestones[0].remindWorkingDays[0]']);
    expect(with_((p) => (p.milestones[0].confirmedBy = '街道办'))).toEqual([{ path: 'milestones[0]', message: '含产品不使用的字段：confirmedBy（方案只接受会被计算或执行的字段）' }]);
    expect(with_((p) => (p.milestones = [])).map((e) => e.path)).toEqual(['milestones']);
  });
});
