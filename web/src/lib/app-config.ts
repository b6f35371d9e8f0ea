// The server's view of where things are (Temporal UI, namespace) and who acts by default.
// App-wide like bulletproof's lib/auth: every feature may link to Temporal, for the staff who operate
// the system. Temporal's UI is a developer's tool: officials, clerks and auditors never see the links.
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { AppConfig, Role } from '../types/api';
import { api } from './api-client';
import { sessionReady, useSession } from './auth';

/** Roles that operate the system and may open Temporal's UI (system administrators for now). */
const OPERATIONS_ROLES: ReadonlySet<Role> = new Set<Role>(['admin']);

export const getAppConfig = (): Promise<AppConfig> => api.get<AppConfig>('/api/config');

export const getAppConfigQueryOptions = () =>
  queryOptions({ queryKey: ['app-config'], queryFn: getAppConfig, staleTime: Infinity });

export const useAppConfig = () => useQuery(getAppConfigQueryOptions());

export function temporalWorkflowHref(config: AppConfig | undefined, workflowId: string | null | undefined): string | null {
  if (!config?.temporalUiUrl || !workflowId) return null;
  const base = config.temporalUiUrl.replace(/\/$/, '');
  return `${base}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** Whether this user sees links to Temporal's UI: operations staff, when the server has links on. */
export function useTemporalLinks(): boolean {
  const { data } = useAppConfig();
  const session = useSession();
  return !!data?.temporalUiUrl && sessionReady(session.data) && OPERATIONS_ROLES.has(session.data.user.role);
}

/** A function from workflow ID to its Temporal UI page, or null while the config is unknown, links are off or the user is not operations staff. */
export function useTemporalHref(): (workflowId: string | null | undefined) => string | null {
  const { data } = useAppConfig();
  const shown = useTemporalLinks();
  return (workflowId) => (shown ? temporalWorkflowHref(data, workflowId) : null);
}
