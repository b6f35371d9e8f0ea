// docker-compose.yml must stay in step with server/config.ts: a variable the app does not know, a
// missing service, or a DATABASE_URL that points elsewhere than the compose PostgreSQL fails here
// rather than at `docker compose up` on someone's server.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigSchema, loadConfig } from '../../server/config';

const root = fileURLToPath(new URL('../..', import.meta.url));
const composeFile = `${root}docker-compose.yml`;
const composeText = readFileSync(composeFile, 'utf8');

type Environment = Record<string, string>;

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { published?: string | number; target?: number })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown };
  container_name?: string;
}

// Compose interpolates `${VAR:-default}` from the shell; with an empty shell every reference must still
// have a default, so `docker compose up` works without a .env file.
const unresolved: string[] = [];
function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (match, name?: string, fallback?: string) => {
    if (match === '$$') return '$';
    if (fallback === undefined) unresolved.push(name!);
    return fallback ?? '';
  });
}

function environmentOf(service: Service): Environment {
  const env: Environment = {};
  const raw = service.environment ?? {};
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((item) => {
        const eq = item.indexOf('=');
        return eq < 0 ? [item, undefined] : [item.slice(0, eq), item.slice(eq + 1)];
      })
    : Object.entries(raw);
  for (const [key, value] of entries) {
    if (value === undefined || value === null) continue; // passed through from the shell: nothing to check
    env[key] = interpolate(String(value));
  }
  return env;
}

function publishedPorts(service: Service): number[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'object') return Number(p.published);
    const parts = String(p).split(':');
    return Number(parts.length > 1 ? parts[parts.length - 2] : parts[0]);
  });
}

function dependencies(service: Service): Record<string, string | undefined> {
  const deps = service.depends_on ?? [];
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d?.condition]));
}

// `<<` merge keys are how api and worker share one definition; compose resolves them, so must we.
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const APP_SERVICES = { api: 'api', worker: 'worker' } as const;

describe('docker-compose.yml', () => {
  it('has the production-like stack', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'api', 'worker']));
    expect(services.postgresql.image).toMatch(/^postgres:16/);
    expect(services.temporal.image).toMatch(/^temporalio\/auto-setup:/);
    expect(services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
  });

  it('runs api and worker from one image', () => {
    expect(services.api.build).toBeDefined();
    expect(services.worker.build).toEqual(services.api.build);
    expect(services.worker.image).toEqual(services.api.image);
  });

  it.each(Object.keys(APP_SERVICES))('gives %s only variables that server/config.ts knows', (name) => {
    const known = Object.keys(ConfigSchema.shape);
    const given = Object.keys(environmentOf(services[name]));
    expect(given.length).toBeGreaterThan(0);
    expect(given.filter((key) => !known.includes(key))).toEqual([]);
  });

  it.each(Object.entries(APP_SERVICES))('gives %s a configuration that loads with ROLE=%s', (name, role) => {
    const config = loadConfig(environmentOf(services[name]));
    expect(config.ROLE).toBe(role);
    expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it.each(Object.keys(APP_SERVICES))('points %s at the compose PostgreSQL', (name) => {
    const config = loadConfig(environmentOf(services[name]));
    expect(config.DATABASE_URL).toBeDefined();
    const url = new URL(config.DATABASE_URL!);
    const pg = environmentOf(services.postgresql);
    expect(url.hostname).toBe('postgresql');
    expect(url.port || '5432').toBe('5432');
    expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
    expect(decodeURIComponent(url.username)).toBe(pg.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(pg.POSTGRES_PASSWORD);
  });

  it('stores Temporal in the same PostgreSQL', () => {
    const temporal = environmentOf(services.temporal);
    const pg = environmentOf(services.postgresql);
    expect(temporal.DB).toBe('postgres12');
    expect(temporal.POSTGRES_SEEDS).toBe('postgresql');
    expect(temporal.POSTGRES_USER).toBe(pg.POSTGRES_USER);
    expect(temporal.POSTGRES_PWD).toBe(pg.POSTGRES_PASSWORD);
  });

  it('publishes the API on its PORT and links to the published Temporal UI', () => {
    const api = loadConfig(environmentOf(services.api));
    expect(api.HOST).toBe('0.0.0.0');
    expect(publishedPorts(services.api)).toContain(api.PORT);
    expect(api.TEMPORAL_UI_URL).toBeDefined();
    expect(publishedPorts(services['temporal-ui'])).toContain(Number(new URL(api.TEMPORAL_UI_URL!).port));
  });

  it('lets the worker scale out', () => {
    expect(services.worker.ports ?? []).toEqual([]);
    expect(services.worker.container_name).toBeUndefined();
  });

  it('starts the app only after healthy dependencies', () => {
    for (const name of Object.keys(APP_SERVICES)) {
      expect(dependencies(services[name])).toMatchObject({ postgresql: 'service_healthy', temporal: 'service_healthy' });
    }
    for (const name of ['postgresql', 'temporal', 'api']) expect(services[name].healthcheck?.test, name).toBeDefined();
  });

  it('needs no .env file', () => {
    unresolved.length = 0;
    for (const service of Object.values(services)) environmentOf(service);
    expect(unresolved).toEqual([]);
  });

  it('builds an image that runs the server from its sources', () => {
    const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim\b/m);
    expect(dockerfile).toContain('npm ci');
    expect(dockerfile).toContain('npm run build:web');
    expect(dockerfile).toMatch(/^CMD .*server\/main\.ts/m);
    const ignored = readFileSync(`${root}.dockerignore`, 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.tools', '.data', '.git']));
  });

  // Compose's own validation, where the docker CLI has the compose plugin (it needs no engine).
  const composeCli = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!composeCli)('passes `docker compose config`', () => {
    const result = spawnSync('docker', ['compose', '-f', composeFile, 'config', '--quiet'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  });
});
