// A unit's reporting duty inside its workflow: the schedule computed from the plan and the calendar,
// reports arriving as Updates, and the two escalation tracks (missed report, behind pace) raised rung
// by rung at instants worked out in domain/. All state is plain JSON carried across continue-as-new;
// every write goes through an idempotent activity whose key is made here, so a rung fires once.
import { ApplicationFailure, currentUpdateInfo, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ReportingActivities } from '../activities/reporting';
import type { PeriodRecord, ReportingState, ScheduleWrite, TrackedPeriod, UnitProgress } from '../contracts/reporting';
import { isLate, localDateOf } from '../domain/time';
import {
  escalationId,
  evaluatePace,
  expectedShare,
  missedReason,
  missedRungAt,
  notifyCodes,
  paceLadder,
  pacePhase,
  paceRungReady,
  targetMissedReason,
  type EscalationTrack,
  type PhaseWindow,
  type Text,
} from '../domain/escalation';
import type { Ladder } from '../domain/plan';
import { computeSchedule, paceCheckInstants, unitSchedules, type ScheduledPeriod } from '../domain/schedule';
import { evaluateTargets, targetMissed as metricMissed, type MetricEvaluation, type Targets } from '../domain/targets';
import { judgedMetrics, paceCheckStreams } from '../domain/escalation';
import { LEGACY_STREAM_KEY, streamLadder, streamOf } from '../domain/streams';
import {
  REJECTION,
  type CalendarChange,
  type EscalationResponseReceipt,
  type EscalationResponseRequest,
  type ReportReceipt,
  type ReportRequest,
  type UnitReportingContext,
  type UnitReportingView,
  type UnitSpec,
} from '../contracts/campaign';

/** The reporting activities as every unit workflow calls them (also its first step, see unit.ts). */
export const rep = proxyActivities<ReportingActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['UnitNotFound', 'CampaignNotFound'] },
});

const reject = (message: string) => ApplicationFailure.create({ type: REJECTION, message, nonRetryable: true });

/**
 * Guards every stream of the plan in one unit (issue 11): periods of all the streams it reports in,
 * each stream's own ladder and due time, pace checks at the instants of the plan's pace-check streams
 * (also for units judged without reporting), and every metric the plan judges. Asked once, when the
 * unit's reporting state is made; units started before it keep the first stream and one metric.
 */
export const STREAMS_PATCH = 'reporting-streams-v1';

export function initialReportingState(ctx: UnitReportingContext, unit: UnitSpec, streams = false): ReportingState {
  if (streams) {
    const periods = streamPeriods(ctx, unit).map((p) => ({ ...p, revisions: 0, processed: false }));
    return {
      ctx,
      dueTime: '24:00',
      periods,
      ...(periods.length === 0 ? { checks: judgedChecks(ctx, unit).map((c) => ({ ...c, processed: false })) } : {}),
      missed: {},
      pace: { episode: null, sinceDate: null, fired: 0, waived: false, lastCheckAt: null },
      deadlineChecks: [],
      fired: {},
      version: 0,
      streams: true,
    };
  }
  const schedule = scheduleFor(ctx, unit);
  return {
    ctx,
    dueTime: schedule?.dueTime ?? '24:00',
    periods: (schedule?.periods ?? []).map((p) => ({ ...toRecord(p), revisions: 0, processed: false })),
    missed: {},
    pace: { episode: null, sinceDate: null, fired: 0, waived: false, lastCheckAt: null },
    deadlineChecks: [],
    fired: {},
    version: 0,
  };
}

function scheduleFor(ctx: UnitReportingContext, unit: UnitSpec) {
  if (!ctx.reporting) return null;
  return computeSchedule({ reporting: ctx.reporting, level: unit.level, timeZone: ctx.timeZone, phases: ctx.phases, calendar: ctx.calendar });
}

