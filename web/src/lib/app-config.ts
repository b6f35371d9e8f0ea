// The server's view of where things are (Temporal UI, namespace) and who acts by default.
// App-wide like bulletproof's lib/auth: every feature may link to Temporal.
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { AppConfig } from '../types/api';
import { api } from './api-client';

export const getAppConfig = (): Promise<AppConfig> => api.get<AppConfig>('/api/config');

export const getAppConfigQueryOptions = () =>
  queryOptions({ queryKey: ['app-config'], queryFn: getAppConfig, staleTime: Infinity });

export const useAppConfig = () => useQuery(getAppConfigQueryOptions());

export function temporalWorkflowHref(config: AppConfig | undefined, workflowId: string | null | undefined): string | null {
  if (!config?.temporalUiUrl || !workflowId) return null;
  const base = config.temporalUiUrl.replace(/\/$/, '');
  return `${base}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** A function from workflow ID to its Temporal UI page, or null while the config is unknown or links are off. */
export function useTemporalHref(): (workflowId: string | null | undefined) => string | null {
  const { data } = useAppConfig();
  return (workflowId) => temporalWorkflowHref(data, workflowId);
}
