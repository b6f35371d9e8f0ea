// One county or town: learns of phase changes from its parent, passes them to its own children, and
// keeps its row in the read model current. Villages are rows, not workflows.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DbActivities } from '../activities/db';
import {
  calendarChangedSignal,
  campaignEndedSignal,
  phaseChangedSignal,
  respondEscalationUpdate,
  submitReportUpdate,
  unitReportingQuery,
  workflowIds,
  type UnitInput,
  type UnitState,
  type UnitResult,
  type PendingUnitMessage,
} from '../contracts/campaign';
import { startUnits } from './children';
import { STREAMS_PATCH, UnitReporting, initialReportingState, rep } from './reporting';
import { Alarm } from './alarm';
import { NO_LOCK, WorkflowLock } from './lock';

/**
 * Reports, answers and the timer loop's rungs of a unit never interleave (issue 12): one lock around
 * every state change that awaits an activity. Runs started before it replay without it.
 */
export const UNIT_LOCK_PATCH = 'unit-handlers-serialised';

const db = proxyActivities<DbActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

type Pending = PendingUnitMessage;

export async function unitWorkflow(input: UnitInput & { pending?: Pending[] }): Promise<UnitResult> {
  const { campaignId, unit } = input;
  const workflowId = workflowInfo().workflowId;
  const state: UnitState = input.state ?? {
    status: 'active',
    phaseKey: input.phaseKey,
    children: [],
    childrenStarted: false,
    version: 0,
    ended: null,
  };
  // Units started before reporting existed have no context and keep their old behaviour (replay-safe).
  // Asked only where the plan reports at all: without streams both ways are the same (no periods, no checks).
  if (input.reporting && !state.reporting) state.reporting = initialReportingState(input.reporting, unit, input.reporting.reporting !== null && patched(STREAMS_PATCH));
  const reporting = state.reporting ? new UnitReporting(campaignId, unit, state.reporting) : null;
  const alarm = new Alarm();
  const lock = reporting && patched(UNIT_LOCK_PATCH) ? new WorkflowLock() : NO_LOCK;
  // Signals are queued and handled by the main loop, in arrival order.
  const pending: Pending[] = input.pending ?? [];
  setHandler(phaseChangedSignal, (change) => void pending.push({ kind: 'phase', change }));
  setHandler(campaignEndedSignal, (end) => void pending.push({ kind: 'end', end }));
  setHandler(calendarChangedSignal, (change) => void pending.push({ kind: 'calendar', change }));
  if (reporting) {
    const open = () => state.ended === null;
    setHandler(unitReportingQuery, () => reporting.view());
    // Validators run at once (they read, never await); handlers wait for the lock, then re-check what
    // may have changed while they waited (a waiver of a rung resolved meanwhile is refused inside).
    setHandler(submitReportUpdate, (req) => lock.runExclusive(() => reporting.submitReport(req)), { validator: (req) => reporting.validateReport(req, open()) });
    setHandler(
      respondEscalationUpdate,
      (req) =>
        lock.runExclusive(async () => {
          reporting.validateResponse(req);
          return reporting.respond(req);
        }),
      { validator: (req) => reporting.validateResponse(req) },
    );
  }

  const transition = () => ({ campaignId, code: unit.code, version: ++state.version, status: state.status, phaseKey: state.phaseKey, workflowId });
  const record = () => db.recordUnitState(transition());

  const forward = async (send: (id: string) => Promise<void>) => {
    await Promise.all(
      state.children.map((c) =>
        send(workflowIds.unit(campaignId, c.code)).catch((err) => log.warn('child not notified', { unit: c.code, error: String(err) })),
      ),
    );
  };

  if (!input.state) {
    if (reporting) {
      state.children = await rep.startUnit({ transition: transition(), schedule: reporting.scheduleWrite() });
    } else {
      await record();
      state.children = await db.listChildUnits(campaignId, unit.code);
    }
    await startUnits(campaignId, state.children, state.phaseKey, input.historyLimit, state.reporting?.ctx);
    state.childrenStarted = true;
  }

  while (state.ended === null) {
    // Without reporting there is no timer: the same commands as before reporting existed.
    if (reporting) {
      await alarm.wait(reporting.nextEventAt(), () => pending.length > 0);
      await lock.runExclusive(() => reporting.processDue(Date.now()));
    } else {
      await condition(() => pending.length > 0);
    }
    while (pending.length > 0 && state.ended === null) {
      const next = pending.shift()!;
      if (next.kind === 'phase') {
        const phaseMoved = next.change.phases !== undefined && state.phaseKey === next.change.phaseKey;
        state.phaseKey = next.change.phaseKey;
        if (!phaseMoved) await record();
        if (reporting && next.change.phases) await lock.runExclusive(() => reporting.reschedule({ phases: next.change.phases! }));
        await forward((id) => getExternalWorkflowHandle(id).signal(phaseChangedSignal, next.change));
      } else if (next.kind === 'calendar') {
        if (reporting) await lock.runExclusive(() => reporting.reschedule({ calendar: next.change }));
        await forward((id) => getExternalWorkflowHandle(id).signal(calendarChangedSignal, next.change));
      } else {
        state.ended = next.end;
        state.status = next.end.status;
        await record();
        await forward((id) => getExternalWorkflowHandle(id).signal(campaignEndedSignal, next.end));
      }
    }
    const info = workflowInfo();
    if (state.ended === null && (input.historyLimit ? info.historyLength >= input.historyLimit : info.continueAsNewSuggested)) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof unitWorkflow>({ ...input, state, pending });
    }
  }
  await condition(allHandlersFinished);
  return { status: state.status, phaseKey: state.phaseKey };
}
