import { useQueryClient } from '@tanstack/react-query';
import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { useEffect, useState } from 'react';
import { MainLayout } from '../components/layout/main-layout';
import { paths } from '../config/paths';
import { UserMenu } from '../features/auth/components/user-menu';
import { onUnauthenticated, setCsrfToken } from '../lib/api-client';
import { RequireSession, sessionQueryKey } from '../lib/auth';
import { CalendarRoute } from './routes/calendar';
import { CampaignRoute } from './routes/campaign';
import { CampaignLayout } from './routes/campaign-layout';
import { CampaignsRoute } from './routes/campaigns';
import { CircularsRoute } from './routes/circulars';
import { DeadlinesRoute } from './routes/deadlines';
import { EscalationsRoute } from './routes/escalations';
import { InboxRoute } from './routes/inbox';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';
import { RouteError } from './routes/route-error';
import { TodoRoute } from './routes/todo';
import { UnitRoute } from './routes/unit';

function createRouter() {
  return createBrowserRouter([
    { path: paths.login.path, element: <LoginRoute />, errorElement: <RouteError /> },
    {
      element: (
        <RequireSession>
          <MainLayout account={<UserMenu />} />
        </RequireSession>
      ),
      errorElement: <RouteError />,
      children: [
        { path: paths.todo.path, element: <TodoRoute /> },
        { path: paths.campaigns.path, element: <CampaignsRoute /> },
        // The wizard carries the plan validator and the YAML parser: loaded when an official opens it, not on a clerk's phone.
        { path: paths.launch.path, lazy: async () => ({ Component: (await import('./routes/launch')).LaunchRoute }) },
        { path: paths.deadlines.path, element: <DeadlinesRoute /> },
        { path: paths.calendar.path, element: <CalendarRoute /> },
        { path: paths.inbox.path, element: <InboxRoute /> },
        {
          path: paths.campaign.path,
          element: <CampaignLayout />,
          children: [
            { index: true, element: <CampaignRoute /> },
            { path: paths.escalations.path, element: <EscalationsRoute /> },
            { path: paths.circulars.path, element: <CircularsRoute /> },
            // Loaded when first opened: the screening pages are large and used by few officials.
            { path: paths.hardship.path, lazy: async () => ({ Component: (await import('./routes/hardship')).HardshipRoute }) },
          ],
        },
        { path: paths.unit.path, element: <UnitRoute /> },
        { path: paths.register.path, lazy: async () => ({ Component: (await import('./routes/village-register')).VillageRegisterRoute }) },
        { path: paths.notices.path, lazy: async () => ({ Component: (await import('./routes/notices')).NoticesRoute }) },
        // Loaded when first opened: only admins and auditors use them.
        { path: paths.users.path, lazy: async () => ({ Component: (await import('./routes/users')).UsersRoute }) },
        { path: paths.audit.path, lazy: async () => ({ Component: (await import('./routes/audit')).AuditRoute }) },
        { path: '*', element: <NotFoundRoute /> },
      ],
    },
  ]);
}

export function AppRouter() {
  const [router] = useState(createRouter);
  const queryClient = useQueryClient();
  // A 401 from any API call: the session ended (or still owes its second factor). Sign in again and
  // come back to the same page.
  useEffect(
    () =>
      onUnauthenticated(() => {
        const { pathname, search } = router.state.location;
        if (pathname === paths.login.path) return;
        setCsrfToken(null);
        // Asked again on the login page: null (sign in) or a session that owes its second factor.
        queryClient.removeQueries({ queryKey: sessionQueryKey });
        void router.navigate(paths.login.getHref(`${pathname}${search}`), { replace: true });
      }),
    [router, queryClient],
  );
  return <RouterProvider router={router} />;
}
