import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { useActionMutation } from '../../../lib/idempotency';
import type { MutationConfig } from '../../../lib/react-query';
import type { StartImportRequest, StartImportResult } from '../../../types/api';
import { hardshipKeys, hardshipPath } from './hardship-api';

export type StartImportInput = { campaignId: string; data: StartImportRequest };

/** 开始导入: 202 with the import's id; `created: false` when this upload was already being imported. */
export const startImport = ({ campaignId, data }: StartImportInput, idempotencyKey?: string): Promise<StartImportResult> =>
  api.post<StartImportResult>(hardshipPath(campaignId, '/imports'), data, idempotencyKey);

export const useStartImport = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof startImport> } = {}) => {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useActionMutation(startImport, {
    ...rest,
    onSuccess: (result, input, ...more) => {
      void queryClient.invalidateQueries({ queryKey: hardshipKeys.imports(input.campaignId) });
      void queryClient.invalidateQueries({ queryKey: hardshipKeys.overview(input.campaignId) });
      return onSuccess?.(result, input, ...more);
    },
  });
};
