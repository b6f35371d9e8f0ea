// Command line for officials and operators, through the API:
//   npm run demo                          launch the demo campaign (Jiangmen shifted to start today)
//   npm run cli -- launch <plan.yaml|json> [--actor 名字]
//   npm run cli -- preview <plan.yaml|json>
//   npm run cli -- list
// API address: --api http://host:port (default http://localhost:$PORT or :3000).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { stringify } from 'yaml';
import { loadConfigOrExit } from '../server/config';
import { demoPlan } from '../server/examples';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const config = loadConfigOrExit(process.env);
const api = flag('api') ?? `http://localhost:${config.PORT}`;
const actor = flag('actor');
const [command, file] = args;

async function call(method: string, path: string, body?: unknown) {
  let res: Response;
  try {
    res = await fetch(api + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    console.error(`无法连接 ${api}:请先运行 npm start(或用 --api 指定地址)`);
    process.exit(1);
  }
  const data = await res.json();
  if (!res.ok) {
    console.error(`✗ ${data.title ?? res.status}${data.detail ? `:${data.detail}` : ''}`);
    for (const e of data.errors ?? []) console.error(`  - ${e.path}: ${e.message}`);
    process.exit(1);
  }
  return data;
}

function printLaunch(r: { created: boolean; campaign: { id: string; title: string }; warnings?: string[] }) {
  console.log(`${r.created ? '✓ 已启动' : '• 已存在(未重复启动)'} ${r.campaign.title}`);
  console.log(`  ${api}/campaigns/${encodeURIComponent(r.campaign.id)}`);
  for (const w of r.warnings ?? []) console.log(`  ! ${w}`);
}

switch (command) {
  case 'demo': {
    const plan = demoPlan(Date.now());
    mkdirSync('.data', { recursive: true });
    writeFileSync('.data/demo-plan.yaml', stringify(plan));
    console.log('演示方案已写入 .data/demo-plan.yaml');
    printLaunch(await call('POST', '/api/campaigns', { plan, ...(actor ? { actor } : {}) }));
    break;
  }
  case 'launch':
  case 'preview': {
    if (!file) {
      console.error(`用法:npm run cli -- ${command} <方案文件.yaml|.json>`);
      process.exit(2);
    }
    const text = readFileSync(file, 'utf8');
    if (command === 'preview') {
      const p = await call('POST', '/api/plans/preview', { plan: text });
      console.log(`${p.plan.title}(${p.plan.timeZone})`);
      for (const ph of p.phases) console.log(`  ${ph.nameZh}  ${ph.startLocal} → ${ph.deadlineLocal}`);
      console.log(`  单位:${JSON.stringify(p.unitCounts)},工作流 ${p.workflowCount} 个`);
      for (const level of p.reporting?.levels ?? []) {
        console.log(`  ${level.level === 'county' ? '区县' : '乡镇'}报送:`);
        for (const q of level.periods) console.log(`    ${q.key} → ${q.dueLocal}${q.reason ? `  (${q.reason.zh})` : ''}`);
      }
      for (const w of p.warnings) console.log(`  ! ${w}`);
    } else {
      printLaunch(await call('POST', '/api/campaigns', { plan: text, ...(actor ? { actor } : {}) }));
    }
    break;
  }
  case 'list': {
    for (const c of await call('GET', '/api/campaigns')) console.log(`${c.status.padEnd(10)} ${c.id}  ${c.title}`);
    break;
  }
  default:
    console.error('用法:npm run demo | npm run cli -- launch|preview <file> | npm run cli -- list  [--api URL] [--actor 名字]');
    process.exit(2);
}
