// The toolchain obtained by test/globalSetup.ts (Temporal CLI, test server, PostgreSQL, Chromium, schemathesis).
import { inject } from 'vitest';
import type { Toolchain } from '../../scripts/tools';

export type { Toolchain };

export function toolchain(): Toolchain {
  const provided = inject('toolchain');
  if (!provided) throw new Error('no toolchain provided: run the tests through vitest with test/globalSetup.ts');
  return provided;
}
