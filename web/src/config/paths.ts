// Every route of the console in one place: the router reads `path`, links call `getHref`.
export const paths = {
  campaigns: { path: '/', getHref: () => '/' },
  launch: { path: '/launch', getHref: () => '/launch' },
  campaign: {
    path: '/campaigns/:campaignId',
    getHref: (campaignId: string) => `/campaigns/${encodeURIComponent(campaignId)}`,
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
