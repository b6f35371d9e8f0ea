// The three account repairs an admin makes for someone who cannot sign in: a new password (handed over
// in person), lifting a lockout, and removing a lost phone's second factor (enrolled again at next login).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import { usersQueryKey } from './get-users';

export type UserAction = { kind: 'reset-password'; userId: number; password: string } | { kind: 'unlock' | 'reset-mfa'; userId: number };

export const runUserAction = (action: UserAction): Promise<void> =>
  action.kind === 'reset-password'
    ? api.post<void>(`/api/users/${action.userId}/password`, { password: action.password })
    : api.post<void>(`/api/users/${action.userId}/${action.kind}`, {});

export const useUserAction = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof runUserAction> } = {}) => {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: runUserAction,
    onSuccess: (...args) => {
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
      onSuccess?.(...args);
    },
  });
};
