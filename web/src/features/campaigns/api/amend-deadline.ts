import { api } from '../../../lib/api-client';
import type { AmendDeadlineRequest, CampaignDetail } from '../../../types/api';
import { useCampaignAction, type ActionMutationConfig } from './campaign-actions';

export type AmendDeadlineInput = { campaignId: string; data: AmendDeadlineRequest };

export const amendDeadline = ({ campaignId, data }: AmendDeadlineInput, idempotencyKey?: string): Promise<CampaignDetail> =>
  api.post<CampaignDetail>(`/api/campaigns/${encodeURIComponent(campaignId)}/deadline`, data, idempotencyKey);

export const useAmendDeadline = ({ mutationConfig }: { mutationConfig?: ActionMutationConfig<AmendDeadlineInput> } = {}) =>
  useCampaignAction(amendDeadline, mutationConfig);
