// Command line for officials and operators, through the API:
//   npm run demo                          launch the demo campaign (Jiangmen shifted to start today)
//   npm run cli -- launch <plan.yaml|json>
//   npm run cli -- preview <plan.yaml|json>
//   npm run cli -- list
//   npm run cli -- import <campaignId> <file.csv|xlsx> --list roster [--screen]
//   npm run cli -- import <campaignId> <file.csv|xlsx> --list hardship --category dibao --department 民政局 --list-date 2023-09-01 [--screen]
//       streams the file to the API, prints which column holds which field, imports it with a progress
//       bar (stderr) and, with --screen, starts a screening once it is stored. A refused file prints its
//       first errors and the address of the whole error report, and exits 1. --category takes the key or
//       the Chinese name (低保对象, 特困人员, 易返贫致贫人口, 重度残疾人, 精神/智力残疾人, 重点优抚对象).
// API address: --api http://host:port (default http://localhost:$PORT or :3000).
// Signing in: --user <账号> (or CAMPAIGN_USER); the password from CAMPAIGN_PASSWORD or asked on the
// terminal; officials and admins also give their 6-digit code (CAMPAIGN_TOTP, or asked). What is done
// is recorded under that account.
import { createReadStream, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { stringify } from 'yaml';
import { HARDSHIP_CATEGORIES, parseCategory } from '../domain/hardship';
import { loadConfigOrExit } from '../server/config';
import { demoPlan } from '../server/campaigns/examples';
import type { CampaignSummary, LaunchResult, Preview } from '../contracts/api/campaigns';
import type { ImportView, UploadView } from '../contracts/api/hardship';
import { ApiError, createApiClient, newIdempotencyKey, rawBody, type Method } from '../client';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const config = loadConfigOrExit(process.env);
const api = flag('api') ?? `http://localhost:${config.PORT}`;
const userFlag = flag('user');
const listFlag = flag('list');
const categoryFlag = flag('category');
const departmentFlag = flag('department');
const listDateFlag = flag('list-date');
const screenFlag = args.includes('--screen');
if (screenFlag) args.splice(args.indexOf('--screen'), 1);
const [command, file] = args;

/** Asks on the terminal; `hidden` does not echo (passwords). */
async function ask(question: string, hidden = false): Promise<string> {
  if (!process.stdin.isTTY) {
    console.error(`✗ 需要${question.replace(/[::\s]+$/, '')}：请在终端中运行，或设置相应的环境变量`);
    process.exit(2);
  }
  process.stderr.write(question);
  const stdin = process.stdin;
  stdin.setRawMode(hidden);
  stdin.resume();
  stdin.setEncoding('utf8');
  let text = '';
  return new Promise((resolve) => {
    const onData = (chunk: string) => {
      for (const c of chunk) {
        if (c === '\r' || c === '\n') {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write('\n');
          resolve(text);
          return;
        }
        if (c === '\u0003') process.exit(130);
        if (c === '\u007f') text = text.slice(0, -1);
        else text += c;
        if (!hidden) process.stderr.write(c);
      }
    };
    stdin.on('data', onData);
  });
}

const client = createApiClient({ baseUrl: api });

/** Waits for an API call; any failure is printed as the problem's lines on stderr, then exit 1. */
async function orExit<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 0) console.error(`无法连接 ${api}：请先运行 npm start（或用 --api 指定地址）`);
    else {
      console.error(`✗ ${e.title}${e.detail ? `:${e.detail}` : ''}`);
      for (const x of e.errors) console.error(`  - ${x.path}: ${x.message}`);
    }
    process.exit(1);
  }
}

let signedIn: Promise<unknown> | undefined;

/** Signs in once per run (password, and the second factor when the account has one). */
async function signIn(): Promise<void> {
  signedIn ??= (async () => {
    const username = userFlag ?? process.env.CAMPAIGN_USER ?? (await ask('账号：'));
    const password = process.env.CAMPAIGN_PASSWORD ?? (await ask('密码：', true));
    const totp = async () => process.env.CAMPAIGN_TOTP ?? (await ask('动态口令（6 位）：'));
    return orExit(client.signIn({ username, password, totp }));
  })();
  await signedIn;
}

async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
  await signIn();
  return orExit(client.request<T>(method, path, body));
}

function printLaunch(r: LaunchResult) {
  console.log(`${r.created ? '✓ 已启动' : '• 已存在（未重复启动）'} ${r.campaign.title}`);
  console.log(`  ${api}/campaigns/${encodeURIComponent(r.campaign.id)}`);
  for (const w of r.warnings ?? []) console.log(`  ! ${w}`);
}

const hardshipBase = (campaignId: string) => `/api/campaigns/${encodeURIComponent(campaignId)}/hardship`;
/** The tax bureau's per-person payment feed goes through the same machinery under its own routes (taxfeed.import). */
const listBase = (campaignId: string) => (listFlag === 'payments' ? `/api/campaigns/${encodeURIComponent(campaignId)}/payments` : hardshipBase(campaignId));

