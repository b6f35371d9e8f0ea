// One campaign: phases advance at their deadlines on durable timers, or earlier on an official's
// action; counties run as child workflows; every transition is written to the read model.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DbActivities } from '../activities/db';
import type { ReportingActivities } from '../activities/reporting';
import type { PhaseWindow } from '../domain/escalation';
import { calendarBetween } from '../domain/calendar';
import { computeSchedule, computeStreamSchedule } from '../domain/schedule';
import { normaliseReporting } from '../domain/streams';
import { milestoneConfirmationProblem, milestoneEscalationId, milestoneLadder, milestoneReminderText, milestoneRungReason, milestoneSchedule } from '../domain/milestones';
import { MILESTONE_TRACK } from '../contracts/reporting';
import type { PhaseEndReason } from '../domain/status';
import {
  REJECTION,
  advancePhaseUpdate,
  amendDeadlineUpdate,
  approveCircularUpdate,
  calendarChangedSignal,
  confirmMilestoneUpdate,
  campaignEndedSignal,
  campaignViewQuery,
  cancelCampaignUpdate,
  phaseChangedSignal,
  workflowIds,
  type CampaignInput,
  type CampaignResult,
  type CampaignState,
  type CampaignView,
  type CampaignReportingState,
  type MilestoneState,
  type UnitReportingContext,
  type PhasePatch,
  type ActionRecord,
} from '../contracts/campaign';
import { startUnits } from './children';
import { Alarm } from './alarm';

/** Guards the first step done in one activity (prepareCampaign) instead of three. */
export const ONE_LAUNCH_ACTIVITY = 'one-launch-activity';
/**
 * Guards milestones (节点任务): their reminders and rungs on the campaign's timer, confirmation by an
 * official, and the campaign kept open until each is confirmed or its ladder has run out. Only asked
 * for when the plan has milestones, so campaigns launched before them replay as they ran.
 */
export const MILESTONES_PATCH = 'milestones-v1';
/** Circulars of every stream that drafts them (see workflows/reporting.ts, where units use the same patch id). */
export const STREAMS_PATCH = 'reporting-streams-v1';

const db = proxyActivities<DbActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['CampaignNotFound'] },
});

const rep = proxyActivities<ReportingActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['CampaignNotFound'] },
});

const reject = (message: string) => ApplicationFailure.create({ type: REJECTION, message, nonRetryable: true });

