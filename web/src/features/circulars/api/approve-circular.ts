import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { useActionMutation } from '../../../lib/idempotency';
import type { MutationConfig } from '../../../lib/react-query';
import type { ApproveCircularRequest, ApproveCircularResult } from '../../../types/api';

export type ApproveCircularInput = { campaignId: string; data: ApproveCircularRequest };

/** 审核发布: the campaign workflow publishes the draft and records the approval in the action log. */
export const approveCircular = ({ campaignId, data }: ApproveCircularInput, idempotencyKey?: string): Promise<ApproveCircularResult> =>
  api.post<ApproveCircularResult>(`/api/campaigns/${encodeURIComponent(campaignId)}/circulars/approve`, data, idempotencyKey);

export const useApproveCircular = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof approveCircular> } = {}) => {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useActionMutation(approveCircular, {
    ...rest,
    onSuccess: (result, input, ...more) => {
      void queryClient.invalidateQueries({ queryKey: ['circulars', input.campaignId] });
      void queryClient.invalidateQueries({ queryKey: ['campaigns', input.campaignId] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
      return onSuccess?.(result, input, ...more);
    },
  });
};
