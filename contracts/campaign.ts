// The campaign and unit workflows' contract: their IDs, inputs, states (plain JSON carried across
// continue-as-new), message definitions and the read-model writes their activities make. Shared by the
// workflows, the activities, the API and the tests.
// No runtime imports beyond the define* helpers: the server sends through these typed definitions,
// never through string names. A shipped wire name never changes.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ReportFigures, ReportingContext, ReportingState, UnitReportingContext } from './reporting';

export type { UnitReportingContext };
import type { WorkingCalendar } from '../domain/calendar';
import type { EscalationTrack, PhaseWindow, Text } from '../domain/escalation';
import type { ResolvedPhase } from '../domain/plan';
import type { ActionKind, CampaignStatus, PhaseEndReason, PhaseStatus, RegionLevel, UnitStatus } from '../domain/status';

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
  /** Reporting context and 通报 schedule (absent on campaigns launched before reporting existed). */
  reporting?: CampaignReportingState;
  /** Transition counter written with every read-model update, so an old write never wins. */
  version: number;
  cancelReason: string | null;
}

export interface CampaignReportingState extends ReportingContext {
  /** The level whose period closes draft a circular (campaigns prepared before streams: the children of the campaign's region). */
  circularLevel: RegionLevel | null;
  /** 通报 to draft, by due instant; `stream` and `level` absent in campaigns prepared before streams. */
  circulars: Array<{ key: string; dueAt: number; drafted: boolean; approved: boolean; id: string | null; stream?: string; level?: RegionLevel }>;
  calendarChanges: number;
  /** Circulars of every stream that drafts them, each numbered in its stream (absent before STREAMS_PATCH). */
  streams?: boolean;
  /** 节点任务 with their instants and what was sent (absent in campaigns prepared before milestones). */
  milestoneStates?: MilestoneState[];
}

/** One milestone as the campaign workflow keeps it (plain JSON). */
export interface MilestoneState {
  key: string;
  name: string;
  startAt: number | null;
  dueDate: string;
  dueAt: number;
  shifted: boolean;
  reason: Text | null;
  /** Earliest first. */
  reminders: Array<{ workingDaysBefore: number; date: string; at: number }>;
  rungs: Array<{ index: number; rung: string; name: string; delayWorkingDays: number; notify: string[]; date: string; at: number }>;
  remindersSent: number;
  rungsFired: number;
  confirmed: { by: string; at: number; note: string | null } | null;
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
  /** What the unit needs to keep its report schedule and escalate (absent on units started before reporting existed). */
  reporting?: UnitReportingContext;
  state?: UnitState;
  historyLimit?: number;
}

/** What a unit workflow returns when it ends. */
export interface UnitResult {
  status: UnitState['status'];
  phaseKey: string | null;
}

/** Messages a unit received but had not acted on when it continued as new (carried in its input). */
export type PendingUnitMessage =
  | { kind: 'phase'; change: PhaseChange }
  | { kind: 'end'; end: CampaignEnd }
  | { kind: 'calendar'; change: CalendarChange };

/** The unit workflow's signature, for typed child starts that need not import its code. */
export type UnitWorkflow = (input: UnitInput & { pending?: PendingUnitMessage[] }) => Promise<UnitResult>;

export interface UnitState {
  status: UnitStatus;
  phaseKey: string | null;
  children: UnitSpec[];
  childrenStarted: boolean;
  version: number;
  /** Set when the campaign has ended; the unit then finishes. */
  ended: { status: 'completed' | 'cancelled'; reason: string | null } | null;
  /** The unit's report schedule and escalation tracks. */
  reporting?: ReportingState;
}

export interface PhaseChange {
  phaseKey: string | null;
  at: number;
  /** The phases as they now stand (deadlines may have been amended); sent by campaigns that report. */
  phases?: PhaseWindow[];
}
export interface CampaignEnd {
  status: 'completed' | 'cancelled';
  reason: string | null;
}
export const phaseChangedSignal = defineSignal<[PhaseChange]>('phaseChanged');
export const campaignEndedSignal = defineSignal<[CampaignEnd]>('campaignEnded');

