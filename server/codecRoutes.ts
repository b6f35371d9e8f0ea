// The codec endpoint Temporal's UI calls to show encrypted payloads (`--ui-codec-endpoint`, or the UI's
// TEMPORAL_CODEC_ENDPOINT): POST /api/codec/decode with `{payloads: [{metadata: {k: base64}, data: base64}]}`.
// It is an API route like any other: a signed-in session whose role may see personal data (officials
// and supervisors), every call audited by the guard. The UI runs on another origin and cannot send the
// CSRF header; decoding changes nothing, so this route alone is exempt. CORS admits only the UI's origin,
// with credentials (the UI's "include cross-origin credentials" setting).
import type { Payload, PayloadCodec } from '@temporalio/common';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';

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

export function codecRouter(codec: PayloadCodec | undefined): Router {
  const router = Router();
  router.post('/api/codec/decode', express.json({ limit: '8mb', type: () => true }), async (req, res) => {
    const { payloads } = CodecRequestSchema.parse(req.body ?? {});
    const decoded = codec ? await codec.decode(payloads.map(fromJson)) : payloads.map(fromJson);
    res.json({ payloads: decoded.map(toJson) });
  });
  return router;
}
