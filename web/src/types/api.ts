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
} from '../../../server/dto';

/** One failing field of a plan or request: `phases[1].deadline` and what is wrong with it. */
export interface PlanIssue {
  path: string;
  message: string;
}

/** Request bodies, mirroring the server's request schemas (actor defaults server-side). */
export interface ActionRequest {
  actor: string;
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
}
