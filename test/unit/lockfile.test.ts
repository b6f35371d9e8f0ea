// `npm ci` refuses a lockfile that leaves out any optional dependency of a locked package, on every
// platform, not just this one. `npm install` quietly leaves out the ones the registry does not serve
// (it did for @swc/core's darwin and win32 builds), so a green local run hid a CI that failed in one
// second. This walks the lockfile the way npm resolves it and names every gap.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const lock = JSON.parse(readFileSync(`${root}package-lock.json`, 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockedPackage>;
};
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

/** The folder node would load `dep` from when required by the package at `from` ('' = the root). */
function resolveFrom(from: string, dep: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${dep}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

describe('package-lock.json', () => {
  it('is a version 3 lockfile', () => {
    expect(lock.lockfileVersion).toBe(3);
  });

  it('locks every optional dependency of every package, for every platform', () => {
    const missing: string[] = [];
    for (const [path, meta] of Object.entries(lock.packages)) {
      for (const [dep, range] of Object.entries(meta.optionalDependencies ?? {})) {
        if (!resolveFrom(path, dep)) missing.push(`${path || '(root)'} -> ${dep}@${range}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('locks every direct dependency of package.json', () => {
    const direct = { ...manifest.dependencies, ...manifest.devDependencies };
    const missing = Object.keys(direct).filter((name) => !resolveFrom('', name));
    expect(missing).toEqual([]);
  });
});
