// Hardship screening over HTTP: uploads and imports (./uploads.ts), screening runs and their results
// (./runs.ts), refusals (./refusals.ts) and the exports (./exports.ts). Handlers do HTTP things only:
// parse, authorise, call the services (services/hardship/) or start the workflows, shape the answer.
// Personal data: ID numbers leave masked (440703********123X); nothing personal is read from a URL
// (searches and refusals are POST bodies naming a result by its opaque id).
import { exportRoutes } from './exports';
import { refusalRoutes } from './refusals';
import { runRoutes } from './runs';
import { uploadRoutes } from './uploads';

export const hardshipRoutes = [...uploadRoutes, ...runRoutes, ...refusalRoutes, ...exportRoutes];
