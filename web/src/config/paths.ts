// Every route of the console in one place: the router reads `path`, links call `getHref`.
export const paths = {
  /** 登录: outside the main layout; `next` is where to return (an address inside the console). */
  login: {
    path: '/login',
    getHref: (next?: string) => (next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login'),
  },
  /** 用户管理 (admins). */
  users: { path: '/users', getHref: () => '/users' },
  /** 审计日志 (auditors). */
  audit: { path: '/audit', getHref: () => '/audit' },
  /** 待办: every user's home. */
  todo: { path: '/', getHref: () => '/' },
  campaigns: { path: '/campaigns', getHref: () => '/campaigns' },
  launch: { path: '/launch', getHref: () => '/launch' },
  /** 近期截止: every campaign's deadlines in the next days. */
  deadlines: { path: '/deadlines', getHref: () => '/deadlines' },
  /** 节假日安排: the working-day calendar, its change log and the editor. */
  calendar: { path: '/calendar', getHref: () => '/calendar' },
  /** 通知: messages sent to a unit (by region code). */
  inbox: {
    path: '/inbox',
    getHref: (recipient?: string) => (recipient ? `/inbox?recipient=${encodeURIComponent(recipient)}` : '/inbox'),
  },
  campaign: {
    path: '/campaigns/:campaignId',
    getHref: (campaignId: string) => `/campaigns/${encodeURIComponent(campaignId)}`,
  },
  /** 督办台账: the campaign's escalations, filterable. */
  escalations: {
    path: '/campaigns/:campaignId/escalations',
    getHref: (campaignId: string, filters?: { region?: string }) =>
      `/campaigns/${encodeURIComponent(campaignId)}/escalations${filters?.region ? `?region=${encodeURIComponent(filters.region)}` : ''}`,
  },
  /** 通报: drafts and published circulars of the campaign. */
  circulars: {
    path: '/campaigns/:campaignId/circulars',
    getHref: (campaignId: string) => `/campaigns/${encodeURIComponent(campaignId)}/circulars`,
  },
  /** 困难群体: list imports, screening runs, results and exports. `unit` opens the summary at that unit. */
  hardship: {
    path: '/campaigns/:campaignId/hardship',
    getHref: (campaignId: string, filters?: { unit?: string }) =>
      `/campaigns/${encodeURIComponent(campaignId)}/hardship${filters?.unit ? `?unit=${encodeURIComponent(filters.unit)}` : ''}`,
  },
  /** 未缴/已缴人员清册 of a village, with the clerk's visit outcomes. */
  register: {
    path: '/campaigns/:campaignId/units/:unitCode/register',
    getHref: (campaignId: string, unitCode: string) => `/campaigns/${encodeURIComponent(campaignId)}/units/${encodeURIComponent(unitCode)}/register`,
  },
  /** 缴费情况公示 of a village (or every village under a town/street). */
  notices: {
    path: '/campaigns/:campaignId/units/:unitCode/notices',
    getHref: (campaignId: string, unitCode: string) => `/campaigns/${encodeURIComponent(campaignId)}/units/${encodeURIComponent(unitCode)}/notices`,
  },
  unit: {
    path: '/campaigns/:campaignId/units/:unitCode',
    getHref: (campaignId: string, unitCode: string) =>
      `/campaigns/${encodeURIComponent(campaignId)}/units/${encodeURIComponent(unitCode)}`,
  },
} as const;

/** What a launch tells the campaign page, through router state, so it can say "already existed". */
export interface LaunchedState {
  launched: 'created' | 'existing';
}

export function isLaunchedState(value: unknown): value is LaunchedState {
  return (
    typeof value === 'object' &&
    value !== null &&
    'launched' in value &&
    (value.launched === 'created' || value.launched === 'existing')
  );
}
