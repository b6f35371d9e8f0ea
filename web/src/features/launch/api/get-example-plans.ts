import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { QueryConfig } from '../../../lib/react-query';
import type { ExamplePlan } from '../../../types/api';

export const getExamplePlans = ({ signal }: { signal?: AbortSignal } = {}): Promise<ExamplePlan[]> =>
  api.get<ExamplePlan[]>('/api/plans/examples', { signal });

export const getExamplePlansQueryOptions = () =>
  queryOptions({ queryKey: ['plan-examples'], queryFn: ({ signal }) => getExamplePlans({ signal }), staleTime: Infinity });

export const useExamplePlans = ({ queryConfig }: { queryConfig?: QueryConfig<typeof getExamplePlansQueryOptions> } = {}) =>
  useQuery({ ...getExamplePlansQueryOptions(), ...queryConfig });
