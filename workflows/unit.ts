// One county or town: learns of phase changes from its parent, passes them to its own children, and
// keeps its row in the read model current. Villages are rows, not workflows.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DbActivities } from '../activities/db';
import {
  campaignEndedSignal,
  phaseChangedSignal,
  workflowIds,
  type CampaignEnd,
  type PhaseChange,
  type UnitInput,
  type UnitState,
} from './messages';
import { startUnits } from './children';

const db = proxyActivities<DbActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

type Pending = { kind: 'phase'; change: PhaseChange } | { kind: 'end'; end: CampaignEnd };

export interface UnitResult {
  status: UnitState['status'];
  phaseKey: string | null;
}

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
  // Signals are queued and handled by the main loop, in arrival order.
  const pending: Pending[] = input.pending ?? [];
  setHandler(phaseChangedSignal, (change) => void pending.push({ kind: 'phase', change }));
  setHandler(campaignEndedSignal, (end) => void pending.push({ kind: 'end', end }));

  const record = () =>
    db.recordUnitState({ campaignId, code: unit.code, version: ++state.version, status: state.status, phaseKey: state.phaseKey, workflowId });

  const forward = async (send: (id: string) => Promise<void>) => {
    await Promise.all(
      state.children.map((c) =>
        send(workflowIds.unit(campaignId, c.code)).catch((err) => log.warn('child not notified', { unit: c.code, error: String(err) })),
      ),
    );
  };

  if (!input.state) {
    await record();
    state.children = await db.listChildUnits(campaignId, unit.code);
    await startUnits(campaignId, state.children, state.phaseKey, input.historyLimit);
    state.childrenStarted = true;
  }

  while (state.ended === null) {
    await condition(() => pending.length > 0);
    while (pending.length > 0 && state.ended === null) {
      const next = pending.shift()!;
      if (next.kind === 'phase') {
        state.phaseKey = next.change.phaseKey;
        await record();
        await forward((id) => getExternalWorkflowHandle(id).signal(phaseChangedSignal, next.change));
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
