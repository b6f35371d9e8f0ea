import { api } from '../../../lib/api-client';
import type { AmendDeadlineRequest, CampaignDetail } from '../../../types/api';
import { useCampaignAction, type ActionMutationConfig } from './campaign-actions';

export type AmendDeadlineInput = { campaignId: string; data: AmendDeadlineRequest };

export const amendDeadline = ({ campaignId, data }: AmendDeadlineInput): Promise<CampaignDetail> =>
  api.post<CampaignDetail>(`/api/campaigns/${encodeURIComponent(campaignId)}/deadline`, data);

export const useAmendDeadline = ({ mutationConfig }: { mutationConfig?: ActionMutationConfig<AmendDeadlineInput> } = {}) =>
  useCampaignAction(amendDeadline, mutationConfig);
