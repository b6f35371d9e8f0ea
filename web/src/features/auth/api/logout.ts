import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken } from '../../../lib/api-client';
import { forgetUserData, sessionQueryKey } from '../../../lib/auth';

/** Ends the session on the server; the cookie is cleared by the answer. */
export const logout = (_: void): Promise<void> => api.post<void>('/api/auth/logout', {});

/**
 * Signs out and forgets everything the console fetched for this user, whatever the server answered
 * (a session that already ended is still signed out).
 */
export const useLogout = ({ onDone }: { onDone: () => void }) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      setCsrfToken(null);
      queryClient.setQueryData(sessionQueryKey, null);
      forgetUserData(queryClient);
      onDone();
    },
  });
};
