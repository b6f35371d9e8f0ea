import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { QueryConfig } from '../../../lib/react-query';

/** A shipped example plan as a plain object (the plan schema lives in domain/, the server validates it). */
export type PlanObject = Record<string, unknown>;

export const getExamplePlan = ({ name, signal }: { name: string; signal?: AbortSignal }): Promise<PlanObject> =>
  api.get<PlanObject>(`/api/plans/examples/${encodeURIComponent(name)}`, { signal });

export const getExamplePlanQueryOptions = (name: string) =>
  queryOptions({
    queryKey: ['plan-examples', name],
    queryFn: ({ signal }) => getExamplePlan({ name, signal }),
    staleTime: Infinity,
  });

export const useExamplePlan = ({
  name,
  queryConfig,
}: {
  name: string;
  queryConfig?: QueryConfig<typeof getExamplePlanQueryOptions>;
}) => useQuery({ ...getExamplePlanQueryOptions(name), ...queryConfig });
