import { api } from '../../../lib/api-client';
import type { ActionRequest, CampaignDetail } from '../../../types/api';
import { useCampaignAction, type ActionMutationConfig } from './campaign-actions';

export type CancelCampaignInput = { campaignId: string; data: ActionRequest };

export const cancelCampaign = ({ campaignId, data }: CancelCampaignInput, idempotencyKey?: string): Promise<CampaignDetail> =>
  api.post<CampaignDetail>(`/api/campaigns/${encodeURIComponent(campaignId)}/cancel`, data, idempotencyKey);

export const useCancelCampaign = ({ mutationConfig }: { mutationConfig?: ActionMutationConfig<CancelCampaignInput> } = {}) =>
  useCampaignAction(cancelCampaign, mutationConfig);
