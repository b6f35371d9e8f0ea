import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { useState } from 'react';
import { MainLayout } from '../components/layout/main-layout';
import { paths } from '../config/paths';
import { CalendarRoute } from './routes/calendar';
import { CampaignRoute } from './routes/campaign';
import { CampaignLayout } from './routes/campaign-layout';
import { CampaignsRoute } from './routes/campaigns';
import { CircularsRoute } from './routes/circulars';
import { DeadlinesRoute } from './routes/deadlines';
import { EscalationsRoute } from './routes/escalations';
import { InboxRoute } from './routes/inbox';
import { LaunchRoute } from './routes/launch';
import { NotFoundRoute } from './routes/not-found';
import { RouteError } from './routes/route-error';
import { UnitRoute } from './routes/unit';

function createRouter() {
  return createBrowserRouter([
    {
      element: <MainLayout />,
      errorElement: <RouteError />,
      children: [
        { path: paths.campaigns.path, element: <CampaignsRoute /> },
        { path: paths.launch.path, element: <LaunchRoute /> },
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
        { path: '*', element: <NotFoundRoute /> },
      ],
    },
  ]);
}

export function AppRouter() {
  const [router] = useState(createRouter);
  return <RouterProvider router={router} />;
}