/** Every period of every stream the unit reports in, by due instant (plan order on a tie). */
function streamPeriods(ctx: UnitReportingContext, unit: UnitSpec): PeriodRecord[] {
  if (!ctx.reporting) return [];
  const out: PeriodRecord[] = [];
  for (const s of unitSchedules({ reporting: ctx.reporting, level: unit.level, timeZone: ctx.timeZone, phases: ctx.phases, calendar: ctx.calendar })) {
    for (const p of s.periods) out.push({ ...toRecord(p), stream: s.stream, dueTime: s.dueTime });
  }
  return sortPeriods(out);
}

function sortPeriods<T extends { dueAt: number; key: string }>(periods: T[]): T[] {
  periods.sort((a, b) => a.dueAt - b.dueAt || a.key.localeCompare(b.key));
  periods.forEach((p, i) => ((p as unknown as { seq: number }).seq = i + 1));
  return periods;
}

/** Pace checks of a unit judged without reporting (domain/schedule.ts `paceCheckInstants`). */
function judgedChecks(ctx: UnitReportingContext, unit: UnitSpec): Array<{ key: string; at: number }> {
  if (!ctx.reporting) return [];
  return paceCheckInstants({ reporting: ctx.reporting, escalation: ctx.escalation, level: unit.level, timeZone: ctx.timeZone, phases: ctx.phases, calendar: ctx.calendar });
}

function toRecord(p: ScheduledPeriod): PeriodRecord {
  return {
    key: p.key,
    seq: p.seq,
    rawDate: p.rawDate,
    dueDate: p.dueDate,
    dueAt: p.dueAt,
    shifted: p.shifted,
    reason: p.reason,
    calendarKnown: p.calendarKnown,
    status: 'open',
    changeNote: null,
  };
}

/** The reporting half of a unit workflow. `isOpen` says whether the campaign still runs. */
export class UnitReporting {
  constructor(
    private readonly campaignId: string,
    private readonly unit: UnitSpec,
    readonly state: ReportingState,
  ) {}

  private get ctx() {
    return this.state.ctx;
  }

  /** Started with every stream (STREAMS_PATCH); units started before keep the first stream and one metric. */
  private get multi(): boolean {
    return this.state.streams === true;
  }

  private streamKey(period: TrackedPeriod): string {
    return period.stream ?? LEGACY_STREAM_KEY;
  }

  /** The ladder a period's missed report climbs: its stream's own, else the plan's. */
  private ladderOf(period: TrackedPeriod): Ladder | null {
    if (!this.multi) return this.ctx.escalation?.ladder ?? null;
    const stream = streamOf(this.ctx.reporting, this.streamKey(period));
    return stream ? streamLadder(stream, this.ctx.escalation) : null;
  }

  /** Whether a period's due instant is a pace check (`escalation.pace.streams`, default every stream). */
  private isPaceCheck(period: TrackedPeriod): boolean {
    if (!this.multi) return true;
    return paceCheckStreams({ reporting: this.ctx.reporting, escalation: this.ctx.escalation }).some((s) => s.key === this.streamKey(period));
  }

  /** Units that report, and units judged over reporting children (`checks`), are judged on pace. */
  private judged(): boolean {
    return this.state.periods.length > 0 || (this.state.checks?.length ?? 0) > 0;
  }

  view(): UnitReportingView {
    return {
      periods: this.state.periods.map((p) => ({ key: p.key, dueAt: p.dueAt, dueDate: p.dueDate, status: p.status, revisions: p.revisions })),
      fired: Object.entries(this.state.fired).map(([id, f]) => ({ id, ...f })),
    };
  }

  /** Writes the schedule and the next due report to the read model. */
  private nextOpen(): { key: string; dueAt: number } | null {
    const now = Date.now();
    const next = this.state.periods.find((p) => !p.processed && p.status === 'open' && p.dueAt > now);
    return next ? { key: next.key, dueAt: next.dueAt } : null;
  }

  /** The schedule as the read model keeps it, with the next write counter. */
  scheduleWrite(): ScheduleWrite {
    return {
      campaignId: this.campaignId,
      unitCode: this.unit.code,
      version: ++this.state.version,
      periods: this.state.periods.map(({ revisions: _r, processed: _p, ...p }) => p),
      next: this.nextOpen(),
    };
  }

