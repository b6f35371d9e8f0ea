import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { Preview } from '../../../types/api';

/** Validates a plan (object, or JSON/YAML text) without launching it; a 400 carries each failing path. */
export const previewPlan = ({ plan }: { plan: string | Record<string, unknown> }): Promise<Preview> =>
  api.post<Preview>('/api/plans/preview', { plan });

export const usePreviewPlan = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof previewPlan> } = {}) =>
  useMutation({ ...mutationConfig, mutationFn: previewPlan });
