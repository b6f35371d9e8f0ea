import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { TotpEnrolmentView } from '../../../types/api';

/** A fresh TOTP secret for this account, pending until a code from the app confirms it. */
export const enrolMfa = (_: void): Promise<TotpEnrolmentView> => api.post<TotpEnrolmentView>('/api/auth/mfa/enrol', {});

export const useEnrolMfa = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof enrolMfa> } = {}) =>
  useMutation({ ...mutationConfig, mutationFn: enrolMfa });
