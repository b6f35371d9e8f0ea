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
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DbActivities, PhasePatch, ActionRecord } from '../activities/db';
import type { PhaseEndReason } from '../domain/status';
import {
  REJECTION,
  advancePhaseUpdate,
  amendDeadlineUpdate,
  campaignEndedSignal,
  campaignViewQuery,
  cancelCampaignUpdate,
  phaseChangedSignal,
  workflowIds,
  type CampaignInput,
  type CampaignResult,
  type CampaignState,
  type CampaignView,
} from './messages';
import { startUnits } from './children';

const db = proxyActivities<DbActivities>({
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
    const end = { status: state.status === 'cancelled' ? ('cancelled' as const) : ('completed' as const), reason: state.cancelReason };
    chain = chain.then(async () => {
      await db.recordCampaignTransition(transition);
      if (notify === 'phase') {
        await notifyUnits((id) => getExternalWorkflowHandle(id).signal(phaseChangedSignal, { phaseKey, at }));
      } else if (notify === 'end') {
        await notifyUnits((id) => getExternalWorkflowHandle(id).signal(campaignEndedSignal, end));
      }
    });
    return chain;
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
      state.status = 'completed';
    } else if (reason === 'advanced' || current().startAt <= at) {
      patches.push(startPhase(at));
    }
    return patches;
  };

  const actionId = (kind: string) => `${campaignId}/${kind}/${currentUpdateInfo()?.id ?? workflowInfo().runId}`;

  const ensureOpen = () => {
    if (!state.materialised) throw reject('活动仍在初始化,请稍后再试');
    if (terminal()) throw reject(`活动已${state.status === 'completed' ? '结束' : '撤销'},不能再操作`);
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
        const key = activeKey();
        if (req.expectedPhaseKey !== undefined && req.expectedPhaseKey !== key) {
          throw reject(`当前阶段已是 ${key ?? '(阶段之间)'},不是 ${req.expectedPhaseKey};请刷新后再试`);
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
      await persist(patches, {
        id: actionId('amend'),
        kind: 'amend-deadline',
        actor: req.actor,
        reason: req.reason,
        detail: { phaseKey: p.key, from, to: req.deadlineAt, deadlineLocal: req.deadlineLocal, nextStartMovedTo },
        at: Date.now(),
      });
      return view();
    },
    {
      validator: (req) => {
        ensureOpen();
        const i = state.phases.findIndex((p) => p.key === req.phaseKey);
        if (i < 0) throw reject(`没有键为 ${req.phaseKey} 的阶段`);
        const p = state.phases[i];
        if (p.status === 'done') throw reject(`阶段「${p.nameZh}」已结束,不能调整截止时间`);
        if (!Number.isFinite(req.deadlineAt)) throw reject('截止时间无效');
        if (req.deadlineAt <= Date.now()) throw reject('新的截止时间已经过去');
        if (req.deadlineAt === p.deadlineAt) throw reject('新的截止时间与原截止时间相同');
        if (p.status === 'pending' && req.deadlineAt <= p.startAt) throw reject(`新的截止时间应晚于阶段「${p.nameZh}」的开始时间`);
        const next = state.phases[i + 1];
        if (next && req.deadlineAt >= next.deadlineAt) {
          throw reject(`新的截止时间应早于下一阶段「${next.nameZh}」的截止时间(阶段顺序不能颠倒)`);
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

  if (!state.materialised) {
    const m = await db.materialiseCampaign(campaignId);
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
    await startUnits(campaignId, state.children, activeKey(), input.historyLimit);
  }

  while (!terminal()) {
    const p = current();
    const due = p.status === 'pending' ? p.startAt : p.deadlineAt;
    const waitMs = due - Date.now();
    if (waitMs > 0) {
      const seen = wake;
      await condition(() => wake !== seen, waitMs);
      if (shouldContinueAsNew(input.historyLimit)) {
        await chain;
        await condition(allHandlersFinished);
        return continueAsNew<typeof campaignWorkflow>({ ...input, state });
      }
      continue;
    }
    // A transition made by its timer is stamped with the plan's instant (the timer fires at or just after it).
    const at = due;
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
