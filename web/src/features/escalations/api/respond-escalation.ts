import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { useActionMutation } from '../../../lib/idempotency';
import type { MutationConfig } from '../../../lib/react-query';
import type { RespondEscalationRequest, RespondEscalationResult } from '../../../types/api';

export type RespondEscalationInput = { campaignId: string; data: RespondEscalationRequest };

/** 签收 / 回复 / 豁免: sent to the unit's workflow, which refuses (422) e.g. a waiver without a reason. */
export const respondEscalation = ({ campaignId, data }: RespondEscalationInput, idempotencyKey?: string): Promise<RespondEscalationResult> =>
  api.post<RespondEscalationResult>(`/api/campaigns/${encodeURIComponent(campaignId)}/escalations/respond`, data, idempotencyKey);

export const useRespondEscalation = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof respondEscalation> } = {}) => {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useActionMutation(respondEscalation, {
    ...rest,
    onSuccess: (result, input, ...more) => {
      void queryClient.invalidateQueries({ queryKey: ['escalations', input.campaignId] });
      void queryClient.invalidateQueries({ queryKey: ['units', input.campaignId] });
      void queryClient.invalidateQueries({ queryKey: ['deadlines'] });
      return onSuccess?.(result, input, ...more);
    },
  });
};