  async writeSchedule(): Promise<void> {
    await rep.recordSchedule(this.scheduleWrite());
  }

  /** The earliest instant something is due: a report, a rung, or a phase deadline to check. */
  nextEventAt(): number | undefined {
    const times: number[] = [];
    const first = this.state.periods.find((p) => !p.processed);
    if (first) times.push(first.dueAt);
    const check = this.state.checks?.find((c) => !c.processed);
    if (check) times.push(check.at);
    for (const [key, m] of Object.entries(this.state.missed)) {
      if (m.closed) continue;
      const ladder = this.ladderOf(this.state.periods.find((p) => p.key === key)!);
      if (!ladder || m.fired >= ladder.length) continue;
      times.push(this.rungAt(key, ladder, m.fired).at);
    }
    const deadline = this.pendingDeadlineCheck();
    if (deadline) times.push(deadline.deadlineAt);
    return times.length ? Math.min(...times) : undefined;
  }

  /** Everything due at or before `now`, in time order; timers fire at or just after the planned instant. */
  async processDue(now: number): Promise<void> {
    let changed = false;
    for (;;) {
      const at = this.nextEventAt();
      if (at === undefined || at > now) break;
      const period = this.state.periods.find((p) => !p.processed);
      const check = this.state.checks?.find((c) => !c.processed);
      const deadline = this.pendingDeadlineCheck();
      if (period && period.dueAt === at) {
        period.processed = true;
        if (period.status === 'open') {
          period.status = 'missed';
          this.state.missed[period.key] = { fired: 0, closed: false };
        }
        changed = true;
        if (this.isPaceCheck(period)) await this.paceCheck(period.key, at, false);
        continue;
      }
      if (check && check.at === at) {
        check.processed = true;
        await this.paceCheck(check.key, at, false);
        continue;
      }
      if (deadline && deadline.deadlineAt === at) {
        this.state.deadlineChecks.push(`${deadline.key}@${deadline.deadlineAt}`);
        await this.paceCheck(`phase-${deadline.key}`, at, true);
        continue;
      }
      // Nothing else is due at `at`: it must be a rung (if none matched, stop rather than spin).
      if ((await this.fireMissedRungsDue(at)) === 0) break;
    }
    if (changed) await this.writeSchedule();
  }

  private rungAt(periodKey: string, ladder: Ladder, index: number) {
    const period = this.state.periods.find((p) => p.key === periodKey)!;
    return missedRungAt(this.ctx.calendar, period, period.dueTime ?? this.state.dueTime, this.ctx.timeZone, ladder[index].delayWorkingDays);
  }

  private async fireMissedRungsDue(at: number): Promise<number> {
    let count = 0;
    for (const [key, m] of Object.entries(this.state.missed)) {
      if (m.closed) continue;
      const period = this.state.periods.find((p) => p.key === key)!;
      const ladder = this.ladderOf(period);
      if (!ladder || m.fired >= ladder.length) continue;
      const due = this.rungAt(key, ladder, m.fired);
      if (due.at !== at) continue;
      const index = m.fired;
      const stream = this.multi ? streamOf(this.ctx.reporting, this.streamKey(period)) : null;
      const named = stream && !stream.legacy ? { streamName: stream.name } : {};
      const next = index + 1 < ladder.length ? this.rungAt(key, ladder, index + 1).at : null;
      m.fired += 1;
      count += 1;
      await this.fire('missed-report', key, ladder, index, {
        reason: missedReason({
          periodKey: key,
          dueAt: period.dueAt,
          shiftReason: period.reason,
          timeZone: this.ctx.timeZone,
          rungName: ladder[index].name,
          delayWorkingDays: ladder[index].delayWorkingDays,
          rungDate: due.date,
          ...named,
        }),
        ...(this.multi ? { stream: this.streamKey(period) } : {}),
        detail: { periodKey: key, dueAt: period.dueAt, dueDate: period.dueDate, rawDate: period.rawDate, shift: period.reason, delayWorkingDays: ladder[index].delayWorkingDays, rungDate: due.date },
        firedAt: at,
        nextRungAt: next,
      });
    }
    return count;
  }

