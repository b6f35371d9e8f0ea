// Shared plumbing of the three official actions: each returns the updated campaign, which replaces
// the cached detail at once so the page reflects the action without waiting for the next poll; each
// action sends one Idempotency-Key however often it is resent (lib/idempotency.ts).
import { useQueryClient, type UseMutationOptions } from '@tanstack/react-query';
import type { ApiError } from '../../../lib/api-client';
import { useActionMutation } from '../../../lib/idempotency';
import type { CampaignDetail } from '../../../types/api';
import { getCampaignQueryOptions } from './get-campaign';

export type ActionMutationConfig<TInput> = Omit<
  UseMutationOptions<CampaignDetail, ApiError, TInput>,
  'mutationFn'
>;

export function useCampaignAction<TInput extends { campaignId: string }>(
  mutationFn: (input: TInput, idempotencyKey: string) => Promise<CampaignDetail>,
  mutationConfig: ActionMutationConfig<TInput> = {},
) {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig;
  return useActionMutation<CampaignDetail, TInput>(mutationFn, {
    ...rest,
    onSuccess: (campaign, input, ...more) => {
      queryClient.setQueryData(getCampaignQueryOptions(input.campaignId).queryKey, campaign);
      void queryClient.invalidateQueries({ queryKey: ['campaigns'], exact: true });
      void queryClient.invalidateQueries({ queryKey: ['units', input.campaignId] });
      return onSuccess?.(campaign, input, ...more);
    },
  });
}
