import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { StartScreeningRequest, StartScreeningResult } from '../../../types/api';
import { hardshipKeys, hardshipPath } from './hardship-api';

export type StartScreeningInput = { campaignId: string; data: StartScreeningRequest };

/** 开始筛查: the current lists against the current roster, for the whole campaign or one county. */
export const startScreening = ({ campaignId, data }: StartScreeningInput): Promise<StartScreeningResult> =>
  api.post<StartScreeningResult>(hardshipPath(campaignId, '/screenings'), data);

export const useStartScreening = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof startScreening> } = {}) => {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: startScreening,
    onSuccess: (result, input, ...more) => {
      void queryClient.invalidateQueries({ queryKey: hardshipKeys.overview(input.campaignId) });
      return onSuccess?.(result, input, ...more);
    },
  });
};
