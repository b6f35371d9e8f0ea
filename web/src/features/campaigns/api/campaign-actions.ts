// Shared plumbing of the three official actions: each returns the updated campaign, which replaces
// the cached detail at once so the page reflects the action without waiting for the next poll.
import { useMutation, useQueryClient, type UseMutationOptions } from '@tanstack/react-query';
import type { ApiError } from '../../../lib/api-client';
import type { CampaignDetail } from '../../../types/api';
import { getCampaignQueryOptions } from './get-campaign';

export type ActionMutationConfig<TInput> = Omit<
  UseMutationOptions<CampaignDetail, ApiError, TInput>,
  'mutationFn'
>;

export function useCampaignAction<TInput extends { campaignId: string }>(
  mutationFn: (input: TInput) => Promise<CampaignDetail>,
  mutationConfig: ActionMutationConfig<TInput> = {},
) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig;
  return useMutation<CampaignDetail, ApiError, TInput>({
    ...rest,
    mutationFn,
    onSuccess: (campaign, input, ...more) => {
      queryClient.setQueryData(getCampaignQueryOptions(input.campaignId).queryKey, campaign);
      void queryClient.invalidateQueries({ queryKey: ['campaigns'], exact: true });
      void queryClient.invalidateQueries({ queryKey: ['units', input.campaignId] });
      return onSuccess?.(campaign, input, ...more);
    },
  });
}
