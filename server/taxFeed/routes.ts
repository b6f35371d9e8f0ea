// The tax bureau's payment feed over HTTP: an upload of one CSV file (all or nothing), and the list of
// past imports with the inbox Schedule's state.
import express, { type Request } from 'express';
import { ImportTaxFeedResultDto, TaxFeedOverviewDto, TaxFeedProblemDto } from '../../contracts/api/taxFeed';
import { TAX_FEED_MAX_BYTES } from '../../domain/taxFeed';
import { importTaxFeed, listTaxFeedImports } from '../../services/taxFeed';
import { HttpProblem, badRequest } from '../errors';
import { actorName } from '../http/access';
import { CampaignParams, Reply, route } from '../http/route';
import { inboxSchedule } from './schedule';

const CSV_TYPES = ['text/csv', 'application/octet-stream'];
const rawCsv = express.raw({ type: CSV_TYPES, limit: TAX_FEED_MAX_BYTES });

/** A header value sent URL-encoded (HTTP headers carry Latin-1 only), or as is if it is not. */
function headerText(req: Request, name: string): string | undefined {
  const raw = req.get(name);
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return decodeURIComponent(raw).trim();
  } catch {
    throw badRequest(`请求头 ${name} 不是有效的 URL 编码`);
  }
}

/** The base name of a client's file name: no folders, at most 255 characters. */
const baseName = (name: string) => name.replace(/\\/g, '/').split('/').pop()!.slice(0, 255);

/** The CSV body, read here with the feed's own cap (it is not JSON). */
function readCsv(req: Request): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) =>
    rawCsv(req, req.res!, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
        reject(new HttpProblem(413, '请求体过大', `税务数据文件不得超过 5 MiB（${TAX_FEED_MAX_BYTES} 字节）；请按区县拆分后分别提交`));
      } else if (err) reject(err);
      else resolve(Buffer.isBuffer(req.body) ? req.body : undefined);
    }),
  );
}

export const taxFeedRoutes = [
  route({
    method: 'POST',
    path: '/api/campaigns/:id/tax-feed',
    summary: '导入税务缴费数据（一个 CSV 文件，整份导入或整份拒绝；同一文件再次提交返回已有导入）',
    scope: { kind: 'campaign', action: 'taxfeed.import' },
    bodyKind: 'stream',
    streamTypes: CSV_TYPES,
    headers: [{ name: 'X-File-Name', description: 'encodeURIComponent（文件名）' }],
    params: CampaignParams,
    status: 201,
    answers: {
      201: { description: '已导入', schema: ImportTaxFeedResultDto },
      200: { description: '同一文件已导入', schema: ImportTaxFeedResultDto },
      400: { description: '文件有错误，errors 列出行、列与原因', schema: TaxFeedProblemDto, contentType: 'application/problem+json' },
      404: { description: '活动不存在' },
      413: { description: '文件超过 5 MiB' },
      415: { description: '内容类型不是 CSV' },
    },
    handler: async ({ req, res, params }, d) => {
      const bytes = await readCsv(req);
      if (!bytes) {
        if (req.is(CSV_TYPES)) throw badRequest('请求体为空：请在请求体中提交 CSV 文件');
        throw new HttpProblem(415, '不支持的内容类型', `请以 Content-Type: text/csv 或 application/octet-stream 提交 CSV 文件（收到 ${req.get('Content-Type') ?? '无'}）`);
      }
      if (bytes.length === 0) throw badRequest('请求体为空：请在请求体中提交 CSV 文件');
      const fileName = baseName(headerText(req, 'X-File-Name') ?? '') || '上传文件.csv';
      // A refused file is the service's TaxFeedInvalid: a 400 whose `errors` list every line, column and reason.
      const result = await importTaxFeed(d.db, { campaignId: params.id, fileName, bytes, source: 'upload', actor: actorName(res) });
      return result.status === 'imported' ? result : new Reply(200, result);
    },
  }),
  route({
    method: 'GET',
    path: '/api/campaigns/:id/tax-feed',
    summary: '税务缴费数据导入记录与收件箱计划',
    scope: { kind: 'campaign', action: 'campaign.read' },
    params: CampaignParams,
    answers: { 200: { description: '记录', schema: TaxFeedOverviewDto }, 404: { description: '活动不存在' } },
    handler: async ({ params }, d) => ({ imports: await listTaxFeedImports(d.db, params.id), inbox: await inboxSchedule(d.client) }),
  }),
];
