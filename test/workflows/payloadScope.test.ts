// Payload scopes with the real SDK, on the time-skipping server: a Jiangmen campaign runs with the app's
// encrypting data converter in the client and the worker, and every payload the Temporal service stores
// for its workflows (starts, activity inputs and results, child starts, signals between workflows, the
// update an official sends, results) is encrypted and names, in its authenticated `payload-scope`, the
// workflow it belongs to: the SerializationContext the SDK passes to the codec reaches every one of them.
// The codec endpoint then shows a county supervisor all the payloads of their county's workflows and none
// of the city's or another county's (finding: a county supervisor decoded every payload of the city).
// Histories encrypted before scopes existed (test/histories/encrypted, written by the codec of commit
// dc8eb50) still replay with today's codec.
import type { Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import type { DataConverter, Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import { units } from '../../db/schema';
import { regionContains } from '../../domain/access';
import { shiftPlanToStart, type PlanInput } from '../../domain/plan';
import { startTestApp } from '../support/app';
import { createCampaignService, type CampaignService } from '../../server/campaigns/service';
import { loadConfig } from '../../server/config';
import { loadExample } from '../../server/campaigns/examples';
import { installRuntime, payloadDataConverter } from '../../server/runtime';
import { isEncrypted, payloadScope } from '../../server/security/payloadCodec';
import { createWorker } from '../../server/worker';
import { workflowIds } from '../../contracts/campaign';
import { createAccount, signIn, testAuthService, TEST_PAYLOAD_KEYS } from '../support/auth';
import { toolchain } from '../support/toolchain';
import { workflowBundle } from '../support/temporal';

const CAMPAIGN = 'scope-2031';
type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let dataConverter: DataConverter;
let env: TestWorkflowEnvironment;
let database: Database;
let campaigns: CampaignService;
/** Every workflow of the campaign with its history, read without the codec (what the service stores). */
const histories = new Map<string, History>();

beforeAll(async () => {
  installRuntime('warn');
  const bundle = await workflowBundle();
  dataConverter = (await payloadDataConverter(loadConfig({ PAYLOAD_KEYS: TEST_PAYLOAD_KEYS })))!;
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: toolchain().testServer } }, client: { dataConverter } });
  database = await openDatabase({});
  const taskQueue = 'payload-scope';
  const worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, db: database.db, workflowBundle: bundle, options: { dataConverter } });
  campaigns = createCampaignService({ db: database.db, client: env.client, taskQueue, namespace: 'default', temporalUiUrl: undefined });
  // The phase machinery (campaign, counties, towns) for a whole year, with an official's Update on the way.
  const { reporting: _r, escalation: _e, ...plan } = shiftPlanToStart(loadExample('jiangmen-2023') as unknown as PlanInput, '2031-09-28', { id: CAMPAIGN }) as unknown as Record<string, unknown>;
  const unitWorkflows = async () => (await database.db.select({ w: units.workflowId }).from(units).where(eq(units.campaignId, CAMPAIGN))).map((r) => r.w).filter((w): w is string => !!w);
  await worker.runUntil(async () => {
    await campaigns.launch(plan, '测试官员');
    for (let i = 0; i < 300 && (await unitWorkflows()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await campaigns.advance(CAMPAIGN, { actor: '测试官员', reason: '部署提前完成' });
    await env.client.workflow.getHandle(workflowIds.campaign(CAMPAIGN)).result();
    for (const w of await unitWorkflows()) await env.client.workflow.getHandle(w).result();
  });
  for (const w of [workflowIds.campaign(CAMPAIGN), ...(await unitWorkflows())]) {
    // fetchHistory goes to the service directly: payloads as stored, never through the codec.
    histories.set(w, await env.client.workflow.getHandle(w).fetchHistory());
  }
}, 300_000);
afterAll(async () => {
  await database?.close();
  await env?.teardown();
});

/** Every Payload inside a history event (any object with `data` and `metadata`), deep. */
function payloadsIn(value: unknown, out: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return out;
  if (Array.isArray(value)) {
    for (const v of value) payloadsIn(v, out);
    return out;
  }
  const o = value as Record<string, unknown>;
  if ('metadata' in o && 'data' in o && o.data instanceof Uint8Array) out.push(o as Payload);
  else for (const v of Object.values(o)) payloadsIn(v, out);
  return out;
}

/** The workflow an event's payloads belong to: the target of a child start or a signal, else the history's own workflow. */
function ownerOf(event: HistoryEvent, workflowId: string): string {
  return (
    event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ??
    event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId ??
    event.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId ??
    event.childWorkflowExecutionFailedEventAttributes?.workflowExecution?.workflowId ??
    event.signalExternalWorkflowExecutionInitiatedEventAttributes?.workflowExecution?.workflowId ??
    workflowId
  );
}

