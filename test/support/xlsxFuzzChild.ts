// The fuzz corpus read by the XLSX reader in a process of its own (test/unit/xlsxFuzz.test.ts), so that
// a hang, a crash or memory without bound shows as this process going silent or dying, which the test
// names by the case that was running. Reports each case as it starts and ends, over IPC, with a digest
// of the rows read.
import { createHash } from 'node:crypto';
import { ImportFileError, readRows, type Limits } from '../../formats/rows';
import { corpus } from './xlsxCorpus';
import { prng } from './prng';

/** Caps as tight as an import could set them, so that "bounded" is measurable in a test. */
export const FUZZ_LIMITS: Partial<Limits> = {
  maxBytes: 16 * 1024 * 1024,
  maxRows: 100_000,
  maxUncompressedBytes: 32 * 1024 * 1024,
  maxSharedStrings: 100_000,
  maxSharedStringsBytes: 8 * 1024 * 1024,
};

async function* pieces(bytes: Uint8Array, seed: number): AsyncGenerator<Uint8Array> {
  const random = prng(seed);
  for (let off = 0; off < bytes.length; ) {
    const n = 1 + Math.floor(random() ** 3 * 64 * 1024);
    yield bytes.slice(off, off + n);
    off += n;
  }
}

const send = (m: unknown) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;

const cases = corpus();
await send({ type: 'cases', count: cases.length, baseRssMiB: maxRssMiB() });
for (let i = 0; i < cases.length; i++) {
  const c = cases[i];
  await send({ type: 'start', i, name: c.name });
  const started = performance.now();
  let rows = 0;
  const digest = createHash('sha256');
  let outcome: { outcome: 'read' } | { outcome: 'refused'; code: string; reason: string } | { outcome: 'crash'; error: string };
  try {
    for await (const row of readRows(pieces(c.bytes, i), { fileName: `${c.name}.xlsx`, kind: 'xlsx', limits: FUZZ_LIMITS })) {
      rows++;
      digest.update(JSON.stringify(row));
    }
    outcome = { outcome: 'read' };
  } catch (e) {
    outcome = e instanceof ImportFileError ? { outcome: 'refused', code: e.code, reason: e.reason } : { outcome: 'crash', error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  await send({ type: 'done', i, name: c.name, rows, digest: digest.digest('hex'), ms: performance.now() - started, maxRssMiB: maxRssMiB(), heapMiB: process.memoryUsage().heapUsed / 2 ** 20, ...outcome });
}
await send({ type: 'end' });
process.disconnect();
