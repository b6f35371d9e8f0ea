import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { LaunchResult } from '../../../types/api';

/**
 * Launches a plan. Idempotent on the plan id: 201 `created: true` for a new campaign, 200
 * `created: false` with the campaign already running under that id.
 */
export const launchCampaign = ({ plan }: { plan: string | Record<string, unknown> }): Promise<LaunchResult> =>
  api.post<LaunchResult>('/api/campaigns', { plan });

export const useLaunchCampaign = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof launchCampaign> } = {}) => {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: launchCampaign,
    onSuccess: (...args) => {
      void queryClient.invalidateQueries({ queryKey: ['campaigns'], exact: true });
      return onSuccess?.(...args);
    },
  });
};