  private async fire(
    track: EscalationTrack,
    episode: string,
    ladder: Ladder,
    index: number,
    what: { reason: Text; detail: Record<string, unknown>; firedAt: number; nextRungAt: number | null; targetMissed?: boolean; stream?: string },
  ): Promise<void> {
    const rung = ladder[index];
    const id = escalationId(this.campaignId, this.unit.code, track, episode, rung.rung);
    this.state.fired[id] = { track, episode, status: 'open' };
    await rep.recordEscalation({
      id,
      campaignId: this.campaignId,
      unitCode: this.unit.code,
      unitName: this.unit.name,
      track,
      episode,
      rung: rung.rung,
      rungIndex: index,
      rungName: rung.name,
      notified: notifyCodes(rung.notify, { unit: this.unit.code, parent: this.unit.parentCode, city: this.ctx.cityCode }),
      ...what,
    });
  }

  private pendingDeadlineCheck(): PhaseWindow | undefined {
    const esc = this.ctx.escalation;
    if (!esc || !this.judged()) return undefined;
    const phase = pacePhase(esc, this.ctx.phases);
    if (!phase || this.state.deadlineChecks.includes(`${phase.key}@${phase.deadlineAt}`)) return undefined;
    return phase;
  }

  /** 序时进度: compares progress with the expected pace; behind raises the track, a missed target at the deadline raises it further. */
  private async paceCheck(checkKey: string, at: number, atPhaseDeadline: boolean): Promise<void> {
    const esc = this.ctx.escalation;
    // Only units that report (or are judged over reporting children) are judged on pace.
    if (!esc || !this.judged()) return;
    const phase = pacePhase(esc, this.ctx.phases);
    if (!phase) return;
    const progress = await rep.unitProgress({ campaignId: this.campaignId, unitCode: this.unit.code });
    const share = expectedShare(esc, phase, this.ctx.timeZone, at);
    const judgement = this.multi ? this.judgeAll(progress, share, at, atPhaseDeadline, phase) : this.judgeOne(progress, share, at, atPhaseDeadline, phase);
    if (!judgement) return;
    const { targetMissed } = judgement;
    await rep.recordPaceCheck({
      campaignId: this.campaignId,
      unitCode: this.unit.code,
      behind: judgement.behind,
      expected: judgement.expected,
      ...(atPhaseDeadline ? { targetMissed } : {}),
    });
    const pace = this.state.pace;
    const checkDate = localDateOf(at - 1, this.ctx.timeZone);
    if (!judgement.behind && !targetMissed) {
      if (pace.episode !== null) {
        await rep.closeEpisode({
          campaignId: this.campaignId,
          unitCode: this.unit.code,
          track: 'behind-pace',
          episode: pace.episode,
          status: 'resolved',
          resolution: '已恢复序时进度',
          at,
        });
        this.markEpisode('behind-pace', pace.episode, 'resolved');
        this.state.pace = { episode: null, sinceDate: null, fired: 0, waived: false, lastCheckAt: at };
      }
      pace.lastCheckAt = at;
      return;
    }
    // A report day that is also the phase deadline is one check: the lag raises once, the missed target once more.
    const sameInstant = pace.lastCheckAt === at;
    pace.lastCheckAt = at;
    if (pace.episode === null) {
      pace.episode = checkKey;
      pace.sinceDate = checkDate;
    }
    if (pace.waived) return;
    const ladder = paceLadder(esc);
    const detail = { check: checkKey, ...judgement.detail };
    if (judgement.behind && !sameInstant && paceRungReady(this.ctx.calendar, ladder, pace.fired, pace.sinceDate!, checkDate)) {
      await this.fire('behind-pace', pace.episode, ladder, pace.fired++, { reason: judgement.reason, detail, firedAt: at, nextRungAt: null });
    }
    if (targetMissed && pace.fired < ladder.length) {
      await this.fire('behind-pace', pace.episode, ladder, pace.fired++, {
        reason: judgement.missedReason,
        detail: { ...detail, ...judgement.missedDetail, targetMissed: true },
        firedAt: at,
        nextRungAt: null,
        targetMissed: true,
      });
    }
  }

