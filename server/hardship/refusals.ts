// Refusals (拒绝参保) over HTTP: recorded with their written statement by those who work the
// mobilisation list of the person's village, and the statement read back. Nothing personal travels in
// the URL: the body names the result by its opaque id.
import { z } from 'zod';
import { EVIDENCE_MAX_BYTES, RecordRefusalRequestSchema, RefusalDto } from '../../contracts/api/hardship';
import { hardshipCampaign, runRow, unitsOf } from '../../services/hardship/reads';
import { evidenceBytes, recordRefusal, refusalEvidence, resultVillage } from '../../services/hardship/refusals';
import { actorName, requireRegion } from '../http/access';
import { IntRowIdSchema, route } from '../http/route';
import { H } from './views';

export const refusalRoutes = [
  route({
    method: 'POST',
    path: `${H}/refusals`,
    summary: '登记拒绝参保（附书面声明）',
    scope: { kind: 'handler', action: 'hardship.refusal' },
    // The evidence travels base64-encoded in the JSON (5 MB of file is about 6.7 MB of text).
    bodyLimit: `${Math.ceil((EVIDENCE_MAX_BYTES * 4) / 3 / 1024 / 1024) + 1}mb`,
    body: RecordRefusalRequestSchema,
    answers: {
      201: { description: '已登记', schema: RefusalDto },
      400: { description: '字段或证明材料无效' },
      404: { description: '不存在' },
      409: { description: '该人员不是待动员状态' },
      413: { description: '证明材料过大' },
    },
    handler: async ({ params, body, res }, d) => {
      const campaign = await hardshipCampaign(d.db, params.id);
      const run = await runRow(d.db, campaign.id, body.runId);
      const bytes = evidenceBytes(body.evidence);
      const names = await unitsOf(d.db, campaign.id);
      // The access check comes before any lock: its denial is written to the audit log, which must never
      // wait on a transaction of this same request (on PGlite's single connection that froze the app).
      await requireRegion(d.db, res, 'hardship.refusal', await resultVillage(d.db, run.id, body.resultId));
      const result = await recordRefusal(d.db, {
        campaign,
        runId: run.id,
        resultId: body.resultId,
        statementBy: body.statementBy,
        visits: body.visits,
        note: body.note,
        evidence: { fileName: body.evidence.fileName, contentType: body.evidence.contentType, bytes },
        actor: actorName(res),
        names,
        now: d.now,
      });
      return { refusalId: result.refusalId, resultId: body.resultId, outcome: 'refused' as const, recordedAt: result.recordedAt.toISOString() };
    },
  }),
  route({
    method: 'GET',
    path: `${H}/refusals/:refusalId/evidence`,
    summary: '拒绝参保证明材料',
    scope: { kind: 'handler', action: 'hardship.read' },
    audit: true,
    params: z.object({ id: z.string(), refusalId: IntRowIdSchema }),
    answers: { 200: { description: 'PDF/JPEG/PNG' }, 404: { description: '不存在' } },
    handler: async ({ params, res }, d) => {
      const evidence = await refusalEvidence(d.db, params.id, params.refusalId);
      await requireRegion(d.db, res, 'hardship.read', evidence.village);
      res.type(evidence.type).attachment(evidence.name).send(evidence.bytes);
    },
  }),
];
