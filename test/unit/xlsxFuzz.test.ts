// The XLSX reader's fuzz corpus (test/support/xlsxCorpus.ts): seed workbooks, their truncations, byte
// flips and tampered zip headers, and hand-made hostile parts. Each case must be read or refused with an
// ImportFileError: never another error, never a hang (a time bound per case), never memory without bound
// (the reading process has a 256 MiB heap; its peak RSS is checked after every case), and never read as
// other rows than its seed's (a damaged workbook read silently would store what nobody wrote). The cases run in a
// child process so that a hang or a crash is seen and named, not suffered by the test runner.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** A case taking longer is a hang (the slowest legitimate case takes well under a second here). */
const CASE_SECONDS = 15;
/** Start-up: tsx compiling the child and the corpus being made (a 64 MiB bomb deflated among them). */
const START_SECONDS = 180;
/** Peak RSS the reading process may reach over its own start-up (tsx and the modules included). */
const RSS_GROWTH_MIB = 200;

interface Done {
  type: 'done';
  i: number;
  name: string;
  rows: number;
  /** Of the rows read, in order. */
  digest: string;
  ms: number;
  maxRssMiB: number;
  heapMiB: number;
  outcome: 'read' | 'refused' | 'crash';
  code?: string;
  reason?: string;
  error?: string;
}

function runCorpus(): Promise<{ count: number; baseRssMiB: number; results: Done[]; failure?: string }> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(new URL('../support/xlsxFuzzChild.ts', import.meta.url)), {
      execArgv: ['--import', 'tsx', '--max-old-space-size=256'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const results: Done[] = [];
    let count = 0;
    let baseRssMiB = 0;
    let running: string | undefined;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const end = (failure?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve({ count, baseRssMiB, results, failure });
    };
    const arm = () => {
      clearTimeout(timer);
      const seconds = count === 0 ? START_SECONDS : CASE_SECONDS;
      timer = setTimeout(() => end(`hang: ${running ? `case “${running}”` : 'start-up'} ran over ${seconds} s`), seconds * 1000);
    };
    arm();
    child.on('message', (m: { type: 'cases' | 'start' | 'done' | 'end'; count?: number; baseRssMiB?: number; name?: string }) => {
      if (m.type === 'cases') {
        count = m.count!;
        baseRssMiB = m.baseRssMiB!;
      } else if (m.type === 'start') running = m.name;
      else if (m.type === 'done') results.push(m as unknown as Done);
      else if (m.type === 'end') return end();
      arm();
    });
    child.on('exit', (code, signal) => end(`the reading process died (${signal ?? `exit ${code}`}) during case “${running}”: a crash or memory without bound`));
  });
}

describe('XLSX reader fuzz corpus', () => {
  it('reads or refuses every case with an ImportFileError, in bounded time and memory', async () => {
    const run = await runCorpus();
    expect(run.failure).toBeUndefined();
    expect(run.results).toHaveLength(run.count);
    const crashes = run.results.filter((r) => r.outcome === 'crash').map((r) => `${r.name}: ${r.error}`);
    expect(crashes).toEqual([]);
    const grown = run.results.filter((r) => r.maxRssMiB - run.baseRssMiB > RSS_GROWTH_MIB).map((r) => `${r.name}: peak RSS ${Math.round(r.maxRssMiB)} MiB`);
    expect(grown).toEqual([]);

    const by = (outcome: Done['outcome']) => run.results.filter((r) => r.outcome === outcome);
    // The seeds are read whole; a corpus that only ever refuses would prove nothing.
    // (streamed-inline's first visible sheet is its two lines of instructions.)
    for (const [seed, rows] of [['excel', 41], ['sheet-first', 41], ['streamed-stored', 41], ['streamed-inline', 2]] as const) {
      expect(run.results.find((r) => r.name === seed)).toMatchObject({ outcome: 'read', rows });
    }
    expect(by('read').length).toBeGreaterThan(20);
    // A damaged workbook is never read as something else: what a mutation lets through is its seed's rows
    // exactly (the damage was in a part not read, or in bytes that do not matter, such as a comment).
    const seedDigest = new Map(run.results.filter((r) => !r.name.includes('/')).map((r) => [r.name, r.digest]));
    const misread = by('read').filter((r) => r.name.includes('/') && r.digest !== seedDigest.get(r.name.split('/')[0])).map((r) => r.name);
    expect(misread).toEqual([]);
    expect(by('refused').length).toBeGreaterThan(300);
    const codes = new Set(by('refused').map((r) => r.code));
    for (const code of ['malformed', 'too-large', 'zip-bomb', 'too-many-entries']) expect(codes).toContain(code);
    // Every refusal says why in Chinese.
    expect(by('refused').filter((r) => !/[\u4e00-\u9fff]/.test(r.reason ?? '')).map((r) => `${r.name}: ${r.reason}`)).toEqual([]);
    const slowest = [...run.results].sort((a, b) => b.ms - a.ms).slice(0, 3);
    const peak = Math.max(...run.results.map((r) => r.maxRssMiB));
    console.log(
      `XLSX fuzz corpus: ${run.count} cases, ${by('read').length} read, ${by('refused').length} refused (${[...codes].sort().join(', ')}); ` +
        `slowest ${slowest.map((r) => `${r.name} ${Math.round(r.ms)} ms`).join(', ')}; peak RSS ${Math.round(peak)} MiB (start ${Math.round(run.baseRssMiB)} MiB)`,
    );
  }, 600_000);
});
