import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';

/** The signed-in user's own password; the server ends the account's other sessions. */
export const changePassword = (data: { currentPassword: string; newPassword: string }): Promise<void> =>
  api.post<void>('/api/auth/password', data);

export const useChangePassword = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof changePassword> } = {}) =>
  useMutation({ ...mutationConfig, mutationFn: changePassword });
