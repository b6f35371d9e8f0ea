// Uploads of rosters and hardship lists, and their imports: the file is stored and its header found
// (services/hardship/uploads.ts), an import of it is recorded from the user's column choices and run by
// the list-import workflow; its progress is read from the workflow's heartbeats.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { HARDSHIP_LIST_KINDS, ImportDto, StartImportRequestSchema, StartImportResultDto, UploadDto, UploadQuery } from '../../contracts/api/hardship';
import { LIST_IMPORT_WORKFLOW, type ListImportWorkflowInput } from '../../contracts/hardship';
import { hardshipCampaign, importRow, recentImports } from '../../services/hardship/reads';
import { maxUploadBytes, multipartRefused, prepareImport, storeUpload, uploadTooLarge } from '../../services/hardship/uploads';
import type { listImportWorkflow } from '../../workflows/hardship';
import { HttpProblem } from '../errors';
import { actorName, authOf } from '../http/access';
import type { ApiDeps } from '../http/deps';
import { fileNameOf } from '../http/files';
import { Reply, route } from '../http/route';
import { campaignAccess, H, ImportParams, importView, partOf } from './views';

/**
 * Starts the import workflow of an import `prepareImport` recorded, answering 202 for a new import and
 * 200 for one recorded before. Started again for an import recorded before: a start lost between the
 * record and the workflow heals.
 */
export async function startListImport(d: ApiDeps, prepared: Awaited<ReturnType<typeof prepareImport>>, campaignId: string): Promise<Reply> {
  try {
    const args: [ListImportWorkflowInput] = [{ importId: prepared.importId, campaignId, screenAfter: prepared.screenAfter, actor: prepared.actor }];
    await d.client.workflow.start<typeof listImportWorkflow>(LIST_IMPORT_WORKFLOW, { workflowId: prepared.workflowId, taskQueue: d.taskQueue, args });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
  return new Reply(prepared.created ? 202 : 200, { importId: prepared.importId, workflowId: prepared.workflowId, created: prepared.created });
}

export const uploadRoutes = [
  route({
    method: 'POST',
    path: `${H}/uploads`,
    summary: '上传花名册或困难群体名单（CSV/XLSX 原始字节），返回表头与列对应',
    scope: campaignAccess('hardship.import'),
    bodyKind: 'stream',
    headers: [{ name: 'X-File-Name', description: '文件名，经 encodeURIComponent 编码' }],
    query: z.object({
      list: z.enum(HARDSHIP_LIST_KINDS),
      sheet: z.string().optional().describe('XLSX：要读取的工作表，序号（从 0 起）或名称；默认第一个未隐藏的工作表'),
    }),
    answers: {
      201: { description: '已上传', schema: UploadDto },
      400: { description: '不是可读的名单文件（类型、大小、编码）' },
      404: { description: '活动不存在' },
      413: { description: '文件过大' },
      415: { description: '表单上传（multipart/form-data）：请直接发送文件内容' },
      429: { description: '上传过于频繁' },
    },
    handler: async ({ req, res, params }, d) => {
      const campaign = await hardshipCampaign(d.db, params.id);
      // The declared query documents `sheet` as text; this reads a number of digits as a sheet's position.
      const { list, sheet } = UploadQuery.parse(req.query);
      // A browser form would store its boundary lines as rows: refused before a byte is read.
      if (req.is('multipart/form-data')) throw multipartRefused();
      const fileName = fileNameOf(req, '上传文件');
      const declared = Number(req.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && declared > maxUploadBytes(list)) throw uploadTooLarge(fileName, maxUploadBytes(list));
      if (!(await d.limits.upload.hit(String(authOf(res).auth.user.id), d.now())).allowed) throw new HttpProblem(429, '请求过于频繁', '上传过于频繁，请稍后再试');
      return storeUpload(d.db, { uploadDir: d.uploadDir, now: d.now }, { campaignId: campaign.id, list, fileName, source: req, actor: actorName(res), sheet });
    },
  }),
  route({
    method: 'POST',
    path: `${H}/imports`,
    summary: '导入已上传的文件（整份导入或整份拒绝）',
    scope: campaignAccess('hardship.import'),
    temporal: true,
    body: StartImportRequestSchema,
    answers: {
      202: { description: '已开始', schema: StartImportResultDto },
      200: { description: '同一导入已存在', schema: StartImportResultDto },
      400: { description: '字段或列对应无效' },
      404: { description: '活动或上传不存在' },
      409: { description: '文件已不在服务器上' },
    },
    handler: async ({ params, body, res }, d) => {
      const campaign = await hardshipCampaign(d.db, params.id);
      const prepared = await prepareImport(d.db, { uploadDir: d.uploadDir, now: d.now }, campaign.id, { ...body, actor: actorName(res) });
      return startListImport(d, prepared, campaign.id);
    },
  }),
  route({
    method: 'GET',
    path: `${H}/imports`,
    summary: '导入记录',
    scope: campaignAccess('hardship.read'),
    answers: { 200: { description: '列表', schema: z.object({ imports: z.array(ImportDto) }) }, 404: { description: '活动不存在' } },
    handler: async ({ params }, d) => {
      const campaign = await hardshipCampaign(d.db, params.id);
      const rows = await recentImports(d.db, campaign.id);
      return { imports: await Promise.all(rows.map((r) => importView(d.db, d.client, r, false))) };
    },
  }),
  route({
    method: 'GET',
    path: `${H}/imports/:importId`,
    summary: '导入状态、进度与错误',
    scope: campaignAccess('hardship.read'),
    params: ImportParams,
    answers: { 200: { description: '导入', schema: ImportDto }, 404: { description: '不存在' } },
    handler: async ({ params, res }, d) => {
      const campaign = await hardshipCampaign(d.db, params.id);
      return importView(d.db, d.client, await importRow(d.db, campaign.id, params.importId), true, partOf(res, campaign));
    },
  }),
];
