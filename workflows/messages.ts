// Message definitions, DTOs and workflow IDs shared by workflows, the server and tests.
// No runtime imports beyond the define* helpers: the server sends through these typed definitions,
// never through string names. A shipped wire name never changes.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CampaignStatus, PhaseEndReason, PhaseStatus, RegionLevel, UnitStatus } from '../domain/status';

export const DEFAULT_TASK_QUEUE = 'campaigns';

/** One helper for every workflow ID: business IDs, never personal data. */
export const workflowIds = {
  campaign: (campaignId: string) => `campaign/${campaignId}`,
  unit: (campaignId: string, code: string) => `campaign/${campaignId}/unit/${code}`,
};

export interface PhaseState {
  key: string;
  nameZh: string;
  /** Epoch milliseconds. */
  startAt: number;
  deadlineAt: number;
  status: PhaseStatus;
  startedAt: number | null;
  endedAt: number | null;
  endReason: PhaseEndReason | null;
}

export interface UnitSpec {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string;
}

/** Plain JSON, carried across continue-as-new. */
export interface CampaignState {
  status: CampaignStatus;
  phases: PhaseState[];
  /** Index of the phase being waited on or worked; equals phases.length when finished. */
  index: number;
  /** Workflow-level children of the owning region (counties of a city plan). */
  children: UnitSpec[];
  materialised: boolean;
  /** Transition counter written with every read-model update, so an old write never wins. */
  version: number;
  cancelReason: string | null;
}

export interface CampaignInput {
  campaignId: string;
  /** Who launched it, recorded as the first action. */
  launchedBy: string;
  /** Present only when continuing as new. */
  state?: CampaignState;
  /** Continue as new after this many history events (tests set it low); default: the server's suggestion. */
  historyLimit?: number;
}

export interface CampaignResult {
  status: CampaignStatus;
  phases: Array<Pick<PhaseState, 'key' | 'startedAt' | 'endedAt' | 'endReason'>>;
}

export interface CampaignView {
  campaignId: string;
  status: CampaignStatus;
  currentPhaseKey: string | null;
  phases: Array<Pick<PhaseState, 'key' | 'startAt' | 'deadlineAt' | 'status' | 'startedAt' | 'endedAt' | 'endReason'>>;
  version: number;
}

export interface ActionBase {
  actor: string;
  reason: string;
}
export type AdvanceRequest = ActionBase & { expectedPhaseKey?: string };
export type AmendDeadlineRequest = ActionBase & { phaseKey: string; deadlineAt: number; deadlineLocal: string };
export type CancelRequest = ActionBase;

export const advancePhaseUpdate = defineUpdate<CampaignView, [AdvanceRequest]>('advancePhase');
export const amendDeadlineUpdate = defineUpdate<CampaignView, [AmendDeadlineRequest]>('amendDeadline');
export const cancelCampaignUpdate = defineUpdate<CampaignView, [CancelRequest]>('cancelCampaign');
export const campaignViewQuery = defineQuery<CampaignView>('campaignView');

export interface UnitInput {
  campaignId: string;
  unit: UnitSpec;
  /** The campaign's current phase when this unit started. */
  phaseKey: string | null;
  state?: UnitState;
  historyLimit?: number;
}

export interface UnitState {
  status: UnitStatus;
  phaseKey: string | null;
  children: UnitSpec[];
  childrenStarted: boolean;
  version: number;
  /** Set when the campaign has ended; the unit then finishes. */
  ended: { status: 'completed' | 'cancelled'; reason: string | null } | null;
}

export interface PhaseChange {
  phaseKey: string | null;
  at: number;
}
export interface CampaignEnd {
  status: 'completed' | 'cancelled';
  reason: string | null;
}
export const phaseChangedSignal = defineSignal<[PhaseChange]>('phaseChanged');
export const campaignEndedSignal = defineSignal<[CampaignEnd]>('campaignEnded');

/** ApplicationFailure types the server maps to HTTP 422. */
export const REJECTION = 'CampaignActionRejected';
