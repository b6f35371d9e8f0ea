// The codec endpoint Temporal's UI calls to show encrypted payloads (`--ui-codec-endpoint`, or the UI's
// TEMPORAL_CODEC_ENDPOINT): POST /api/codec/decode with `{payloads: [{metadata: {k: base64}, data: base64}]}`.
// It is an API route like any other: a signed-in session whose role may see personal data (officials
// and supervisors), every call audited by the guard with what it decoded and what it withheld. The UI
// runs on another origin and cannot send the CSRF header; decoding changes nothing, so this route alone
// is exempt. CORS admits only the UI's origin, with credentials (the UI's "include cross-origin
// credentials" setting).
//
// Data scope: a payload is decoded only for a user whose region contains the region of the workflow it
// belongs to, named by its authenticated `payload-scope` (server/security/payloadCodec.ts):
//   campaign/<id>/unit/<code>        the unit's code (a county's or a town's own workflow)
//   campaign/<id>                    the campaign's region (campaigns.region_code)
//   hardship-import/<importId>       the campaign's region (a list is the whole campaign's file)
//   hardship-screening/<runId>       the run's county when it screened one county, else the campaign's region
// A county supervisor therefore reads their county's and their towns' unit workflows and a screening of
// their county, never the city's campaign workflow (the plan and every county's figures) nor another
// county's. Payloads of no campaign, or of one that no longer exists — the outbox dispatcher, the
// tax-feed pickups, payloads encrypted before scopes existed — may concern any region: they are decoded
// only for a user of a city (or province: a code ending in 00) whose region contains every campaign's
// region, the same users who read the audit log's entries that have no region.
// A payload withheld is answered as it came, still encrypted, in its place: Temporal's UI shows such a
// payload as undecoded data and goes on with the rest (a failed call would leave it showing nothing).
// A payload that fails authentication (its scope or ciphertext altered, or a key missing from the ring)
// is answered the same way and counted as unreadable in the audit entry.
import type { Payload } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { campaigns, screeningRuns } from '../../db/schema';
import { isRegionCode, regionContains } from '../../domain/access';
import { authOf } from '../http/access';
import { route } from '../http/route';
import { PayloadCodecError, isEncrypted, payloadScope } from '../security/payloadCodec';

const PayloadJson = z.object({ metadata: z.record(z.string(), z.string()).default({}), data: z.string().default('') });
const CodecRequestSchema = z.object({ payloads: z.array(PayloadJson).max(1000) });

const fromJson = (p: z.infer<typeof PayloadJson>): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** CORS for the Temporal UI's origin only (mounted before the guard: a preflight carries no cookie). */
export function codecCors(uiOrigin: string | null): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (uiOrigin && origin === uiOrigin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-namespace');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  };
}

const UNIT = /^campaign\/([a-z0-9][a-z0-9-]*)\/unit\/(\d{6}(?:\d{3}){0,2})$/;
const CAMPAIGN = /^campaign\/([a-z0-9][a-z0-9-]*)$/;
// Import and run ids begin with their campaign's id and a dot (plan ids have no dots): server/hardship.ts.
const IMPORT = /^hardship-import\/([a-z0-9][a-z0-9-]*)\.[^/]+$/;
const SCREENING = /^hardship-screening\/(([a-z0-9][a-z0-9-]*)\.[^/]+)$/;

/** A region code of a city or a province (440700, 440000): the levels that see what has no region. */
const isTopLevel = (code: string) => code.length === 6 && code.endsWith('00');

/**
 * The region of the workflow a scope names, or null when it names none (not a campaign's workflow, or
 * a campaign that no longer exists). Looked up once per scope per request.
 */
export function workflowRegions(db: Db) {
  const campaignRegion = async (id: string) => (await db.select({ r: campaigns.regionCode }).from(campaigns).where(eq(campaigns.id, id)))[0]?.r ?? null;
  return async function regionOf(workflowId: string): Promise<string | null> {
    let m = UNIT.exec(workflowId);
    if (m) return isRegionCode(m[2]) ? m[2] : null;
    if ((m = CAMPAIGN.exec(workflowId))) return campaignRegion(m[1]);
    if ((m = IMPORT.exec(workflowId))) return campaignRegion(m[1]);
    if ((m = SCREENING.exec(workflowId))) {
      const [run] = await db.select({ scope: screeningRuns.scope, campaignId: screeningRuns.campaignId }).from(screeningRuns).where(eq(screeningRuns.id, m[1]));
      if (run?.scope && isRegionCode(run.scope)) return run.scope;
      return campaignRegion(run?.campaignId ?? m[2]);
    }
    return null;
  };
}

export const codecRoutes = [
  route({
    method: 'POST',
    path: '/api/codec/decode',
    summary: 'Temporal 界面的载荷解码（仅限本辖区的工作流，记入审计日志）',
    scope: { kind: 'role', action: 'pii.unmask' },
    csrfExempt: true,
    bodyLimit: '8mb',
    anyContentType: true,
    body: CodecRequestSchema,
    answers: { 200: { description: '解码后的载荷（无权查看的仍为密文）', schema: CodecRequestSchema } },
    handler: async ({ body, res }, { codec, db }) => {
      const input = body.payloads.map(fromJson);
      if (!codec) return { payloads: input.map(toJson) };

      const { regionCode } = authOf(res).auth.user;
      const regionOf = workflowRegions(db);
      const regions = new Map<string | null, Promise<string | null>>();
      let unscopedAllowed: Promise<boolean> | undefined;
      /** Every campaign's region lies in the user's (so that a city official of another city reads none of these). */
      const mayReadUnscoped = () =>
        (unscopedAllowed ??= isTopLevel(regionCode)
          ? db
              .select({ r: campaigns.regionCode })
              .from(campaigns)
              .then((rows) => rows.every((c) => regionContains(regionCode, c.r)))
          : Promise.resolve(false));
      const mayRead = async (scope: string | null): Promise<boolean> => {
        if (scope === null) return mayReadUnscoped();
        if (!regions.has(scope)) regions.set(scope, regionOf(scope));
        const region = await regions.get(scope)!;
        return region === null ? mayReadUnscoped() : regionContains(regionCode, region);
      };

      const decoded = new Map<string, number>();
      let withheld = 0;
      let unreadable = 0;
      const out: Payload[] = [];
      for (const payload of input) {
        // Not encrypted (a payload from before encryption, a marker the SDK writes itself): nothing to withhold.
        if (!isEncrypted(payload)) {
          out.push(payload);
          continue;
        }
        const scope = payloadScope(payload);
        if (!(await mayRead(scope))) {
          withheld++;
          out.push(payload);
          continue;
        }
        try {
          out.push((await codec.decode([payload]))[0]);
          decoded.set(scope ?? '(none)', (decoded.get(scope ?? '(none)') ?? 0) + 1);
        } catch (e) {
          if (!(e instanceof PayloadCodecError)) throw e;
          unreadable++;
          out.push(payload);
        }
      }
      // The guard's audit entry for this call carries what was shown and what was not.
      res.locals.auditDetail = {
        decoded: [...decoded.values()].reduce((a, b) => a + b, 0),
        withheld,
        unreadable,
        workflows: [...decoded.keys()].slice(0, 20),
      };
      return { payloads: out.map(toJson) };
    },
  }),
];
