// Vitest global setup: obtains the toolchain once per run (the first run on a machine builds or installs
// it, later runs only check it) and hands the paths to every test file through `inject('toolchain')`;
// and builds the console the browser tests load.
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadLauncherConfig } from '../server/config';
import { ensureToolchain, projectRoot, type Toolchain } from '../scripts/tools';
import { pruneTestDatabases } from './support/postgres';
import { buildWeb } from './support/webBuild';

export type { Toolchain };

declare module 'vitest' {
  export interface ProvidedContext {
    toolchain: Toolchain;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const toolsDir = path.resolve(projectRoot, loadLauncherConfig(process.env).TOOLS_DIR);
  const toolchain = await ensureToolchain(toolsDir);
  // Databases left by runs that crashed before dropping theirs; recent ones may belong to a parallel run.
  await pruneTestDatabases(toolchain.postgresAdminUrl);
  project.provide('toolchain', toolchain);
  // The console the browser tests load, built once: see test/support/webBuild.ts.
  await buildWeb();
}
