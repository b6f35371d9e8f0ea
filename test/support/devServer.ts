// A real `temporal server start-dev` for tests that need what the time-skipping server lacks (the web UI,
// visibility queries, a server that survives a restart via dbFile). Always `await server.stop()`.
import { startDevServer as start, type DevServer, type DevServerOptions } from '../../scripts/tools';
import { toolchain } from './toolchain';

export type { DevServer };

export function startDevServer(options: Omit<DevServerOptions, 'temporalCli'> = {}): Promise<DevServer> {
  return start({ temporalCli: toolchain().temporalCli, ...options });
}
