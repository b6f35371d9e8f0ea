// Status unions, defined once and imported by workflows, the server and the console.

export const CAMPAIGN_STATUSES = ['scheduled', 'running', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const PHASE_STATUSES = ['pending', 'active', 'done'] as const;
export type PhaseStatus = (typeof PHASE_STATUSES)[number];

/** How a phase ended: at its deadline, early on an official's action, or cut short by cancellation. */
export const PHASE_END_REASONS = ['deadline', 'advanced', 'cancelled'] as const;
export type PhaseEndReason = (typeof PHASE_END_REASONS)[number];

export const UNIT_STATUSES = ['pending', 'active', 'completed', 'cancelled', 'failed'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

export const ACTION_KINDS = ['launch', 'advance', 'amend-deadline', 'cancel', 'approve-circular', 'calendar-change', 'confirm-milestone'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const REGION_LEVELS = ['province', 'city', 'county', 'town', 'village'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

/**
 * Levels that run as unit workflows in a plan without reporting (they follow the phases; villages are
 * rows). A plan with reporting streams runs exactly the units that report or are judged
 * (`workflowLayout`, domain/streams.ts).
 */
export const WORKFLOW_LEVELS: readonly RegionLevel[] = ['county', 'town'];

export const TERMINAL_CAMPAIGN_STATUSES: readonly CampaignStatus[] = ['completed', 'cancelled'];

/**
 * Levels that may be asked to report (or be judged), below the plan's own region: a province's cities,
 * a city's counties, a county's towns, a street's communities. Which of them do is plan data
 * (`reporting[].levels`); those that report run as workflows, the others stay rows.
 */
export const REPORTING_LEVELS = ['city', 'county', 'town', 'village'] as const satisfies readonly RegionLevel[];
export type ReportingLevel = (typeof REPORTING_LEVELS)[number];

/** 城镇 / 农村 residence, where a plan's subsidy differs by it (Changchun 2011). */
export const RESIDENCE_TYPES = ['urban', 'rural'] as const;
export type ResidenceType = (typeof RESIDENCE_TYPES)[number];
export const RESIDENCE_ZH: Readonly<Record<ResidenceType, string>> = { urban: '城镇居民', rural: '农村居民' };
