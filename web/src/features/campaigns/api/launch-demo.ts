import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { LaunchResult } from '../../../types/api';

/** Launches the Jiangmen-like demo plan shifted to start today (idempotent per day on the server). */
export const launchDemo = (_: void): Promise<LaunchResult> => api.post<LaunchResult>('/api/demo', {});

export const useLaunchDemo = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof launchDemo> } = {}) => {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: launchDemo,
    onSuccess: (...args) => {
      void queryClient.invalidateQueries({ queryKey: ['campaigns'], exact: true });
      return onSuccess?.(...args);
    },
  });
};
