import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { UserPatchRequest, UserView } from '../../../types/api';
import { usersQueryKey } from './get-users';

/** Display name, role, region, disabled: only the fields that change. */
export const updateUser = ({ userId, data }: { userId: number; data: UserPatchRequest }): Promise<UserView> =>
  api.patch<UserView>(`/api/users/${userId}`, data);

export const useUpdateUser = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof updateUser> } = {}) => {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: updateUser,
    onSuccess: (...args) => {
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
      onSuccess?.(...args);
    },
  });
};