/** The event's attribute field (`activityTaskScheduledEventAttributes` -> `activityTaskScheduled`). */
const kindOf = (event: HistoryEvent) => Object.keys(event).find((k) => k.endsWith('EventAttributes') && (event as Record<string, unknown>)[k] != null)?.replace(/EventAttributes$/, '') ?? '?';

describe('payload scopes written by the SDK', () => {
  it('every payload of every workflow is encrypted and names the workflow it belongs to', () => {
    const kinds = new Map<string, number>();
    const wrong: string[] = [];
    let plain = 0;
    for (const [workflowId, history] of histories) {
      for (const event of history.events ?? []) {
        for (const p of payloadsIn(event)) {
          if (!isEncrypted(p)) {
            // Stored unencoded by design: search attributes (the service indexes them; they hold no
            // personal data) and what the SDK's core writes itself (patch markers).
            if (!event.markerRecordedEventAttributes && !event.upsertWorkflowSearchAttributesEventAttributes) wrong.push(`${workflowId} #${event.eventId}: unencrypted ${kindOf(event)}`);
            plain++;
            continue;
          }
          const scope = payloadScope(p);
          if (scope !== ownerOf(event, workflowId)) wrong.push(`${workflowId} #${event.eventId} ${kindOf(event)}: scope ${scope}`);
          kinds.set(kindOf(event), (kinds.get(kindOf(event)) ?? 0) + 1);
        }
      }
    }
    expect(wrong).toEqual([]);
    // A campaign, its 7 counties and their towns.
    expect(histories.size).toBeGreaterThan(50);
    // What the SDK encodes with a context: starts (client and child), activity inputs and results,
    // signals between workflows, the official's Update and its answer, and the workflows' results.
    expect([...kinds.keys()].sort()).toEqual(
      expect.arrayContaining([
        'workflowExecutionStarted',
        'activityTaskScheduled',
        'activityTaskCompleted',
        'startChildWorkflowExecutionInitiated',
        'signalExternalWorkflowExecutionInitiated',
        'workflowExecutionSignaled',
        'workflowExecutionUpdateAccepted',
        'workflowExecutionUpdateCompleted',
        'workflowExecutionCompleted',
      ]),
    );
    expect(plain).toBeLessThan([...kinds.values()].reduce((a, b) => a + b, 0) / 10);
  });

  it("the codec endpoint shows a county supervisor every payload of their county's workflows and nothing of the city's or other counties'", async () => {
    const codec = dataConverter.payloadCodecs![0];
    const t = await startTestApp({ database, client: env.client, taskQueue: 'payload-scope', campaigns, codec, temporalUiUrl: null });
    const server: Server = t.server;
    try {
      const origin = t.origin;
      const all = [...histories].flatMap(([workflowId, h]) => (h.events ?? []).flatMap((e) => payloadsIn(e).filter(isEncrypted).map((p) => ({ payload: p, owner: ownerOf(e, workflowId) }))));
      const wire = (p: Payload) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
        data: Buffer.from(p.data ?? []).toString('base64'),
      });
      const decodedBy = async (role: 'supervisor' | 'official', region: string) => {
        const user = await signIn(origin, await createAccount(testAuthService(database.db), role, region));
        const decoded: string[] = [];
        for (let i = 0; i < all.length; i += 1000) {
          const chunk = all.slice(i, i + 1000);
          const res = await user.post('/api/codec/decode', { payloads: chunk.map((c) => wire(c.payload)) });
          expect(res.status).toBe(200);
          const out = (await res.json()).payloads as { metadata: Record<string, string> }[];
          out.forEach((p, j) => {
            if (Buffer.from(p.metadata.encoding, 'base64').toString() !== 'binary/encrypted') decoded.push(chunk[j].owner);
          });
        }
        return decoded;
      };
      const county = '440703';
      const inCounty = (owner: string) => owner.startsWith(`campaign/${CAMPAIGN}/unit/`) && regionContains(county, owner.split('/').pop()!);
      const supervisor = await decodedBy('supervisor', county);
      expect(supervisor.length).toBe(all.filter((p) => inCounty(p.owner)).length);
      expect(supervisor.every(inCounty)).toBe(true);
      expect(new Set(supervisor).size).toBeGreaterThan(1); // the county and its towns
      expect((await decodedBy('official', '440700')).length).toBe(all.length);
    } finally {
      server.close();
    }
  });
});

describe('histories encrypted before payload scopes', () => {
  const DIR = 'test/histories/encrypted';
  const files = readdirSync(DIR).filter((f) => f.endsWith('.binpb'));

  it.each(files)('%s replays with today’s codec (and not without it)', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(`${DIR}/${file}`));
    const payloads = (history.events ?? []).flatMap((e) => payloadsIn(e));
    expect(payloads.filter(isEncrypted).length).toBeGreaterThan(10);
    expect(payloads.some((p) => payloadScope(p) !== null)).toBe(false);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter }, history, file);
    // The control: the same history without the codec cannot even read its input.
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file)).rejects.toThrow();
  });
});
