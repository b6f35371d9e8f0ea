// Creates an administrator account directly in the database: the first admin of a fresh installation,
// or a replacement when every admin is locked out. Later accounts are made by admins in the console.
//
//   npm run create-admin -- --username admin --region 440700 [--name 系统管理员] [--if-not-exists]
//
// The password is asked twice on a terminal (not echoed), or read from ADMIN_PASSWORD for automation
// (compose, CI). The database is the app's own (DATABASE_URL, or PGlite in PGLITE_DIR); migrations are
// applied first, as at server start. With PGlite, stop the server first: its data directory can be open
// in one process only.
//
// The admin must enrol a TOTP second factor at their first login.
import { z } from 'zod';
import { openDatabase } from '../db/client';
import { REGION_CODE } from '../domain/access';
import { AuthError, createAuthService, SYSTEM_ACTOR } from '../server/auth/service';
import { loadConfigOrExit } from '../server/config';

const USAGE = '用法：npm run create-admin -- --username <账号名> --region <区划代码> [--name <姓名>] [--if-not-exists]';

function fail(message: string, code = 1): never {
  console.error(`✗ ${message}`);
  process.exit(code);
}

function parseArgs(argv: string[]) {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) fail(`无法识别的参数 ${a}\n${USAGE}`, 2);
    const [key, inline] = a.slice(2).split('=', 2);
    if (key === 'if-not-exists' || key === 'help') out[key] = true;
    else if (inline !== undefined) out[key] = inline;
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[key] = argv[++i];
    else fail(`参数 --${key} 缺少取值\n${USAGE}`, 2);
  }
  return out;
}

const ArgsSchema = z.object({
  username: z.string({ error: '缺少 --username' }).min(1, '缺少 --username'),
  region: z.string({ error: '缺少 --region' }).regex(REGION_CODE, '--region 应为 6、9 或 12 位区划代码'),
  name: z.string().trim().min(1).default('系统管理员'),
  'if-not-exists': z.literal(true).optional(),
});

/** Reads one line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('已取消'));
        if (ch === '\u0004') return done(value ? undefined : new Error('已取消'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(fromEnv: string | undefined): Promise<string> {
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) fail('非交互环境下请通过环境变量 ADMIN_PASSWORD 提供密码', 2);
  const first = await promptHidden('新管理员密码（至少 10 位，不回显）：');
  const second = await promptHidden('再次输入密码：');
  if (first !== second) fail('两次输入的密码不一致');
  return first;
}

async function main() {
  const raw = parseArgs(process.argv.slice(2));
  if (raw.help) {
    console.log(USAGE);
    return;
  }
  const parsed = ArgsSchema.safeParse(raw);
  if (!parsed.success) fail(`${parsed.error.issues.map((i) => i.message).join(';')}\n${USAGE}`, 2);
  const args = parsed.data;
  // The entry point reads the environment and passes it on (server/config.ts reads the app's variables).
  const config = loadConfigOrExit(process.env);
  const password = await readPassword(process.env.ADMIN_PASSWORD);

  const database = await openDatabase({ url: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR, max: 1 });
  try {
    const auth = createAuthService({ db: database.db });
    try {
      const user = await auth.createUser(SYSTEM_ACTOR, {
        username: args.username,
        displayName: args.name,
        role: 'admin',
        regionCode: args.region,
        password,
      });
      console.log(`✓ 已创建管理员 ${user.username}（区划 ${user.regionCode}，${database.kind === 'pglite' ? `PGlite ${config.PGLITE_DIR}` : 'PostgreSQL'}）`);
      console.log('  首次登录时需绑定动态口令（TOTP 验证器，如微信小程序或 Google Authenticator）。');
    } catch (e) {
      if (e instanceof AuthError && e.code === 'username_taken' && args['if-not-exists']) {
        console.log(`• 账号 ${args.username.toLowerCase()} 已存在，未作改动`);
        return;
      }
      if (e instanceof AuthError) {
        fail([e.detail ?? e.title, ...(e.errors ?? []).map((x) => `  - ${x.message}`)].join('\n'));
      }
      if (e instanceof z.ZodError) fail(e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
      throw e;
    }
  } finally {
    await database.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
