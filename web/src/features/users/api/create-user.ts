import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { NewUserRequest, UserView } from '../../../types/api';
import { usersQueryKey } from './get-users';

export const createUser = (data: NewUserRequest): Promise<UserView> => api.post<UserView>('/api/users', data);

export const useCreateUser = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof createUser> } = {}) => {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: createUser,
    onSuccess: (...args) => {
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
      onSuccess?.(...args);
    },
  });
};
