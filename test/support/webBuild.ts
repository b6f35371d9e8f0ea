// The console's production build (web/dist) for the browser tests, made once per run in the global
// setup (test/globalSetup.ts), before any test file starts. Built per browser test file, as it was, two
// files running at once raced: vite empties web/dist before writing it, so the other file's console
// could load a page whose scripts had just been deleted (a login form or a lazily loaded card that never
// appeared within 30 s, in full runs only).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot as root } from '../../scripts/tools';

/**
 * Builds web/dist in a child process: inside vitest NODE_ENV is `test`, which would bundle React's
 * development build; the console under test should be the one `npm start` serves.
 */
export async function buildWeb(): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    { cwd: root, env: { ...process.env, NODE_ENV: 'production' }, timeout: 300_000 },
  );
}