  /** Units started before streams: one count (`pace.metric`, default 缴费人数), as they always were judged. */
  private judgeOne(progress: UnitProgress, share: number, at: number, atPhaseDeadline: boolean, phase: PhaseWindow): Judgement | null {
    const esc = this.ctx.escalation!;
    const metric = esc.pace?.metric ?? 'paying';
    const evaluation = evaluatePace({
      metric,
      target: metric === 'paying' ? progress.targetPaying : progress.targetEnrolled,
      actual: metric === 'paying' ? progress.paid : progress.enrolled,
      expectedShare: share,
      margin: esc.paceMargin,
      at,
      timeZone: this.ctx.timeZone,
    });
    if (!evaluation) return null;
    return {
      behind: evaluation.behind,
      expected: evaluation.expected,
      reason: evaluation.reason,
      detail: { ...evaluation, reason: undefined },
      targetMissed: atPhaseDeadline && evaluation.actual < evaluation.target,
      missedReason: targetMissedReason(phase, evaluation, this.ctx.timeZone),
      missedDetail: {},
    };
  }

  /**
   * Every metric the plan judges (`pace.metrics`: counts, 参保率/征缴率 over the headcount, 手机缴费率,
   * the money target, 扩面): behind when any is behind, the target missed when any is under its target at
   * the deadline; the reason names each such metric with its expected and actual value and the date.
   */
  private judgeAll(progress: UnitProgress, share: number, at: number, atPhaseDeadline: boolean, phase: PhaseWindow): Judgement | null {
    const esc = this.ctx.escalation!;
    const targets: Targets = progress.targets ?? {
      ...(progress.targetEnrolled ? { enrolled: progress.targetEnrolled } : {}),
      ...(progress.targetPaying ? { paying: progress.targetPaying } : {}),
    };
    const evaluations = evaluateTargets({
      metrics: judgedMetrics(esc),
      targets,
      figures: progress,
      expectedShare: share,
      margin: esc.paceMargin,
      at,
      timeZone: this.ctx.timeZone,
    });
    if (evaluations.length === 0) return null;
    const behind = evaluations.filter((e) => e.behind);
    const missed = atPhaseDeadline ? evaluations.filter(metricMissed) : [];
    const plain = (e: MetricEvaluation) => ({ ...e, reason: undefined });
    const primary = behind[0] ?? evaluations[0];
    const count = evaluations.find((e) => e.metric === 'paying' || e.metric === 'enrolled');
    const missedTexts = missed.map((e) => targetMissedReason(phase, e, this.ctx.timeZone));
    return {
      behind: behind.length > 0,
      expected: count ? count.expected : null,
      reason: joinTexts((behind.length ? behind : evaluations).map((e) => e.reason)),
      detail: { ...plain(primary), metrics: evaluations.map(plain) },
      targetMissed: missed.length > 0,
      missedReason: joinTexts(missedTexts),
      missedDetail: { missedMetrics: missed.map((e) => e.metric) },
    };
  }

  private markEpisode(track: EscalationTrack, episode: string, status: 'resolved' | 'waived') {
    for (const f of Object.values(this.state.fired)) if (f.track === track && f.episode === episode && f.status !== 'waived') f.status = status;
  }

  // ---- Updates ----

