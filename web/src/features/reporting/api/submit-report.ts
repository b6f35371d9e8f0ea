import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { useActionMutation } from '../../../lib/idempotency';
import type { MutationConfig } from '../../../lib/react-query';
import type { ReportReceiptView, SubmitReportRequest } from '../../../types/api';

export type SubmitReportInput = { campaignId: string; unitCode: string; data: SubmitReportRequest };

/**
 * 报送: the unit workflow judges the report (an Update with a validator). 201 with the receipt; 422
 * with a Chinese sentence when it refuses (the period has not opened, the campaign is over); 400 with
 * each failing field.
 */
export const submitReport = ({ campaignId, unitCode, data }: SubmitReportInput, idempotencyKey?: string): Promise<ReportReceiptView> =>
  api.post<ReportReceiptView>(
    `/api/campaigns/${encodeURIComponent(campaignId)}/units/${encodeURIComponent(unitCode)}/reports`,
    data,
    idempotencyKey,
  );

export const useSubmitReport = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof submitReport> } = {}) => {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useActionMutation(submitReport, {
    ...rest,
    onSuccess: (receipt, input, ...more) => {
      // The report moves the unit's figures, its light, its schedule and may resolve escalations.
      void queryClient.invalidateQueries({ queryKey: ['units', input.campaignId] });
      void queryClient.invalidateQueries({ queryKey: ['campaigns', input.campaignId] });
      void queryClient.invalidateQueries({ queryKey: ['escalations', input.campaignId] });
      void queryClient.invalidateQueries({ queryKey: ['deadlines'] });
      return onSuccess?.(receipt, input, ...more);
    },
  });
};
