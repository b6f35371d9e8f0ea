// The single workflowsPath for the worker bundle.
export { campaignWorkflow } from './campaign';
export { unitWorkflow } from './unit';
export * from './taxFeed';
export * from './outbox';
export * from './hardship';
export * from './discrepancy';