export async function campaignWorkflow(input: CampaignInput): Promise<CampaignResult> {
  const { campaignId } = input;
  const state: CampaignState = input.state ?? {
    status: 'scheduled',
    phases: [],
    index: 0,
    children: [],
    materialised: false,
    version: 0,
    cancelReason: null,
  };
  const alarm = new Alarm();
  /** Bumped by every action so that the timer loop re-reads the phases. */
  let wake = 0;
  /** Read-model writes and unit notifications, strictly in transition order. */
  let chain: Promise<void> = Promise.resolve();

  const terminal = () => state.status === 'completed' || state.status === 'cancelled';
  const current = () => state.phases[state.index];
  const activeKey = () => (current()?.status === 'active' ? current().key : null);

  const view = (): CampaignView => ({
    campaignId,
    status: state.status,
    currentPhaseKey: activeKey(),
    phases: state.phases.map(({ key, startAt, deadlineAt, status, startedAt, endedAt, endReason }) => ({
      key,
      startAt,
      deadlineAt,
      status,
      startedAt,
      endedAt,
      endReason,
    })),
    version: state.version,
  });

  const notifyUnits = async (send: (id: string) => Promise<void>) => {
    await Promise.all(
      state.children.map((c) =>
        send(workflowIds.unit(campaignId, c.code)).catch((err) =>
          log.warn('unit not notified', { unit: c.code, error: String(err) }),
        ),
      ),
    );
  };

  /** Queues the read-model write for the state as it is now, then the unit notifications. */
  const persist = (patches: PhasePatch[], action?: ActionRecord, notify?: 'phase' | 'end'): Promise<void> => {
    const transition = {
      campaignId,
      version: ++state.version,
      status: state.status,
      currentPhaseKey: activeKey(),
      phases: patches,
      action,
    };
    const phaseKey = activeKey();
    const at = Date.now();
    const windows = state.reporting ? phaseWindows() : undefined;
    const end = { status: state.status === 'cancelled' ? ('cancelled' as const) : ('completed' as const), reason: state.cancelReason };
    chain = chain.then(async () => {
      await db.recordCampaignTransition(transition);
      if (notify === 'phase') {
        await notifyUnits((id) =>
          getExternalWorkflowHandle(id).signal(phaseChangedSignal, windows ? { phaseKey, at, phases: windows } : { phaseKey, at }),
        );
      } else if (notify === 'end') {
        await notifyUnits((id) => getExternalWorkflowHandle(id).signal(campaignEndedSignal, end));
      }
    });
    return chain;
  };

  const phaseWindows = (): PhaseWindow[] =>
    state.phases.map(({ key, nameZh, startAt, deadlineAt }) => ({ key, nameZh, startAt, deadlineAt }));

  const unitContext = (r: CampaignReportingState): UnitReportingContext => {
    const years = state.phases.map((p) => new Date(p.deadlineAt).getUTCFullYear());
    const first = new Date(state.phases[0].startAt).getUTCFullYear();
    return {
      timeZone: r.timeZone,
      cityCode: r.cityCode,
      reporting: r.reporting,
      escalation: r.escalation,
      // Each of a province's 1,600 unit inputs carries the calendar: only the years this campaign spans.
      calendar: calendarBetween(r.calendar, first - 1, Math.max(...years)),
      phases: phaseWindows(),
    };
  };

  /**
   * 通报 at each period's close. Campaigns with every stream (STREAMS_PATCH): per stream that drafts
   * circulars, at the close of each period of the level it ranks (旬报, 月调度, 季通报 each their own);
   * before: the first stream, at the level directly under the campaign's region.
   */
  const planCirculars = (r: CampaignReportingState) => {
    if (r.streams) {
      const drafted = new Set(r.circulars.filter((c) => c.drafted).map((c) => c.key));
      const fresh: CampaignReportingState['circulars'] = [];
      for (const stream of normaliseReporting(r.reporting)) {
        const level = r.circularLevels?.[stream.key];
        if (!stream.circulars || !level) continue;
        const schedule = computeStreamSchedule({ stream, level, timeZone: r.timeZone, phases: phaseWindows(), calendar: r.calendar });
        for (const p of schedule?.periods ?? []) {
          if (!drafted.has(p.key)) fresh.push({ key: p.key, dueAt: p.dueAt, drafted: false, approved: false, id: null, stream: stream.key, level });
        }
      }
      fresh.sort((a, b) => a.dueAt - b.dueAt || a.key.localeCompare(b.key));
      r.circulars = [...r.circulars.filter((c) => c.drafted), ...fresh];
      return;
    }
    const level = state.children[0]?.level;
    const schedule = r.reporting && level ? computeSchedule({ reporting: r.reporting, level, timeZone: r.timeZone, phases: phaseWindows(), calendar: r.calendar }) : null;
    r.circularLevel = schedule ? level : null;
    const drafted = new Set(r.circulars.filter((c) => c.drafted).map((c) => c.key));
    r.circulars = [
      ...r.circulars.filter((c) => c.drafted),
      ...(schedule?.periods ?? []).filter((p) => !drafted.has(p.key)).map((p) => ({ key: p.key, dueAt: p.dueAt, drafted: false, approved: false, id: null })),
    ];
  };

  const nextCircular = () => state.reporting?.circulars.find((c) => !c.drafted);

  // ---- milestones ----
  const milestoneStates = (): MilestoneState[] => state.reporting?.milestoneStates ?? [];
  /** Reminders and rungs a milestone still has to send: none once confirmed. */
  const milestoneDone = (m: MilestoneState) => m.confirmed !== null || (m.remindersSent >= m.reminders.length && m.rungsFired >= m.rungs.length);
  const milestonesPending = () => milestoneStates().some((m) => !milestoneDone(m));
  /** The next reminder or rung of any milestone, earliest first (plan order on a tie). */
  const nextMilestoneEvent = (): { m: MilestoneState; kind: 'reminder' | 'rung'; at: number } | null => {
    let best: { m: MilestoneState; kind: 'reminder' | 'rung'; at: number } | null = null;
    for (const m of milestoneStates()) {
      if (m.confirmed) continue;
      const e =
        m.remindersSent < m.reminders.length
          ? { m, kind: 'reminder' as const, at: m.reminders[m.remindersSent].at }
          : m.rungsFired < m.rungs.length
            ? { m, kind: 'rung' as const, at: m.rungs[m.rungsFired].at }
            : null;
      if (e && (!best || e.at < best.at)) best = e;
    }
    return best;
  };
  const initMilestones = (r: CampaignReportingState) => {
    r.milestoneStates = (r.milestones ?? []).map((plan): MilestoneState => {
      const s = milestoneSchedule(plan, { timeZone: r.timeZone, calendar: r.calendar, ladder: milestoneLadder(plan, r.escalation) });
      return {
        key: s.key,
        name: s.name,
        startAt: s.startAt,
        dueDate: s.dueDate,
        dueAt: s.dueAt,
        shifted: s.shifted,
        reason: s.reason,
        // A reminder already past at launch is not sent late.
        reminders: s.reminders,
        rungs: s.rungs.map((x) => ({ ...x, notify: [...x.notify] })),
        remindersSent: 0,
        rungsFired: 0,
        confirmed: null,
      };
    });
    const now = Date.now();
    for (const m of r.milestoneStates) while (m.remindersSent < m.reminders.length && m.reminders[m.remindersSent].at < now) m.remindersSent++;
  };
  const fireMilestoneEvent = async (e: { m: MilestoneState; kind: 'reminder' | 'rung'; at: number }) => {
    const r = state.reporting!;
    const { m } = e;
    const recipients = r.milestoneRecipients?.[m.key] ?? { unit: [r.cityCode], parent: [r.cityCode] };
    if (e.kind === 'reminder') {
      const reminder = m.reminders[m.remindersSent];
      const text = milestoneReminderText(m, reminder.workingDaysBefore, r.timeZone);
      m.remindersSent += 1;
      await rep.sendMilestoneReminder({
        id: `${campaignId}/milestone/${m.key}/reminder/${reminder.workingDaysBefore}`,
        campaignId,
        key: m.key,
        recipients: recipients.unit,
        subject: `节点任务提醒：${m.name}`,
        body: text.zh,
        bodyEn: text.en,
        sent: m.remindersSent,
        nextEventAt: nextMilestoneEvent()?.at ?? null,
      });
      return;
    }
    const rung = m.rungs[m.rungsFired];
    m.rungsFired += 1;
    const next = m.rungsFired < m.rungs.length ? m.rungs[m.rungsFired].at : null;
    const codes = { unit: recipients.unit, parent: recipients.parent, city: [r.cityCode] } as Record<string, string[]>;
    await rep.recordEscalation({
      id: milestoneEscalationId(campaignId, r.cityCode, m.key, rung.rung),
      campaignId,
      unitCode: r.cityCode,
      unitName: r.title,
      track: MILESTONE_TRACK,
      episode: m.key,
      rung: rung.rung,
      rungIndex: rung.index,
      rungName: rung.name,
      reason: milestoneRungReason(m, rung, r.timeZone),
      detail: { milestone: m.key, dueAt: m.dueAt, dueDate: m.dueDate, shift: m.reason, delayWorkingDays: rung.delayWorkingDays, rungDate: rung.date },
      notified: [...new Set(rung.notify.flatMap((n) => codes[n] ?? []))],
      firedAt: e.at,
      nextRungAt: next,
    });
  };

  const startPhase = (at: number): PhasePatch => {
    const p = current();
    p.status = 'active';
    p.startedAt = at;
    state.status = 'running';
    return { key: p.key, status: 'active', startedAt: at };
  };

  /** Ends the current phase and, unless it was the last, starts the next one if its time has come. */
  const endPhase = (reason: PhaseEndReason, at: number): PhasePatch[] => {
    const p = current();
    p.status = 'done';
    p.endedAt = at;
    p.endReason = reason;
    const patches: PhasePatch[] = [{ key: p.key, status: 'done', endedAt: at, endReason: reason }];
    state.index += 1;
    if (state.index >= state.phases.length) {
      // A campaign with a milestone still to come stays open for it (its units too).
      state.status = milestonesPending() ? 'running' : 'completed';
    } else if (reason === 'advanced' || current().startAt <= at) {
      patches.push(startPhase(at));
    }
    return patches;
  };

  const actionId = (kind: string) => `${campaignId}/${kind}/${currentUpdateInfo()?.id ?? workflowInfo().runId}`;

  const ensureOpen = () => {
    if (!state.materialised) throw reject('活动仍在初始化，请稍后再试');
    if (terminal()) throw reject(`活动已${state.status === 'completed' ? '结束' : '撤销'}，不能再操作`);
  };

  setHandler(campaignViewQuery, view);

  setHandler(
    advancePhaseUpdate,
    async (req) => {
      const at = Date.now();
      const from = activeKey();
      const patches = current().status === 'active' ? endPhase('advanced', at) : [startPhase(at)];
      const to = activeKey();
      wake++;
      await persist(
        patches,
        { id: actionId('advance'), kind: 'advance', actor: req.actor, reason: req.reason, detail: { from, to }, at },
        state.status === 'completed' ? 'end' : 'phase',
      );
      return view();
    },
    {
      validator: (req) => {
        ensureOpen();
        if (!current()) throw reject('各阶段均已结束，活动因节点任务尚未完成而保持进行，没有可进入的下一阶段');
        const key = activeKey();
        if (req.expectedPhaseKey !== undefined && req.expectedPhaseKey !== key) {
          throw reject(`当前阶段已是 ${key ?? '（阶段之间）'}，不是 ${req.expectedPhaseKey}；请刷新后再试`);
        }
      },
    },
  );

  setHandler(
    amendDeadlineUpdate,
    async (req) => {
      const i = state.phases.findIndex((p) => p.key === req.phaseKey);
      const p = state.phases[i];
      const next = state.phases[i + 1];
      const from = p.deadlineAt;
      p.deadlineAt = req.deadlineAt;
      const patches: PhasePatch[] = [{ key: p.key, deadlineAt: req.deadlineAt }];
      let nextStartMovedTo: number | null = null;
      if (next && next.startAt < req.deadlineAt) {
        next.startAt = req.deadlineAt;
        nextStartMovedTo = req.deadlineAt;
        patches.push({ key: next.key, startAt: req.deadlineAt });
      }
      wake++;
      if (state.reporting) planCirculars(state.reporting);
      await persist(patches, {
        id: actionId('amend'),
        kind: 'amend-deadline',
        actor: req.actor,
        reason: req.reason,
        detail: { phaseKey: p.key, from, to: req.deadlineAt, deadlineLocal: req.deadlineLocal, nextStartMovedTo },
        at: Date.now(),
      }, state.reporting ? 'phase' : undefined);
      return view();
    },
    {
      validator: (req) => {
        ensureOpen();
        const i = state.phases.findIndex((p) => p.key === req.phaseKey);
        if (i < 0) throw reject(`没有键为 ${req.phaseKey} 的阶段`);
        const p = state.phases[i];
        if (p.status === 'done') throw reject(`阶段「${p.nameZh}」已结束，不能调整截止时间`);
        if (!Number.isFinite(req.deadlineAt)) throw reject('截止时间无效');
        if (req.deadlineAt <= Date.now()) throw reject('新的截止时间已经过去');
        if (req.deadlineAt === p.deadlineAt) throw reject('新的截止时间与原截止时间相同');
        if (p.status === 'pending' && req.deadlineAt <= p.startAt) throw reject(`新的截止时间应晚于阶段「${p.nameZh}」的开始时间`);
        const next = state.phases[i + 1];
        if (next && req.deadlineAt >= next.deadlineAt) {
          throw reject(`新的截止时间应早于下一阶段「${next.nameZh}」的截止时间（阶段顺序不能颠倒）`);
        }
      },
    },
  );

  setHandler(
    cancelCampaignUpdate,
    async (req) => {
      const at = Date.now();
      const patches: PhasePatch[] = [];
      const p = current();
      if (p?.status === 'active') {
        p.status = 'done';
        p.endedAt = at;
        p.endReason = 'cancelled';
        patches.push({ key: p.key, status: 'done', endedAt: at, endReason: 'cancelled' });
      }
      state.status = 'cancelled';
      state.cancelReason = req.reason;
      wake++;
      await persist(
        patches,
        { id: actionId('cancel'), kind: 'cancel', actor: req.actor, reason: req.reason, detail: { phaseKey: p?.key ?? null }, at },
        'end',
      );
      return view();
    },
    { validator: (_req) => ensureOpen() },
  );

  setHandler(
    approveCircularUpdate,
    async (req) => {
      const r = state.reporting!;
      const c = r.circulars.find((x) => x.id === req.circularId)!;
      c.approved = true;
      const at = Date.now();
      await rep.publishCircular({ circularId: c.id!, actor: req.actor, note: req.note, at, cityCode: r.cityCode });
      await persist([], { id: actionId('approve-circular'), kind: 'approve-circular', actor: req.actor, reason: req.note, detail: { circularId: c.id, periodKey: c.key }, at });
      return { circularId: c.id!, status: 'published' as const };
    },
    {
      validator: (req) => {
        if (!state.materialised) throw reject('活动仍在初始化，请稍后再试');
        const c = state.reporting?.circulars.find((x) => x.id === req.circularId);
        if (!c) throw reject(`没有编号为 ${req.circularId} 的通报草稿`);
        if (c.approved) throw reject('该通报已发布');
        if (!req.note.trim()) throw reject('请填写审核意见');
      },
    },
  );

  setHandler(
    confirmMilestoneUpdate,
    async (req) => {
      const r = state.reporting!;
      const m = milestoneStates().find((x) => x.key === req.key)!;
      const at = Date.now();
      m.confirmed = { by: req.actor, at, note: req.note };
      wake++;
      await rep.confirmMilestone({ campaignId, regionCode: r.cityCode, key: m.key, by: req.actor, at, note: req.note });
      await persist([], { id: actionId('confirm-milestone'), kind: 'confirm-milestone', actor: req.actor, reason: req.note, detail: { key: m.key, name: m.name, dueAt: m.dueAt, late: at > m.dueAt }, at });
      return { key: m.key, status: 'confirmed' as const, confirmedAt: at };
    },
    {
      validator: (req) => {
        if (!state.materialised) throw reject('活动仍在初始化，请稍后再试');
        if (state.status === 'cancelled') throw reject('活动已撤销，不能再操作');
        const ms = milestoneStates();
        const problem = milestoneConfirmationProblem(ms, new Set(ms.filter((x) => x.confirmed).map((x) => x.key)), req.key, Date.now(), state.reporting?.timeZone ?? 'Asia/Shanghai');
        if (problem) throw reject(problem);
        if (terminal()) throw reject('活动已结束，不能再操作');
      },
    },
  );

  setHandler(calendarChangedSignal, (change) => {
    const r = state.reporting;
    if (!r || terminal()) return;
    r.calendar = change.calendar;
    r.calendarChanges += 1;
    planCirculars(r);
    wake++;
    const at = Date.now();
    void persist([], {
      id: `${campaignId}/calendar-change/${r.calendarChanges}`,
      kind: 'calendar-change',
      actor: change.actor,
      reason: change.summary.zh,
      detail: { year: change.year, summary: change.summary },
      at,
    });
    chain = chain.then(() =>
      notifyUnits((id) => getExternalWorkflowHandle(id).signal(calendarChangedSignal, change)),
    );
  });

  if (!state.materialised) {
    // One activity reads the plan once and answers all the first step needs (phases, children, the
    // reporting context and the calendar); campaigns launched before it replay their three reads.
    const prepared = patched(ONE_LAUNCH_ACTIVITY) ? await db.prepareCampaign(campaignId) : null;
    const m = prepared ?? (await db.materialiseCampaign(campaignId));
    state.phases = m.phases.map((p) => ({
      key: p.key,
      nameZh: p.nameZh,
      startAt: p.startAt,
      deadlineAt: p.deadlineAt,
      status: 'pending',
      startedAt: null,
      endedAt: null,
      endReason: null,
    }));
    state.children = m.children;
    state.materialised = true;
    const at = Date.now();
    // A campaign launched after its first phase began (but before the last deadline) skips the
    // phases already over, marking them ended at their deadlines.
    const patches: PhasePatch[] = [];
    while (state.index < state.phases.length - 1 && current().deadlineAt <= at) {
      const p = current();
      p.status = 'done';
      p.endedAt = p.deadlineAt;
      p.endReason = 'deadline';
      patches.push({ key: p.key, status: 'done', endedAt: p.deadlineAt, endReason: 'deadline' });
      state.index += 1;
    }
    if (current().startAt <= at) patches.push(startPhase(at));
    await persist(patches, {
      id: `${campaignId}/launch`,
      kind: 'launch',
      actor: input.launchedBy,
      reason: null,
      detail: { workflowId: workflowInfo().workflowId, units: state.children.length },
      at,
    });
    if (prepared) {
      state.reporting = { ...prepared.reporting, calendar: prepared.calendar, circularLevel: null, circulars: [], calendarChanges: 0 };
      if (prepared.reporting.circularLevels && prepared.reporting.reporting && patched(STREAMS_PATCH)) state.reporting.streams = true;
      planCirculars(state.reporting);
      if (prepared.reporting.milestones?.length && patched(MILESTONES_PATCH)) initMilestones(state.reporting);
    } else if (patched('reporting-v1')) {
      // Campaigns launched before reporting existed replay without these steps. (Not yet deprecated:
      // the v0 histories recorded before it are still in the replay gate, and a campaign runs a year.)
      const base = await rep.loadReportingContext(campaignId);
      const calendar = await rep.loadCalendar();
      state.reporting = { ...base, calendar, circularLevel: null, circulars: [], calendarChanges: 0 };
      planCirculars(state.reporting);
    }
    await startUnits(campaignId, state.children, activeKey(), input.historyLimit, state.reporting && unitContext(state.reporting));
  }

  while (!terminal()) {
    // After the last phase, only a campaign kept open by its milestones is still here (no current phase).
    const p = current() as (typeof state.phases)[number] | undefined;
    if (!p && !milestonesPending()) {
      state.status = 'completed';
      await persist([], undefined, 'end');
      break;
    }
    const phaseDue = !p ? Infinity : p.status === 'pending' ? p.startAt : p.deadlineAt;
    const circular = nextCircular();
    const milestone = nextMilestoneEvent();
    let due = circular && circular.dueAt < phaseDue ? circular.dueAt : phaseDue;
    if (milestone && milestone.at < due) due = milestone.at;
    const waitMs = due - Date.now();
    if (waitMs > 0) {
      const seen = wake;
      // Campaigns that report never cancel a timer (see alarm.ts); older ones keep their commands for replay.
      if (state.reporting) await alarm.wait(due, () => wake !== seen);
      else await condition(() => wake !== seen, waitMs);
      if (shouldContinueAsNew(input.historyLimit)) {
        await chain;
        await condition(allHandlersFinished);
        return continueAsNew<typeof campaignWorkflow>({ ...input, state });
      }
      continue;
    }
    if (milestone && milestone.at === due) {
      await fireMilestoneEvent(milestone);
      continue;
    }
    if (circular && circular.dueAt === due) {
      const r = state.reporting!;
      // Numbered across the campaign (a circular's address); the previous one of its own stream is what it compares with.
      const seq = r.circulars.indexOf(circular) + 1;
      let drafted: { id: string };
      if (circular.stream !== undefined) {
        const stream = normaliseReporting(r.reporting).find((s) => s.key === circular.stream);
        drafted = await rep.draftCircular({
          campaignId,
          periodKey: circular.key,
          seq,
          dueAt: circular.dueAt,
          level: circular.level!,
          at: due,
          stream: circular.stream,
          streamName: stream?.name ?? circular.stream,
          reports: stream?.reports ?? true,
        });
      } else {
        drafted = await rep.draftCircular({ campaignId, periodKey: circular.key, seq, dueAt: circular.dueAt, level: r.circularLevel!, at: due });
      }
      circular.drafted = true;
      circular.id = drafted.id;
      continue;
    }
    // A transition made by its timer is stamped with the plan's instant (the timer fires at or just after it).
    const at = due;
    if (!p) continue;
    if (p.status === 'pending') {
      await persist([startPhase(at)], undefined, 'phase');
    } else {
      const patches = endPhase('deadline', at);
      await persist(patches, undefined, terminal() ? 'end' : 'phase');
    }
  }

  await chain;
  await condition(allHandlersFinished);
  return {
    status: state.status,
    phases: state.phases.map(({ key, startedAt, endedAt, endReason }) => ({ key, startedAt, endedAt, endReason })),
  };
}

function shouldContinueAsNew(historyLimit: number | undefined): boolean {
  const info = workflowInfo();
  return historyLimit ? info.historyLength >= historyLimit : info.continueAsNewSuggested;
}
