// The launch benchmark's baseline: a workflow that does nothing, so that starting and completing it
// measures only what Temporal and the SDK cost per workflow on this machine. Bundled on its own and
// run by its own worker, apart from the campaign workflows.
export async function emptyWorkflow(): Promise<void> {}
