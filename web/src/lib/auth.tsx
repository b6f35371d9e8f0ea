// Who is signed in: the session as the server sees it (GET /api/auth/session), shared by the whole
// console like bulletproof's lib/auth. The session cookie is httpOnly, so the console never holds a
// credential; it keeps only the CSRF token each SessionDto carries (api-client) and the list of actions
// the server says this user may take, to offer only those (the server decides anyway).
import { queryOptions, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorMessage } from '../components/ui/error-message';
import { Loading } from '../components/ui/loading';
import { paths } from '../config/paths';
import { regionContains } from '../../../domain/access';
import type { Action, SessionView } from '../types/api';
import { api, ApiError, setCsrfToken } from './api-client';

export const sessionQueryKey = ['auth', 'session'] as const;

/** The live session, or null when there is none (401). */
export async function getSession(): Promise<SessionView | null> {
  try {
    const session = await api.get<SessionView>('/api/auth/session');
    setCsrfToken(session.csrfToken);
    return session;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

export const getSessionQueryOptions = () =>
  queryOptions({ queryKey: sessionQueryKey, queryFn: getSession, staleTime: 60_000, retry: false });

export const useSession = () => useQuery(getSessionQueryOptions());

/** Password and, where required, the second factor passed: the sign-in steps are done. */
export const signedIn = (s: SessionView | null | undefined): boolean => !!s && (!s.mfaRequired || s.mfaSatisfied);

/**
 * Signed in, and the password is the user's own: the session may use the console. A password an admin
 * set must be changed first (the login page asks; the server refuses everything else until then).
 */
export const sessionReady = (s: SessionView | null | undefined): s is SessionView => !!s && signedIn(s) && !s.passwordChangeRequired;

/** Whether the signed-in user may take `action` (domain/access.ts, as the server listed it). */
export function useCan(action: Action): boolean {
  const { data } = useSession();
  return sessionReady(data) && data.actions.includes(action);
}

/**
 * Whether the user may take `action` on an object of `regionCode`: the role allows it and the region is
 * theirs or below it. A county official sees the city's campaign but moves none of its phases.
 */
export function useCanIn(action: Action, regionCode: string): boolean {
  const { data } = useSession();
  return sessionReady(data) && data.actions.includes(action) && regionContains(data.user.regionCode, regionCode);
}

/**
 * Forgets everything fetched for the previous user except the session entry itself: removing that
 * would detach the components observing it, and they would never see the session set next.
 */
export function forgetUserData(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
}

/** Stores a SessionDto the server just returned (login, second factor), or forgets the session (null). */
export function useSetSession(): (session: SessionView | null) => void {
  const queryClient = useQueryClient();
  return useCallback(
    (session) => {
      setCsrfToken(session?.csrfToken ?? null);
      queryClient.setQueryData(sessionQueryKey, session);
    },
    [queryClient],
  );
}

/**
 * Where to go after signing in: an address inside the console only (`/campaigns/x?y`), never another
 * site (`//evil.example`, `https://…`) or the login page itself.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return paths.todo.getHref();
  if (next === paths.login.path || next.startsWith(`${paths.login.path}?`)) return paths.todo.getHref();
  return next;
}

/** The console's pages only for a signed-in user who has passed the second factor; others sign in first. */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <Loading />;
  if (session.isError) {
    return (
      <main className="app-main">
        <ErrorMessage error={session.error} testId="session-error" />
      </main>
    );
  }
  if (!sessionReady(session.data)) return <Navigate to={paths.login.getHref(`${location.pathname}${location.search}`)} replace />;
  return children;
}
