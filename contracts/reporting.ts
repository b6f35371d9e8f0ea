// What a unit's reporting carries between its workflow, its activities, the API and the console:
// report figures, the schedule as the unit keeps it, the writes its activities make, and the state it
// carries across continue-as-new (plain JSON).
import type { WorkingCalendar } from '../domain/calendar';
import type { EscalationTrack, PhaseWindow, Text } from '../domain/escalation';
import type { Escalation, Reporting } from '../domain/plan';
import type { ScheduledPeriod } from '../domain/schedule';

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
}

/** A scheduled period as the unit keeps it: what happened, and why its due date last moved. */
export interface PeriodRecord extends ScheduledPeriod {
  status: 'open' | 'reported' | 'late' | 'missed';
  changeNote: Text | null;
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
  track: EscalationTrack;
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
}

export interface CircularContent {
  level: string;
  periodKey: string;
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
  dueTime: string;
  periods: TrackedPeriod[];
  /** Missed-report track per period key: rungs fired so far, and whether it stopped. */
  missed: Record<string, { fired: number; closed: boolean }>;
  pace: { episode: string | null; sinceDate: string | null; fired: number; waived: boolean; lastCheckAt: number | null };
  /** Phase deadlines already checked against the target (key@deadline). */
  deadlineChecks: string[];
  fired: Record<string, { track: EscalationTrack; episode: string; status: 'open' | 'acknowledged' | 'answered' | 'waived' | 'resolved' }>;
  version: number;
}
