import { api } from '../../../lib/api-client';
import type { AdvanceRequest, CampaignDetail } from '../../../types/api';
import { useCampaignAction, type ActionMutationConfig } from './campaign-actions';

export type AdvanceCampaignInput = { campaignId: string; data: AdvanceRequest };

export const advanceCampaign = ({ campaignId, data }: AdvanceCampaignInput, idempotencyKey?: string): Promise<CampaignDetail> =>
  api.post<CampaignDetail>(`/api/campaigns/${encodeURIComponent(campaignId)}/advance`, data, idempotencyKey);

export const useAdvanceCampaign = ({ mutationConfig }: { mutationConfig?: ActionMutationConfig<AdvanceCampaignInput> } = {}) =>
  useCampaignAction(advanceCampaign, mutationConfig);
