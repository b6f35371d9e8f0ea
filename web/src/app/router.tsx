import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { useState } from 'react';
import { MainLayout } from '../components/layout/main-layout';
import { paths } from '../config/paths';
import { CampaignRoute } from './routes/campaign';
import { CampaignsRoute } from './routes/campaigns';
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
        { path: paths.campaign.path, element: <CampaignRoute /> },
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
