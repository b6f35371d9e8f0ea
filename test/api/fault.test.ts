// Fault tolerance against the real stack: a Temporal dev server, a fresh PostgreSQL database and the
// worker as a separate `server/main.ts` process (ROLE=worker), as it runs in production. The worker
// is SIGKILLed in the middle of a running campaign, a phase deadline passes while no worker runs,
// and a new worker process takes over: the campaign must carry on to the end, with every transition
// made exactly once in the read model.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import { actions, campaigns, phases, units } from '../../db/schema';
import { flattenBreakdown, validatePlan, type Plan } from '../../domain/plan';
import { WORKFLOW_LEVELS } from '../../domain/status';
import { makeProvincePlan } from '../../domain/synthetic';
import { localDateOf, zonedParts } from '../../domain/time';
import { createCampaignService, type CampaignService } from '../../server/campaigns/service';
import { workflowIds, type CampaignResult } from '../../contracts/campaign';
import type { campaignWorkflow } from '../../workflows/campaign';
import { startDevServer, type DevServer } from '../support/devServer';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TIME_ZONE = 'Asia/Shanghai';

/**
 * Phase 1 leaves the first worker ample time to start every unit and settle before it is killed (it
 * takes a second or two; a busy two-core machine is slower); the later phases are short, and may be
 * over by the time the second worker has bundled its workflows: catching up on passed deadlines is
 * part of what is tested.
 */
const PHASE_SECONDS = [15, 8, 8] as const;
/** How long the worker stays dead after phase 1's deadline, so that its timer fires with no worker. */
const DEAD_AFTER_DEADLINE_MS = 2_000;
/** Bundling the workflows with webpack is most of a worker's start. */
const WORKER_START_TIMEOUT_MS = 120_000;

let server: DevServer | undefined;
let testDb: TestDatabase | undefined;
let database: Database | undefined;
let connection: Connection | undefined;
let client: Client;
let service: CampaignService;
const taskQueue = `fault-${randomUUID()}`;

/** Every worker process started here, so that afterAll kills whichever are still alive. */
const workers: WorkerProcess[] = [];
/** Both workers' output, interleaved and labelled, printed when the test fails. */
let workerOutput = '';

interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<void>;
}

/** Starts `node --import tsx server/main.ts` as a worker only, and resolves once it polls the task queue. */
async function startWorkerProcess(label: string): Promise<WorkerProcess> {
  if (!server || !testDb) throw new Error('dev server or database not started');
  // An explicit environment: nothing from the test process (NODE_ENV=test, vitest's variables, a
  // developer's DATABASE_URL) leaks into the worker's configuration.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    ROLE: 'worker',
    // This test's own client reads the campaign's queries: no payload encryption on either side.
    PAYLOAD_ENCRYPTION: 'off',
    DATABASE_URL: testDb.url,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'warn',
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const worker: WorkerProcess = { child, pid: child.pid!, exited };
  workers.push(worker);

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} worker did not start within ${WORKER_START_TIMEOUT_MS} ms`)), WORKER_START_TIMEOUT_MS);
    const capture = (stream: 'out' | 'err') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      workerOutput += text.replace(/^(?=.)/gm, `[${label} ${child.pid} ${stream}] `);
      // main.ts announces the worker once it has been created (bundle built) and is running.
      if (text.includes('[worker] polling task queue')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', capture('out'));
    child.stderr!.on('data', capture('err'));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} worker exited before it was ready (${signal ?? `exit ${code}`})`));
    });
  });
  await ready;
  return worker;
}

async function kill(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await worker.exited;
}

