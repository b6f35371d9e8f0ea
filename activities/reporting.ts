// The reporting and escalation writes of the unit and campaign workflows, as activities: each a call
// into services/reporting.ts (idempotent: rows carry ids made in the workflow; a record and its
// notifications commit together), with what the service refuses made non-retryable.
import type { Db } from '../db/client';
import type { UnitSpec, UnitTransition } from '../contracts/campaign';
import type { EscalationWrite, ReportingContext, ReportWrite, ScheduleWrite, UnitProgress } from '../contracts/reporting';
import type { WorkingCalendar } from '../domain/calendar';
import { loadCalendar } from '../services/calendar';
import type { Channels } from '../services/outbox';
import * as reporting from '../services/reporting';
import { serviceCall } from './context';

type Arg<F extends (db: Db, input: never, ...rest: never[]) => unknown> = Parameters<F>[1];

export function createReportingActivities(db: Db, channels: Channels = { webhook: false, email: false }) {
  return {
    loadCalendar: (): Promise<WorkingCalendar> => serviceCall(() => loadCalendar(db)),
    loadReportingContext: (campaignId: string): Promise<Omit<ReportingContext, 'calendar'>> => serviceCall(() => reporting.loadReportingContext(db, campaignId)),
    /** A unit workflow's first step in one activity (a province starts 1,600 of them). */
    startUnit: (input: { transition: UnitTransition; schedule: ScheduleWrite }): Promise<UnitSpec[]> => serviceCall(() => reporting.startUnit(db, input)),
    recordSchedule: (w: ScheduleWrite): Promise<void> => serviceCall(() => reporting.recordSchedule(db, w)),
    recordReport: (w: ReportWrite): Promise<{ stored: boolean }> => serviceCall(() => reporting.recordReport(db, w)),
    unitProgress: (input: Arg<typeof reporting.unitProgress>): Promise<UnitProgress> => serviceCall(() => reporting.unitProgress(db, input)),
    recordEscalation: (w: EscalationWrite): Promise<{ stored: boolean }> => serviceCall(() => reporting.recordEscalation(db, w, channels)),
    closeEpisode: (input: Arg<typeof reporting.closeEpisode>): Promise<void> => serviceCall(() => reporting.closeEpisode(db, input)),
    recordPaceCheck: (input: Arg<typeof reporting.recordPaceCheck>): Promise<void> => serviceCall(() => reporting.recordPaceCheck(db, input)),
    recordEscalationResponse: (input: Arg<typeof reporting.recordEscalationResponse>): Promise<void> => serviceCall(() => reporting.recordEscalationResponse(db, input)),
    draftCircular: (input: Arg<typeof reporting.draftCircular>): Promise<{ id: string; stored: boolean }> => serviceCall(() => reporting.draftCircular(db, input)),
    publishCircular: (input: Arg<typeof reporting.publishCircular>): Promise<void> => serviceCall(() => reporting.publishCircular(db, input, channels)),
    /** The campaign's milestones as its workflow keeps them (version-guarded). */
    /** A milestone's reminder to the units carrying it out, once (outbox, kind reminder). */
    sendMilestoneReminder: (input: Arg<typeof reporting.sendMilestoneReminder>): Promise<{ enqueued: number }> => serviceCall(() => reporting.sendMilestoneReminder(db, input, channels)),
    /** An official confirmed a milestone done: its row, and its open rungs resolved. */
    confirmMilestone: (input: Arg<typeof reporting.confirmMilestone>): Promise<void> => serviceCall(() => reporting.confirmMilestone(db, input)),
  };
}

export type ReportingActivities = ReturnType<typeof createReportingActivities>;
