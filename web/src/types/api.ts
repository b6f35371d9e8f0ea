// The API's shapes, type-only from the server's zod schemas so the console never drifts from them.
export type {
  ActionView,
  AppConfig,
  CampaignDetail,
  CampaignSummary,
  ExamplePlan,
  Health,
  LaunchResult,
  PhaseView,
  Preview,
  Problem,
  Progress,
  Targets,
  UnitDetail,
  UnitView,
} from '../../../contracts/api/campaigns';

export type {
  CalendarView,
  CalendarYearView,
  CircularView,
  DeadlineItem,
  DeadlinesView,
  EscalationView,
  InboxMessageView,
  Light,
  PeriodView,
  PutCalendarResult,
  ReportingPreviewView,
  ReportReceiptView,
  ReportView,
  UnitReportingView,
} from '../../../contracts/api/reporting';

import type { z } from 'zod';
import type {
  ApproveCircularRequestSchema,
  CalendarView,
  CircularView,
  EscalationView,
  PeriodView,
  PutCalendarRequestSchema,
  RespondEscalationRequestSchema,
  SubmitReportRequestSchema,
} from '../../../contracts/api/reporting';

export type CalendarChangeView = CalendarView['changes'][number];
export type EscalationTrack = EscalationView['track'];
export type EscalationRung = EscalationView['rung'];
export type EscalationStatus = EscalationView['status'];
export type EscalationResponseKind = EscalationView['responses'][number]['kind'];
export type PeriodStatus = PeriodView['status'];
export type CircularRankingRow = CircularView['content']['ranking'][number];
/** A filter on the escalation board: a status, or `active` (open, acknowledged or answered). */
export type EscalationStatusFilter = EscalationStatus | 'active';

/** One failing field of a plan or request: `phases[1].deadline` and what is wrong with it. */
export interface PlanIssue {
  path: string;
  message: string;
}

/** Request bodies, mirroring the server's request schemas (the server records the signed-in user as actor). */
export interface ActionRequest {
  reason: string;
}

export interface AdvanceRequest extends ActionRequest {
  /** Guards against advancing twice when two officials click at once. */
  expectedPhaseKey?: string;
}

export interface AmendDeadlineRequest extends ActionRequest {
  phaseKey: string;
  /** `YYYY-MM-DD` (end of that day) or `YYYY-MM-DDTHH:mm`, local to the plan's time zone. */
  deadline: string;
  /** The official accepted the days with no phase the move leaves (domain/phaseMoves.ts). */
  acceptGap?: boolean;
}

/** Request bodies of the reporting routes, as the server's zod schemas accept them (defaults optional). */
export type SubmitReportRequest = z.input<typeof SubmitReportRequestSchema>;
export type RespondEscalationRequest = z.input<typeof RespondEscalationRequestSchema>;
export type ApproveCircularRequest = z.input<typeof ApproveCircularRequestSchema>;
export type PutCalendarRequest = z.input<typeof PutCalendarRequestSchema>;

export interface RespondEscalationResult {
  escalationId: string;
  status: EscalationStatus;
}

export interface ApproveCircularResult {
  circularId: string;
  status: 'published';
}

/** GET /api/campaigns/:id/escalations query (EscalationQuerySchema). */
export interface EscalationFilters {
  track?: EscalationTrack;
  rung?: EscalationRung;
  status?: EscalationStatusFilter;
  region?: string;
  limit?: number;
}

// 困难群体: uploads, imports, screening runs, results, refusals (server/hardshipDto.ts).
export type {
  HardshipOverview,
  ImportView,
  ListKind,
  ResultPage,
  ResultView,
  RunView,
  UnitSummaries,
  UploadView,
} from '../../../contracts/api/hardship';

import type {
  CurrentListDto,
  ImportErrorDto,
  ImportView,
  OutcomeCountsDto,
  RecordRefusalRequestSchema,
  RefusalDto,
  ResultSearchRequestSchema,
  ResultView,
  RunView,
  StartImportRequestSchema,
  StartImportResultDto,
  StartScreeningRequestSchema,
  StartScreeningResultDto,
  UnitSummaryDto,
} from '../../../contracts/api/hardship';

export type CurrentListView = z.infer<typeof CurrentListDto>;
export type ImportErrorView = z.infer<typeof ImportErrorDto>;
export type OutcomeCounts = z.infer<typeof OutcomeCountsDto>;
export type UnitSummaryView = z.infer<typeof UnitSummaryDto>;
export type StartImportResult = z.infer<typeof StartImportResultDto>;
export type StartScreeningResult = z.infer<typeof StartScreeningResultDto>;
export type RefusalView = z.infer<typeof RefusalDto>;
/** Request bodies of the hardship routes, as the server's zod schemas accept them (defaults optional). */
export type StartImportRequest = z.input<typeof StartImportRequestSchema>;
export type StartScreeningRequest = z.input<typeof StartScreeningRequestSchema>;
export type ResultSearchRequest = z.input<typeof ResultSearchRequestSchema>;
export type RecordRefusalRequest = z.input<typeof RecordRefusalRequestSchema>;
export type ImportStatus = ImportView['status'];
export type RunStatus = RunView['status'];
export type HardshipOutcome = ResultView['outcome'];
export type HardshipChange = NonNullable<ResultView['change']>;
export type HardshipCategoryKey = NonNullable<StartImportRequest['category']>;
export type RefusalStatementBy = RecordRefusalRequest['statementBy'];
export type IneligibleReason = NonNullable<ResultView['reason']>;

// Accounts, sessions and the audit log (server/authDto.ts).
export type { AuditPageView, AuditRowView, SessionView, TotpEnrolmentView, UserView } from '../../../contracts/api/auth';
export type { Action, Role } from '../../../domain/access';
import type { Role } from '../../../domain/access';

/** POST /api/users. */
export interface NewUserRequest {
  username: string;
  displayName: string;
  role: Role;
  regionCode: string;
  password: string;
}

/** PATCH /api/users/:userId: only what changes. */
export type UserPatchRequest = Partial<Pick<NewUserRequest, 'displayName' | 'role' | 'regionCode'>> & { disabled?: boolean };

/** GET /api/audit filters (dates as ISO instants). */
export interface AuditFilters {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  result?: 'success' | 'denied' | 'failure';
  /** A unit's region code: entries in its subtree only. */
  unit?: string;
}

export type { RegisterPage, VisitResult } from '../../../contracts/api/payments';
export type { AnswerDiscrepancyRequest, DiscrepancyItem, DiscrepancyList, MobilisationView } from '../../../contracts/api/discrepancies';
