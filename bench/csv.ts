// CSV tokenizer benchmark (issue 10): formats/csv.ts, the one tokenizer of the product, against
// csv-parse (the well-kept library in package.json), on the roster of bench:screening.
//
//   npm run bench:csv                        # the 1,500,000-row roster (107 MB), generated once and cached
//   npm run bench:csv -- --roster 200000     # a smaller one
//
// Each reader runs in its own process (peak memory is the process's own high-water mark), over the file
// read from disk in 64 KiB chunks, doing what an import needs of it: every row with its physical line
// number, blank rows skipped. csv-parse is given what it needs for that: the three line endings, rows of
// any length, a record cap, and our own line counting (its `info.lines` counts a CRLF as two lines).
// Both must agree on the row count and the last row's line, or the benchmark fails.
import { fork } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from 'csv-parse';
import { readRows } from '../formats/rows';
import { loadLauncherConfig } from '../server/config';
import { projectRoot } from '../scripts/tools';
import { log, runBench } from './common';
import { ensureDataSet } from './screeningData';

const MODES = ['formats/csv.ts', 'csv-parse'] as const;
type Mode = (typeof MODES)[number];

interface Figures {
  mode: Mode;
  rows: number;
  lastLine: number;
  seconds: number;
  /** The process's peak resident memory (tsx and the modules loaded included). */
  peakRssMiB: number;
  /** Growth over what the process held before reading: resident memory and V8 heap, sampled every 20 ms. */
  rssGrowthMiB: number;
  heapGrowthMiB: number;
}

const CHUNK = 64 * 1024;

/** Peak resident memory of this process, from Linux's high-water mark (else the sampled peak). */
function vmHwm(): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function measure(mode: Mode, file: string): Promise<Figures> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const started = performance.now();
  let rows = 0;
  let lastLine = 0;
  if (mode === 'formats/csv.ts') {
    const limits = { maxBytes: 2 ** 31, maxRows: 100_000_000 };
    for await (const row of readRows(createReadStream(file, { highWaterMark: CHUNK }), { fileName: path.basename(file), limits })) {
      rows++;
      lastLine = row.line;
    }
  } else {
    const parser = new Parser({ relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'], delimiter: ',', max_record_size: 2_000_000 });
    createReadStream(file, { highWaterMark: CHUNK }).pipe(parser);
    let line = 1;
    for await (const record of parser as AsyncIterable<string[]>) {
      const at = line;
      // Line breaks are kept inside quoted fields: each one moves the next record down.
      for (const f of record) if (f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) line += (f.match(/\r\n|\r|\n/g) ?? []).length;
      line++;
      if (record.some((c) => c !== '')) {
        rows++;
        lastLine = at;
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  sample();
  const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
  return { mode, rows, lastLine, seconds, peakRssMiB: mib(vmHwm() ?? peakRss), rssGrowthMiB: mib(peakRss - base.rss), heapGrowthMiB: mib(peakHeap - base.heapUsed) };
}

function inChild(mode: Mode, file: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', mode, file], { execArgv: [...process.execArgv, '--expose-gc'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Figures) : reject(new Error(`${mode}: exit ${code}`))));
  });
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    process.stdout.write(JSON.stringify(await measure(argv[1] as Mode, argv[2])));
    return;
  }
  let roster = 1_500_000;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--roster') roster = Number(argv[++i]);
    else throw new Error('usage: tsx bench/csv.ts [--roster N]');
  }
  // The data set of bench:screening with these parameters (its defaults for 1.5 million rows), reused when cached.
  const toolsDir = path.resolve(projectRoot, loadLauncherConfig(process.env).TOOLS_DIR);
  const { data, reused } = await ensureDataSet({
    rosterRows: roster,
    listRows: Math.round(roster / 10),
    seed: 20231001,
    planFile: path.join(projectRoot, 'examples/plans/jiangmen-2023.yaml'),
    rootDir: path.join(toolsDir, 'bench-screening'),
    log,
  });
  const file = data.roster;
  log(`${reused ? 'reused' : 'generated'} ${file.path}: ${file.rows.toLocaleString('en')} rows, ${(file.bytes / 2 ** 20).toFixed(1)} MiB`);
  log(`${cpus().length} CPU cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' / ')}: other work on the machine skews the figures`);
  const results: Figures[] = [];
  for (const mode of MODES) {
    const f = await inChild(mode, file.path);
    results.push(f);
    log(
      `${mode.padEnd(15)} ${f.rows.toLocaleString('en')} rows in ${f.seconds.toFixed(2)} s: ${Math.round(f.rows / f.seconds).toLocaleString('en')} rows/s; ` +
        `while reading RSS +${f.rssGrowthMiB} MiB and heap +${f.heapGrowthMiB} MiB at most (process peak RSS ${f.peakRssMiB} MiB)`,
    );
  }
  const [ours, theirs] = results;
  if (ours.rows !== theirs.rows || ours.lastLine !== theirs.lastLine) {
    throw new Error(`the readers disagree: ${JSON.stringify(results)}`);
  }
  log(`csv-parse takes ${(theirs.seconds / ours.seconds).toFixed(1)}x the time of formats/csv.ts`);
}

await runBench(main);
