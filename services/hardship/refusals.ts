// Refusals (拒绝参保): a person on the mobilisation list who refuses after repeated visits, recorded
// with the written statement as evidence. The result, its run's counts and the summaries of the
// person's units move with the record, in one transaction. The evidence stays in the database.
import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { refusals, screeningResults, screeningSummaries } from '../../db/schema';
import { OUTCOME_ZH, type Outcome } from '../../domain/hardship';
import { EVIDENCE_MAX_BYTES, type RecordRefusalRequest } from '../../contracts/api/hardship';
import { ServiceError } from '../errors';
import { RESULT_NOT_FOUND, type UnitNames } from './reads';

export const EVIDENCE_INVALID = 'EvidenceInvalid';
export const EVIDENCE_TOO_LARGE = 'EvidenceTooLarge';
export const EVIDENCE_NOT_FOUND = 'EvidenceNotFound';
export const NOT_TO_MOBILISE = 'NotToMobilise';

/** Magic bytes of the evidence types accepted. */
const EVIDENCE_MAGIC: Record<string, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46],
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47],
};

const resultNotFound = () => new ServiceError(RESULT_NOT_FOUND, '筛查结果不存在', 404);

/** The evidence's bytes, refused when empty, too large, or not of the type it claims. */
export function evidenceBytes(evidence: RecordRefusalRequest['evidence']): Buffer {
  const bytes = Buffer.from(evidence.dataBase64, 'base64');
  if (bytes.length === 0) throw new ServiceError(EVIDENCE_INVALID, '证明材料为空', 400, { errors: [{ path: 'evidence.dataBase64', message: '文件内容为空或不是 base64' }] });
  if (bytes.length > EVIDENCE_MAX_BYTES) throw new ServiceError(EVIDENCE_TOO_LARGE, `证明材料超过 ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB 上限`, 413, undefined, '文件过大');
  const magic = EVIDENCE_MAGIC[evidence.contentType];
  if (!magic.every((b, i) => bytes[i] === b)) {
    throw new ServiceError(EVIDENCE_INVALID, '证明材料的内容与文件类型不符', 400, { errors: [{ path: 'evidence.contentType', message: `文件内容不是 ${evidence.contentType}` }] });
  }
  return bytes;
}

/** The village of a result of the run (null when the person is on no roster village): the region the refusal is checked against. */
export async function resultVillage(db: Db, runId: string, resultId: number): Promise<string | null> {
  const [where] = await db.select({ village: screeningResults.villageCode }).from(screeningResults).where(and(eq(screeningResults.id, resultId), eq(screeningResults.runId, runId)));
  if (!where) throw resultNotFound();
  return where.village;
}

export interface NewRefusal {
  campaign: { id: string; regionCode: string };
  runId: string;
  resultId: number;
  statementBy: string;
  visits: number;
  note: string;
  evidence: { fileName: string; contentType: string; bytes: Buffer };
  actor: string;
  /** The campaign's units, for the summaries that move with the result. */
  names: UnitNames;
  now?: () => number;
}

/**
 * Records a refusal of a person the run put on the mobilisation list: the refusal and its evidence, the
 * result made `refused`, and the counts of the run and of the person's units moved, together. Only a
 * person to mobilise can refuse (409 otherwise). Check the region (resultVillage) before calling: this
 * takes a row lock.
 */
export async function recordRefusal(db: Db, r: NewRefusal): Promise<{ refusalId: number; recordedAt: Date }> {
  const now = r.now ?? Date.now;
  return db.transaction(async (tx) => {
    const [result] = await tx.select().from(screeningResults).where(and(eq(screeningResults.id, r.resultId), eq(screeningResults.runId, r.runId))).for('update');
    if (!result) throw resultNotFound();
    if (result.outcome !== 'to-mobilise') {
      throw new ServiceError(NOT_TO_MOBILISE, `该人员的核查结果为“${OUTCOME_ZH[result.outcome as Outcome]}”，只有待动员参保人员可以登记拒绝参保`, 409, undefined, '无法登记');
    }
    const [refusal] = await tx
      .insert(refusals)
      .values({
        campaignId: r.campaign.id,
        idNumber: result.idNumber,
        statementBy: r.statementBy,
        visits: r.visits,
        note: r.note,
        evidenceName: r.evidence.fileName,
        evidenceType: r.evidence.contentType,
        evidenceSha256: createHash('sha256').update(r.evidence.bytes).digest('hex'),
        evidence: r.evidence.bytes,
        actor: r.actor,
        recordedAt: new Date(now()),
      })
      .returning({ id: refusals.id, recordedAt: refusals.recordedAt });
    await tx
      .update(screeningResults)
      .set({ outcome: 'refused', refusalId: refusal.id, tierFen: null, govPaidFen: 0, personalFen: 0, subsidyFen: 0 })
      .where(eq(screeningResults.id, result.id));
    // The run's counts and the summaries of the person's units move with the result.
    const codes = [r.campaign.regionCode, ...[...r.names.keys()].filter((c) => result.villageCode?.startsWith(c))];
    await tx
      .update(screeningSummaries)
      .set({ toMobilise: sql`${screeningSummaries.toMobilise} - 1`, refused: sql`${screeningSummaries.refused} + 1` })
      .where(and(eq(screeningSummaries.runId, r.runId), inArray(screeningSummaries.unitCode, [...new Set(codes)])));
    await tx.execute(sql`update screening_runs set counts = jsonb_set(jsonb_set(counts, '{toMobilise}', to_jsonb((counts->>'toMobilise')::int - 1)), '{refused}', to_jsonb((counts->>'refused')::int + 1)) where id = ${r.runId}`);
    return { refusalId: refusal.id, recordedAt: refusal.recordedAt };
  });
}

/** A refusal's evidence, with the village of the result that names it (the region a reader is checked against). */
export async function refusalEvidence(db: Db, campaignId: string, refusalId: number) {
  const [r] = await db.select().from(refusals).where(and(eq(refusals.id, refusalId), eq(refusals.campaignId, campaignId)));
  if (!r) throw new ServiceError(EVIDENCE_NOT_FOUND, '证明材料不存在', 404);
  const [where] = await db.select({ village: screeningResults.villageCode }).from(screeningResults).where(eq(screeningResults.refusalId, refusalId)).limit(1);
  return { name: r.evidenceName, type: r.evidenceType, bytes: r.evidence, village: where?.village ?? null };
}