/** `YYYY-MM-DDTHH:mm:ss` of an instant, local to the plan's time zone. */
function localSeconds(instantMs: number): string {
  const p = zonedParts(instantMs, TIME_ZONE);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/**
 * A small province (3 counties x 4 towns) whose phases follow one another from now, seconds long.
 * Phase 1 starts at the current whole second, so the campaign enters it at launch.
 */
function secondsLongPlan(id: string, now: number): { plan: Plan; boundaries: number[] } {
  const base = makeProvincePlan({ counties: 3, townsPerCounty: 4, startDate: localDateOf(now, TIME_ZONE), id });
  const boundaries = [Math.floor(now / 1000) * 1000];
  for (const s of PHASE_SECONDS) boundaries.push(boundaries[boundaries.length - 1] + s * 1000);
  const keys = ['deployment', 'mobilisation', 'payment'] as const;
  const phaseList = keys.map((key, i) => {
    const template = base.phases.find((p) => p.key === key)!;
    return { ...template, start: localSeconds(boundaries[i]), deadline: localSeconds(boundaries[i + 1]) };
  });
  // The reporting calendar counts in days and names the (dropped) verification phase: leave it out.
  const { reporting: _reporting, ...rest } = base;
  const plan: Plan = { ...rest, phases: phaseList };
  const checked = validatePlan(plan, now);
  if (!checked.ok) throw new Error(`test plan is invalid: ${JSON.stringify(checked.errors)}`);
  return { plan: checked.plan, boundaries };
}

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

beforeAll(async () => {
  [server, testDb] = await Promise.all([startDevServer({ headless: true }), createTestDatabase()]);
  // Opened (and migrated) here first; the worker's own migration then finds nothing to do.
  database = await openDatabase({ url: testDb.url });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
  service = createCampaignService({ db: database.db, client, taskQueue, namespace: 'default', temporalUiUrl: undefined });
});

afterAll(async () => {
  // Each step on its own, so that one failing does not leave the others' processes or database behind.
  const steps: Array<() => Promise<unknown>> = [
    ...workers.map((w) => () => kill(w)),
    async () => connection?.close(),
    async () => database?.close(),
    async () => testDb?.drop(),
    async () => server?.stop(),
  ];
  for (const step of steps) await step().catch((e: unknown) => console.error('[fault.test] cleanup:', e));
});

describe('a worker killed mid-campaign', () => {
  it('is replaced by a new worker process: the campaign carries on and the read model has no duplicates', async () => {
    onTestFailed(() => {
      console.error(`--- worker output (task queue ${taskQueue}) ---\n${workerOutput || '(none)'}\n--- end of worker output ---`);
    });
    const db = database!.db;
    const first = await startWorkerProcess('first');

    const id = `fault-${Date.now().toString(36)}`;
    const { plan, boundaries } = secondsLongPlan(id, Date.now());
    const unitCount = flattenBreakdown(plan).length;
    const unitIds = flattenBreakdown(plan)
      .filter((n) => WORKFLOW_LEVELS.includes(n.level))
      .map((n) => workflowIds.unit(id, n.code));
    const launched = await service.launch(plan as unknown as Record<string, unknown>, '省人社厅');
    expect(launched.created).toBe(true);
    const handle = client.workflow.getHandle<typeof campaignWorkflow>(workflowIds.campaign(id));

    // Phase 1 active and every county and town workflow running and recorded.
    await poll(
      'phase 1 active and every unit recorded',
      async () => {
        const [c] = await db.select().from(campaigns).where(eq(campaigns.id, id));
        const rows = await db.select({ status: units.status, workflowId: units.workflowId }).from(units).where(eq(units.campaignId, id));
        const live = rows.filter((r) => r.status === 'active' && r.workflowId !== null);
        return c?.status === 'running' && c.currentPhaseKey === 'deployment' && live.length === unitIds.length ? true : undefined;
      },
      boundaries[1] - Date.now(),
    );
    // Then wait until nothing is in flight: an activity cut off by the kill would only be retried
    // after its start-to-close timeout (minutes), which is not what this test is about. Workflow
    // tasks left on the dead worker's sticky queue are, and the server hands them on by itself.
    await poll(
      'the campaign and its units to settle',
      async () => {
        const described = await Promise.all([handle.workflowId, ...unitIds].map((w) => client.workflow.getHandle(w).describe()));
        const busy = described.filter((d) => d.raw.pendingWorkflowTask || (d.raw.pendingActivities?.length ?? 0) > 0);
        return busy.length === 0 ? true : undefined;
      },
      boundaries[1] - Date.now(),
    );

    const killedAt = Date.now();
    await kill(first);
    // The scenario needs phase 1's deadline to fall while no worker runs.
    expect(killedAt, 'the first worker should be killed before phase 1 ends').toBeLessThan(boundaries[1]);
    await new Promise((r) => setTimeout(r, boundaries[1] + DEAD_AFTER_DEADLINE_MS - Date.now()));

    const second = await startWorkerProcess('second');
    const restartedAt = Date.now();
    const result: CampaignResult = await handle.result();

    // The campaign completed, every phase at its deadline, in order.
    expect(result.status).toBe('completed');
    expect(result.phases.map((p) => [p.key, p.endReason])).toEqual([
      ['deployment', 'deadline'],
      ['mobilisation', 'deadline'],
      ['payment', 'deadline'],
    ]);
    const phaseRows = await db.select().from(phases).where(eq(phases.campaignId, id)).orderBy(asc(phases.seq));
    expect(phaseRows.map((p) => [p.key, p.status, p.endReason, p.endedAt?.getTime()])).toEqual([
      ['deployment', 'done', 'deadline', boundaries[1]],
      ['mobilisation', 'done', 'deadline', boundaries[2]],
      ['payment', 'done', 'deadline', boundaries[3]],
    ]);
    // Each later phase started at the instant the one before it ended.
    expect(phaseRows.slice(1).map((p) => p.startedAt?.getTime())).toEqual([boundaries[1], boundaries[2]]);
    const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, id));
    expect(campaign).toMatchObject({ status: 'completed', currentPhaseKey: null });

    // Phase 1's timer fired while no worker ran, and the second worker took the campaign over.
    const history = await handle.fetchHistory();
    const eventMs = (e: NonNullable<typeof history.events>[number]) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
    const firedWhileDead = (history.events ?? []).filter((e) => e.timerFiredEventAttributes && eventMs(e) >= killedAt && eventMs(e) < restartedAt);
    expect(firedWhileDead.length).toBeGreaterThan(0);
    const identities = new Set((history.events ?? []).map((e) => e.workflowTaskStartedEventAttributes?.identity).filter(Boolean));
    expect([...identities].some((i) => i!.startsWith(`${first.pid}@`))).toBe(true);
    expect([...identities].some((i) => i!.startsWith(`${second.pid}@`))).toBe(true);

    // Every unit workflow learnt of the end (they close just after the campaign).
    await Promise.all(unitIds.map((w) => client.workflow.getHandle(w).result()));
    const unitRows = await db.select().from(units).where(eq(units.campaignId, id));
    expect(unitRows).toHaveLength(unitCount);
    for (const u of unitRows) {
      expect(u.status, u.code).toBe('completed');
      expect(u.workflowId, u.code).toBe(workflowIds.unit(id, u.code));
    }

    // Exactly one action, the launch: the replayed launch did not record a second one.
    const log = await db.select().from(actions).where(eq(actions.campaignId, id));
    expect(log.map((a) => [a.kind, a.actor])).toEqual([['launch', '省人社厅']]);

    // No duplicate rows by their natural keys, counted by the database itself.
    const dupes = async (table: typeof units | typeof phases | typeof actions, key: ReturnType<typeof sql>) => {
      const [r] = await db
        .select({ all: sql<number>`count(*)::int`, distinct: sql<number>`count(distinct ${key})::int` })
        .from(table)
        .where(eq(table.campaignId, id));
      return r;
    };
    const unitCounts = await dupes(units, sql`(${units.campaignId}, ${units.code})`);
    expect(unitCounts).toEqual({ all: unitCount, distinct: unitCount });
    const phaseCounts = await dupes(phases, sql`(${phases.campaignId}, ${phases.key})`);
    expect(phaseCounts).toEqual({ all: 3, distinct: 3 });
    const actionCounts = await dupes(actions, sql`(${actions.campaignId}, ${actions.kind})`);
    expect(actionCounts).toEqual({ all: 1, distinct: 1 });
    const [campaignCounts] = await db
      .select({ all: sql<number>`count(*)::int`, distinct: sql<number>`count(distinct ${campaigns.id})::int` })
      .from(campaigns);
    expect(campaignCounts).toEqual({ all: 1, distinct: 1 });

    // And on the Temporal side: one execution per workflow ID, none started twice by the new worker.
    const executions = await poll(
      'visibility to list every execution',
      async () => {
        const ids: string[] = [];
        // The outbox dispatcher is a singleton every worker process starts (USE_EXISTING): not a campaign's.
        for await (const w of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) if (w.workflowId !== 'outbox-dispatcher') ids.push(w.workflowId);
        return ids.length >= unitIds.length + 1 ? ids : undefined;
      },
      30_000,
      500,
    );
    expect(executions.sort()).toEqual([handle.workflowId, ...unitIds].sort());
  }, 300_000);
});
