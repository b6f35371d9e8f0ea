// What a unit's reporting carries between its workflow, its activities, the API and the console:
// report figures, the schedule as the unit keeps it, the writes its activities make, and the state it
// carries across continue-as-new (plain JSON).
import type { WorkingCalendar } from '../domain/calendar';
import type { EscalationTrack, PhaseWindow, Text } from '../domain/escalation';
import type { Milestone } from '../domain/milestones';
import type { Escalation, Reporting, ReportingLevel } from '../domain/plan';
import type { ScheduledPeriod } from '../domain/schedule';
import type { RollupRule } from '../domain/rollup';
import type { Targets } from '../domain/targets';

/** The track of a milestone's rungs in the escalations table (its unit is the plan's region). */
export const MILESTONE_TRACK = 'milestone';
export type RecordedTrack = EscalationTrack | typeof MILESTONE_TRACK;

/** Plain JSON handed from the campaign to its units, and from counties to towns. */
export interface UnitReportingContext {
  timeZone: string;
  cityCode: string;
  reporting: Reporting | null;
  escalation: Escalation | null;
  phases: PhaseWindow[];
  calendar: WorkingCalendar;
}

export interface ReportFigures {
  enrolled: number;
  paid: number;
  /** Fen (0.01 yuan). */
  amountFen: number;
  mobilePaid: number;
  hardshipCovered: number;
}

export interface ReportingContext {
  timeZone: string;
  cityCode: string;
  cityName: string;
  title: string;
  reporting: Reporting | null;
  escalation: Escalation | null;
  calendar: WorkingCalendar;
  /**
   * Per stream that drafts circulars, the level its 通报 ranks (domain/streams.ts `circularLevel`).
   * Absent in campaigns prepared before streams: they rank the campaign's first level, one stream.
   */
  circularLevels?: Record<string, ReportingLevel>;
  /** The plan's milestones (absent before milestones existed). */
  milestones?: Milestone[];
  /** Per milestone, the region codes notified as `unit` and `parent` (domain/milestones.ts `milestoneRecipients`). */
  milestoneRecipients?: Record<string, { unit: string[]; parent: string[] }>;
}

/** A scheduled period as the unit keeps it: what happened, and why its due date last moved. */
export interface PeriodRecord extends ScheduledPeriod {
  status: 'open' | 'reported' | 'late' | 'missed';
  changeNote: Text | null;
  /** The stream's key; absent in units started before streams (the legacy stream, `reports`). */
  stream?: string;
  /** The due time of this stream at the unit's level; absent before streams (the state's `dueTime`). */
  dueTime?: string;
}

export interface ScheduleWrite {
  campaignId: string;
  unitCode: string;
  version: number;
  periods: PeriodRecord[];
  next: { key: string; dueAt: number } | null;
}

export interface ReportWrite {
  id: string;
  campaignId: string;
  unitCode: string;
  periodKey: string;
  /** The period's stream; absent from units started before streams (`reports`). */
  stream?: string;
  revision: number;
  figures: ReportFigures;
  late: boolean;
  source: 'console' | 'api' | 'tax-feed';
  actor: string;
  note: string | null;
  at: number;
  /** The unit's next open period after this report (for the deadlines board and the blue light). */
  next?: { key: string; dueAt: number } | null;
}

export interface EscalationWrite {
  id: string;
  campaignId: string;
  unitCode: string;
  unitName: string;
  track: RecordedTrack;
  /** The missed period's stream (missed-report track only). */
  stream?: string | null;
  episode: string;
  rung: string;
  rungIndex: number;
  rungName: string;
  reason: Text;
  detail: Record<string, unknown>;
  notified: string[];
  firedAt: number;
  nextRungAt: number | null;
  /** Sets the unit's red flag for a target missed at a phase deadline. */
  targetMissed?: boolean;
}

export interface UnitProgress extends ReportFigures {
  targetEnrolled: number | null;
  targetPaying: number | null;
  /** Every target, thresholds inherited; null for campaigns materialised before they were kept (then the two above). */
  targets?: Targets | null;
}

export interface CircularContent {
  level: string;
  periodKey: string;
  /** The stream and its name (absent in circulars drafted before streams). */
  stream?: string;
  streamName?: string;
  /** What the ranking's rate is of: paid ÷ 缴费人数 target, or paid ÷ 应参保人数 where there is no such target. */
  rateBasis?: 'paying' | 'headcount';
  /** Which figures it ranks by: the plan's roll-up rule (reported, children's sum, or the tax bureau's verified); absent before it was recorded. */
  figures?: RollupRule;
  /** The date of the verified data it ranks by (rule `verified`). */
  figuresAsOf?: string | null;
  dueAt: number;
  ranking: Array<{
    rank: number;
    code: string;
    name: string;
    paid: number;
    targetPaying: number | null;
    rate: number | null;
    previousRate: number | null;
    change: number | null;
    reported: 'on-time' | 'late' | 'missing';
  }>;
  late: Array<{ code: string; name: string }>;
  praised: Array<{ code: string; name: string; rate: number }>;
}

export interface TrackedPeriod extends PeriodRecord {
  revisions: number;
  /** The due instant has been handled (missed or not). */
  processed: boolean;
}

export interface ReportingState {
  ctx: UnitReportingContext;
  /** The due time of units started before streams (each period now carries its own). */
  dueTime: string;
  /** Every period of every stream the unit reports in, by due instant. */
  periods: TrackedPeriod[];
  /**
   * Pace checks of a unit judged without reporting itself (`escalation.pace.levels`): the due instants
   * of the pace-check streams at the level below it that reports. Absent for units that report.
   */
  checks?: Array<{ key: string; at: number; processed: boolean }>;
  /** Missed-report track per period key: rungs fired so far, and whether it stopped. */
  missed: Record<string, { fired: number; closed: boolean }>;
  pace: { episode: string | null; sinceDate: string | null; fired: number; waived: boolean; lastCheckAt: number | null };
  /** Phase deadlines already checked against the target (key@deadline). */
  deadlineChecks: string[];
  fired: Record<string, { track: EscalationTrack; episode: string; status: 'open' | 'acknowledged' | 'answered' | 'waived' | 'resolved' }>;
  version: number;
  /** Started with every stream and every judged metric (workflows/reporting.ts STREAMS_PATCH); absent before. */
  streams?: boolean;
}
