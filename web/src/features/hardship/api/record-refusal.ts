import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { RecordRefusalRequest, RefusalView } from '../../../types/api';
import { hardshipKeys, hardshipPath } from './hardship-api';

export type RecordRefusalInput = { campaignId: string; data: RecordRefusalRequest };

/** 登记拒绝参保: the written statement travels as base64 inside the JSON (PDF, JPEG or PNG, at most 5 MB). */
export const recordRefusal = ({ campaignId, data }: RecordRefusalInput): Promise<RefusalView> =>
  api.post<RefusalView>(hardshipPath(campaignId, '/refusals'), data);

export const useRecordRefusal = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof recordRefusal> } = {}) => {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: recordRefusal,
    onSuccess: (result, input, ...more) => {
      // The row's outcome, the run's counts and every unit summary move.
      void queryClient.invalidateQueries({ queryKey: hardshipKeys.all(input.campaignId) });
      return onSuccess?.(result, input, ...more);
    },
  });
};