/** Streams the file as the request body: a city's roster is far too large to read into memory. */
async function uploadFile(campaignId: string, path: string, list: string): Promise<UploadView> {
  await signIn();
  const body = rawBody(Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>, 'application/octet-stream');
  return orExit(
    client.post<UploadView>(list === 'payments' ? `${listBase(campaignId)}/uploads` : `${hardshipBase(campaignId)}/uploads?list=${list}`, body, {
      headers: { 'X-File-Name': encodeURIComponent(basename(path)) },
      idempotencyKey: newIdempotencyKey(),
    }),
  );
}

const BAR_WIDTH = 30;
const STAGE_ZH: Record<string, string> = { reading: '读取并校验', 'checking-duplicates': '检查重复身份证号', swapping: '启用新名单', done: '完成' };
const grouped = (n: number) => n.toLocaleString('zh-CN');

/**
 * One line: the bar, the percentage, the stage and the rows read. The last known progress stands
 * when a poll has none (between the reading activity's end and the stored status), so the bar never
 * runs backwards.
 */
function progressLine(i: ImportView, last: ImportView['progress']): string {
  const p = i.progress ?? last;
  const fraction = i.status === 'stored' ? 1 : Math.max(0, Math.min(1, p?.fraction ?? 0));
  const filled = Math.round(fraction * BAR_WIDTH);
  const stage = i.status === 'stored' ? '完成' : p ? (STAGE_ZH[p.stage] ?? p.stage) : i.status === 'pending' ? '排队中' : '处理中';
  const rows = i.status === 'stored' ? i.rowsStored : (p?.rowsRead ?? 0);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}%  ${stage}  已读取 ${grouped(rows)} 行`;
}

/** Polls the import every 500 ms, drawing the bar on stderr: in place on a terminal, else one line per tenth or stage. */
async function followImport(campaignId: string, importId: string): Promise<ImportView> {
  const tty = process.stderr.isTTY;
  let last: ImportView['progress'] = null;
  let logged = '';
  for (;;) {
    const i = await call<ImportView>('GET', `${listBase(campaignId)}/imports/${encodeURIComponent(importId)}`);
    const done = i.status !== 'pending' && i.status !== 'running';
    if (i.progress && (!last || i.progress.fraction >= last.fraction)) last = i.progress;
    if (!done || i.status === 'stored') {
      const line = progressLine(i, last);
      if (tty) process.stderr.write(`\r${line}`);
      else {
        const key = `${i.status}|${last?.stage ?? ''}|${Math.floor((last?.fraction ?? 0) * 10)}`;
        if (key !== logged) console.error(line);
        logged = key;
      }
    }
    if (done) {
      if (tty) process.stderr.write('\n');
      return i;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function importList(campaignId: string | undefined, path: string | undefined) {
  const usage = '用法：npm run cli -- import <活动ID> <文件.csv|.xlsx> --list roster|hardship|payments [--category 类别 --department 部门 --list-date YYYY-MM-DD] [--screen]';
  if (!campaignId || !path || (listFlag !== 'roster' && listFlag !== 'hardship' && listFlag !== 'payments')) {
    console.error(usage);
    process.exit(2);
  }
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    console.error(`✗ 找不到文件 ${path}`);
    process.exit(2);
  }
  let category: string | undefined;
  if (listFlag === 'hardship') {
    const problems: string[] = [];
    category = categoryFlag ? parseCategory(categoryFlag) ?? undefined : undefined;
    if (!categoryFlag) problems.push('请用 --category 指定困难群体类别');
    else if (!category) problems.push(`无法识别类别“${categoryFlag}”，可用：${HARDSHIP_CATEGORIES.map((c) => `${c.key}(${c.zh})`).join('、')}`);
    if (!departmentFlag) problems.push('请用 --department 指定名单提供部门（如 民政局、残联、农业农村局）');
    if (!listDateFlag || !/^\d{4}-\d{2}-\d{2}$/.test(listDateFlag)) problems.push('请用 --list-date 指定名单日期（YYYY-MM-DD）');
    if (problems.length > 0) {
      for (const p of problems) console.error(`✗ ${p}`);
      console.error(usage);
      process.exit(2);
    }
  }

  console.error(`上传 ${basename(path)}（${(size / 1024 / 1024).toFixed(1)} MB）…`);
  const upload = await uploadFile(campaignId, path, listFlag);
  const label = (key: string) => upload.fields.find((f) => f.key === key)?.label ?? key;
  if (!upload.mapping.ok) {
    const parts = [
      upload.mapping.missing?.length ? `缺少：${upload.mapping.missing.map(label).join('、')}` : '',
      upload.mapping.ambiguous?.length ? `有多列可能对应：${upload.mapping.ambiguous.map(label).join('、')}` : '',
    ].filter(Boolean);
    console.error(`✗ 表头无法完全识别（${parts.join(';')}）。`);
    console.error(`  文件表头：${upload.headers.map((h, i) => `${i + 1}.${h}`).join('  ')}`);
    console.error(`  需要的字段：${upload.fields.map((f) => `${f.label}${f.required ? '' : '（选填）'}`).join('、')}`);
    console.error('  请把表头改成上述字段名后重试，或在控制台“困难群体”页面上传并手工选择各字段对应的列。');
    process.exit(1);
  }
  console.log(`表头识别（${upload.fileKind.toUpperCase()}，${upload.headers.length} 列）：`);
  for (const f of upload.fields) {
    const c = upload.mapping.columns?.[f.key];
    console.log(`  ${f.label.padEnd(10, '　')} ← ${c === undefined ? '（无）' : `第 ${c + 1} 列“${upload.headers[c]}”`}`);
  }

  const started = await call<{ importId: string; created: boolean }>(
    'POST',
    `${listBase(campaignId)}/imports`,
    listFlag === 'payments'
      ? { uploadId: upload.uploadId }
      : {
          uploadId: upload.uploadId,
          list: listFlag,
          ...(listFlag === 'hardship' ? { category, department: departmentFlag, listDate: listDateFlag } : {}),
          screenAfter: screenFlag,
        },
  );
  if (!started.created) console.error('• 该文件此前已提交导入，显示原导入的结果');
  const done = await followImport(campaignId, started.importId);

  if (done.status === 'stored') {
    console.log(`✓ 已导入 ${grouped(done.rowsStored)} 行${done.version ? `（第 ${done.version} 版）` : ''}`);
    if (done.screeningRunId) {
      console.log(`  已开始筛查 ${done.screeningRunId}`);
      console.log(`  ${api}/campaigns/${encodeURIComponent(campaignId)}/hardship?run=${encodeURIComponent(done.screeningRunId)}`);
    }
    return;
  }
  if (done.status === 'superseded') {
    console.log('• 该导入已被更新的版本替换');
    return;
  }
  console.error(`✗ ${done.status === 'refused' ? '未通过校验，未导入任何数据' : '导入失败'}${done.message ? `:${done.message}` : ''}`);
  const errors = done.errors ?? [];
  if (errors.length > 0) {
    console.error(`  前 ${Math.min(20, errors.length)} 处错误（共 ${grouped(done.errorCount)} 处）：`);
    for (const e of errors.slice(0, 20)) console.error(`  第 ${e.line} 行  ${e.column}  “${e.value}”  ${e.reason}`);
  }
  if (done.errorCount > 0 && listFlag !== 'payments') console.error(`  完整错误报告：${api}${hardshipBase(campaignId)}/imports/${encodeURIComponent(done.id)}/errors.xlsx`);
  process.exit(1);
}

switch (command) {
  case 'demo': {
    const plan = demoPlan(Date.now());
    mkdirSync('.data', { recursive: true });
    writeFileSync('.data/demo-plan.yaml', stringify(plan));
    console.log('演示方案已写入 .data/demo-plan.yaml');
    printLaunch(await call<LaunchResult>('POST', '/api/campaigns', { plan }));
    break;
  }
  case 'launch':
  case 'preview': {
    if (!file) {
      console.error(`用法：npm run cli -- ${command} <方案文件.yaml|.json>`);
      process.exit(2);
    }
    const text = readFileSync(file, 'utf8');
    if (command === 'preview') {
      const p = await call<Preview>('POST', '/api/plans/preview', { plan: text });
      console.log(`${p.plan.title}(${p.plan.timeZone})`);
      for (const ph of p.phases) console.log(`  ${ph.nameZh}  ${ph.startLocal} → ${ph.deadlineLocal}`);
      console.log(`  单位：${JSON.stringify(p.unitCounts)}，工作流 ${p.workflowCount} 个`);
      for (const level of p.reporting?.levels ?? []) {
        console.log(`  ${level.level === 'county' ? '区县' : '乡镇'}报送：`);
        for (const q of level.periods) console.log(`    ${q.key} → ${q.dueLocal}${q.reason ? `  (${q.reason.zh})` : ''}`);
      }
      for (const w of p.warnings) console.log(`  ! ${w}`);
    } else {
      printLaunch(await call<LaunchResult>('POST', '/api/campaigns', { plan: text }));
    }
    break;
  }
  case 'list': {
    for (const c of await call<CampaignSummary[]>('GET', '/api/campaigns')) console.log(`${c.status.padEnd(10)} ${c.id}  ${c.title}`);
    break;
  }
  case 'import': {
    await importList(args[1], args[2]);
    break;
  }
  default:
    console.error(
      '用法：npm run demo | npm run cli -- launch|preview <file> | npm run cli -- list | npm run cli -- import <活动ID> <文件> --list roster|hardship|payments [...]  [--api URL] [--user 账号]',
    );
    process.exit(2);
}
