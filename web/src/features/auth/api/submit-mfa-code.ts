import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { SessionView } from '../../../types/api';

/**
 * A 6-digit code from the authenticator app: `confirm` finishes enrolment, `verify` passes the factor
 * of an enrolled account. Either way the answer is the session, now allowed to use the console.
 */
export const submitMfaCode = ({ step, code }: { step: 'confirm' | 'verify'; code: string }): Promise<SessionView> =>
  api.post<SessionView>(`/api/auth/mfa/${step}`, { code });

export const useSubmitMfaCode = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof submitMfaCode> } = {}) =>
  useMutation({ ...mutationConfig, mutationFn: submitMfaCode });