  validateReport(req: ReportRequest, campaignOpen: boolean): void {
    if (!campaignOpen) throw reject('活动已结束或撤销，不能再报送');
    const f = req.figures;
    for (const [name, v] of Object.entries(f)) {
      if (!Number.isInteger(v) || v < 0) throw reject(`${FIGURE_NAMES[name as keyof typeof FIGURE_NAMES] ?? name} 应为非负整数`);
    }
    if (f.paid > f.enrolled) throw reject(`缴费人数 ${f.paid} 不能大于参保人数 ${f.enrolled}`);
    if (f.mobilePaid > f.paid) throw reject(`线上缴费人数 ${f.mobilePaid} 不能大于缴费人数 ${f.paid}`);
    if (f.hardshipCovered > f.enrolled) throw reject(`困难群体代缴人数 ${f.hardshipCovered} 不能大于参保人数 ${f.enrolled}`);
    const i = this.state.periods.findIndex((p) => p.key === req.periodKey);
    if (i < 0) {
      const keys = this.state.periods.map((p) => p.key).join('、') || '（本单位无报送任务）';
      throw reject(`没有 ${req.periodKey} 这一报送期；本单位的报送期为 ${keys}`);
    }
    // The period before it in the same stream must have closed (a 旬报 is not held back by a 月调度).
    const period = this.state.periods[i];
    const previous = this.state.periods.slice(0, i).reverse().find((p) => this.streamKey(p) === this.streamKey(period));
    if (previous && previous.dueAt > Date.now()) {
      throw reject(`${req.periodKey} 期尚未开始：上一期（${previous.key}）截止后才能报送`);
    }
  }

  async submitReport(req: ReportRequest): Promise<ReportReceipt> {
    const period = this.state.periods.find((p) => p.key === req.periodKey)!;
    const at = Date.now();
    const late = isLate(at, period.dueAt);
    const revision = ++period.revisions;
    if (period.status === 'open' || period.status === 'missed') period.status = late ? 'late' : 'reported';
    const missed = this.state.missed[period.key];
    if (missed && !missed.closed) {
      missed.closed = true;
      this.markEpisode('missed-report', period.key, 'resolved');
    }
    await rep.recordReport({
      id: `${workflowInfo().workflowId}/report/${currentUpdateInfo()?.id ?? `${period.key}-${revision}`}`,
      campaignId: this.campaignId,
      unitCode: this.unit.code,
      periodKey: period.key,
      revision,
      figures: req.figures,
      late,
      source: req.source,
      actor: req.actor,
      note: req.note ?? null,
      at,
      next: this.nextOpen(),
    });
    return { periodKey: period.key, revision, late, dueAt: period.dueAt, submittedAt: at };
  }

  validateResponse(req: EscalationResponseRequest): void {
    const f = this.state.fired[req.escalationId];
    if (!f) throw reject(`本单位没有编号为 ${req.escalationId} 的督办记录`);
    if (!req.text.trim()) throw reject(req.kind === 'waive' ? '豁免须说明理由' : '请填写内容');
    if (f.status === 'waived') throw reject('该记录已豁免，不能再处理');
    if (req.kind === 'waive' && f.status === 'resolved') throw reject('该记录已解除，无需豁免');
  }

  async respond(req: EscalationResponseRequest): Promise<EscalationResponseReceipt> {
    const f = this.state.fired[req.escalationId];
    const at = Date.now();
    await rep.recordEscalationResponse({
      id: `${workflowInfo().workflowId}/response/${currentUpdateInfo()?.id ?? `${req.escalationId}-${at}`}`,
      escalationId: req.escalationId,
      kind: req.kind,
      actor: req.actor,
      text: req.text,
      at,
    });
    if (req.kind !== 'waive') {
      if (f.status !== 'resolved') f.status = req.kind === 'acknowledge' ? 'acknowledged' : 'answered';
      return { escalationId: req.escalationId, status: req.kind === 'acknowledge' ? 'acknowledged' : 'answered' };
    }
    // A waiver stops the whole episode: no further rungs for this period (or this lag).
    if (f.track === 'missed-report') {
      const m = this.state.missed[f.episode];
      if (m) m.closed = true;
    } else if (this.state.pace.episode === f.episode) {
      this.state.pace.waived = true;
    }
    this.markEpisode(f.track, f.episode, 'waived');
    await rep.closeEpisode({
      campaignId: this.campaignId,
      unitCode: this.unit.code,
      track: f.track,
      episode: f.episode,
      status: 'waived',
      resolution: `豁免：${req.actor}：${req.text}`,
      at,
    });
    return { escalationId: req.escalationId, status: 'waived' };
  }

