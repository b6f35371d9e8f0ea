import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { SessionView } from '../../../types/api';

/** Password sign-in. The server sets the session cookie; the answer says whether a second factor is owed. */
export const login = (data: { username: string; password: string }): Promise<SessionView> => api.post<SessionView>('/api/auth/login', data);

export const useLogin = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof login> } = {}) =>
  useMutation({ ...mutationConfig, mutationFn: login });