/** An official added or corrected a calendar year: units move their future due dates. */
export interface CalendarChange {
  calendar: WorkingCalendar;
  year: number;
  summary: Text;
  actor: string;
}
export const calendarChangedSignal = defineSignal<[CalendarChange]>('calendarChanged');

export interface ReportRequest {
  periodKey: string;
  figures: ReportFigures;
  actor: string;
  source: 'console' | 'api';
  note?: string | null;
}
export interface ReportReceipt {
  periodKey: string;
  revision: number;
  late: boolean;
  dueAt: number;
  submittedAt: number;
}
export const submitReportUpdate = defineUpdate<ReportReceipt, [ReportRequest]>('submitReport');

export const ESCALATION_RESPONSES = ['acknowledge', 'answer', 'waive'] as const;
export type EscalationResponseKind = (typeof ESCALATION_RESPONSES)[number];
export interface EscalationResponseRequest {
  escalationId: string;
  kind: EscalationResponseKind;
  actor: string;
  text: string;
}
export interface EscalationResponseReceipt {
  escalationId: string;
  status: 'acknowledged' | 'answered' | 'waived';
}
export const respondEscalationUpdate = defineUpdate<EscalationResponseReceipt, [EscalationResponseRequest]>('respondEscalation');

/** An official confirms a milestone done (who may is checked by the API: domain/access.ts `canConfirmMilestone`). */
export interface ConfirmMilestoneRequest {
  key: string;
  actor: string;
  note: string | null;
}
export interface MilestoneConfirmation {
  key: string;
  status: 'confirmed';
  confirmedAt: number;
}
export const confirmMilestoneUpdate = defineUpdate<MilestoneConfirmation, [ConfirmMilestoneRequest]>('confirmMilestone');

export interface ApproveCircularRequest {
  circularId: string;
  actor: string;
  note: string;
}
export const approveCircularUpdate = defineUpdate<{ circularId: string; status: 'published' }, [ApproveCircularRequest]>('approveCircular');

/** A unit's schedule and escalation state, for tests and diagnosis (the console reads the database). */
export interface UnitReportingView {
  periods: Array<{ key: string; dueAt: number; dueDate: string; status: string; revisions: number }>;
  fired: Array<{ id: string; track: EscalationTrack; episode: string; status: string }>;
}
export const unitReportingQuery = defineQuery<UnitReportingView>('unitReporting');

// ---- the read-model writes the campaign and unit workflows make (activities/db.ts) ----

export interface MaterialisedCampaign {
  phases: ResolvedPhase[];
  /** Workflow-level direct children of the owning region. */
  children: UnitSpec[];
}

/** The campaign workflow's first step, in one activity (services/campaigns.ts prepareCampaign). */
export interface PreparedCampaign extends MaterialisedCampaign {
  reporting: Omit<ReportingContext, 'calendar'>;
  calendar: WorkingCalendar;
}

export interface PhasePatch {
  key: string;
  status?: PhaseStatus;
  startAt?: number;
  deadlineAt?: number;
  startedAt?: number | null;
  endedAt?: number | null;
  endReason?: PhaseEndReason | null;
}

export interface ActionRecord {
  /** Idempotency key, unique per campaign action. */
  id: string;
  kind: ActionKind;
  actor: string;
  reason: string | null;
  detail: Record<string, unknown>;
  at: number;
}

export interface CampaignTransition {
  campaignId: string;
  version: number;
  status: CampaignStatus;
  currentPhaseKey: string | null;
  phases: PhasePatch[];
  action?: ActionRecord;
}

export interface UnitTransition {
  campaignId: string;
  code: string;
  version: number;
  status: UnitStatus;
  phaseKey: string | null;
  workflowId: string;
}

/** ApplicationFailure types the server maps to HTTP 422. */
export const REJECTION = 'CampaignActionRejected';