  // ---- Signals ----

  /** New phases (an amended deadline) or a new calendar: future due dates move, with the reason recorded. */
  async reschedule(change: { phases?: PhaseWindow[]; calendar?: CalendarChange }): Promise<void> {
    if (change.phases) this.ctx.phases = change.phases;
    if (change.calendar) this.ctx.calendar = change.calendar.calendar;
    const fresh = new Map<string, ScheduledPeriod | PeriodRecord>(
      this.multi ? streamPeriods(this.ctx, this.unit).map((p) => [p.key, p]) : (scheduleFor(this.ctx, this.unit)?.periods ?? []).map((p) => [p.key, p]),
    );
    const now = Date.now();
    if (this.state.checks) {
      const kept = this.state.checks.filter((c) => c.processed || c.at <= now);
      const known = new Set(kept.map((c) => c.key));
      for (const c of judgedChecks(this.ctx, this.unit)) if (c.at > now && !known.has(c.key)) kept.push({ ...c, processed: false });
      this.state.checks = kept.sort((a, b) => a.at - b.at);
    }
    const note = (from: TrackedPeriod, to: ScheduledPeriod | PeriodRecord): PeriodRecord['changeNote'] => {
      const why = change.calendar
        ? { zh: `${change.calendar.year}年节假日安排由${change.calendar.actor}更新（${change.calendar.summary.zh}）`, en: `the ${change.calendar.year} calendar was updated by ${change.calendar.actor} (${change.calendar.summary.en})` }
        : { zh: '阶段截止时间调整', en: 'a phase deadline was amended' };
      return {
        zh: `${why.zh}：应报日期由 ${from.dueDate} 调整为 ${to.dueDate}`,
        en: `${why.en}: due date moved from ${from.dueDate} to ${to.dueDate}`,
      };
    };
    const kept: TrackedPeriod[] = [];
    for (const p of this.state.periods) {
      const next = fresh.get(p.key);
      fresh.delete(p.key);
      if (p.processed || p.dueAt <= now) {
        kept.push(p);
        continue;
      }
      if (!next) continue; // no longer a report day (an end moved earlier, or a daily rule on a new holiday)
      const moved = next.dueAt !== p.dueAt;
      kept.push({
        ...p,
        dueDate: next.dueDate,
        dueAt: next.dueAt,
        shifted: next.shifted,
        reason: next.reason,
        calendarKnown: next.calendarKnown,
        changeNote: moved ? note(p, next) : p.changeNote,
      });
    }
    for (const p of fresh.values()) if (p.dueAt > now) kept.push({ ...('status' in p ? p : toRecord(p)), revisions: 0, processed: false });
    kept.sort((a, b) => a.dueAt - b.dueAt || a.key.localeCompare(b.key));
    kept.forEach((p, i) => (p.seq = i + 1));
    this.state.periods = kept;
    await this.writeSchedule();
  }
}

/** What a pace check concluded, whichever way the unit is judged. */
interface Judgement {
  behind: boolean;
  expected: number | null;
  reason: Text;
  detail: Record<string, unknown>;
  targetMissed: boolean;
  missedReason: Text;
  missedDetail: Record<string, unknown>;
}

const joinTexts = (texts: Text[]): Text => ({ zh: texts.map((t) => t.zh).join(''), en: texts.map((t) => t.en).join(' ') });

const FIGURE_NAMES = {
  enrolled: '参保人数',
  paid: '缴费人数',
  amountFen: '缴费金额（分）',
  mobilePaid: '线上缴费人数',
  hardshipCovered: '困难群体代缴人数',
} as const;
