// The XLSX writer (formats/xlsxWriter.ts): what it writes (read back by formats/ and unzipped), that it
// writes as a stream (rows pulled only as the output takes them, memory flat for 200,000 rows), and
// how it stops: nothing written when the rows fail before the first one, and the rows no longer read
// when the output is closed mid-way.
import { Writable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readRows, type ImportRow } from '../../formats/rows';
import { writeXlsx, xlsxBytes, type Cell, type SheetSource } from '../../formats/xlsxWriter';

const MiB = 1024 * 1024;

/** A Writable that keeps what it is given (or only counts it), calling back after `delayMs`. */
function sink(opts: { keep?: boolean; highWaterMark?: number; delayMs?: number } = {}) {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const stream = new Writable({
    highWaterMark: opts.highWaterMark ?? 16 * 1024,
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (opts.keep !== false) chunks.push(chunk);
      if (opts.delayMs) setTimeout(cb, opts.delayMs);
      else cb();
    },
  });
  return { stream, bytes: () => bytes, data: () => new Uint8Array(Buffer.concat(chunks)) };
}

async function rowsOf(bytes: Uint8Array, sheet: number | string = 0): Promise<ImportRow[]> {
  const rows: ImportRow[] = [];
  for await (const row of readRows((async function* () { yield bytes; })(), { fileName: '导出.xlsx', sheet })) rows.push(row);
  return rows;
}

function exposeGc(): (() => Promise<void>) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    return async () => {
      gc();
      await new Promise((r) => setTimeout(r, 50));
      gc();
    };
  } catch {
    return undefined;
  }
}

const LEDGER: Cell[][] = [
  ['蓬江区 困难群体参保实名登记管理台账'],
  ['身份证号已脱敏'],
  ['序号', '姓名', '身份证号', '政府代缴(元)', '备注'],
  [1, '张三', '440703********123X', 120, null],
  [2, '=HYPERLINK("http://x")', '440703********2345', 70.5, '+86 电话'],
  [3, '@李四', '-1', 0, '\t制表'],
  [4, 'a & b <c> "d"', undefined, -3, ''],
];

describe('XLSX writer', () => {
  it('writes sheets, widths and values that formats/ reads back, neutralising whatever a spreadsheet would run', async () => {
    const out = sink();
    await writeXlsx(out.stream, [
      { name: '实名登记台账', widths: [6, 10, 22, 10, 20], rows: LEDGER },
      { name: '名单[2]: 村/居?*', rows: (async function* () { yield ['第二张表']; })() },
    ]);
    const bytes = out.data();
    const parts = unzipSync(bytes);
    expect(Object.keys(parts).sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']);
    const sheet1 = strFromU8(parts['xl/worksheets/sheet1.xml']);
    expect(sheet1).toContain('<cols><col min="1" max="1" width="6" customWidth="1"/>');
    expect(sheet1).toContain('<row r="4"><c r="A4"><v>1</v></c><c r="B4" t="inlineStr"><is><t xml:space="preserve">张三</t></is></c>');
    expect(sheet1).toContain(`'=HYPERLINK(&quot;http://x&quot;)`);
    expect(strFromU8(parts['xl/workbook.xml'])).toContain('<sheet name="实名登记台账" sheetId="1" r:id="rId1"/><sheet name="名单 2   村 居  " sheetId="2" r:id="rId2"/>');

    const rows = await rowsOf(bytes);
    expect(rows.map((r) => r.cells)).toEqual([
      ['蓬江区 困难群体参保实名登记管理台账'],
      ['身份证号已脱敏'],
      ['序号', '姓名', '身份证号', '政府代缴(元)', '备注'],
      ['1', '张三', '440703********123X', '120'],
      ['2', `'=HYPERLINK("http://x")`, '440703********2345', '70.5', "'+86 电话"],
      ['3', "'@李四", "'-1", '0', "'\t制表"],
      ['4', 'a & b <c> "d"', '', '-3'],
    ]);
    expect((await rowsOf(bytes, 1)).map((r) => r.cells)).toEqual([['第二张表']]);
    // The same workbook made whole in memory has the same parts.
    const whole = unzipSync(xlsxBytes([{ name: '实名登记台账', widths: [6, 10, 22, 10, 20], rows: LEDGER }, { name: '名单[2]: 村/居?*', rows: [['第二张表']] }]));
    for (const [name, data] of Object.entries(parts)) expect(strFromU8(whole[name]), name).toBe(strFromU8(data));
  });

  it('writes 200,000 rows pulled one by one with heap growth far under the workbook, and reads them back', async () => {
    const ROWS = 200_000;
    const gc = exposeGc();
    expect(gc, 'a GC to tell retained memory from garbage').toBeDefined();
    await gc!();
    const base = process.memoryUsage().heapUsed;
    let retained = 0;
    async function* ledger(): AsyncGenerator<Cell[]> {
      yield ['序号', '姓名', '身份证号', '户籍村(居)', '政府代缴(元)'];
      for (let i = 1; i <= ROWS; i++) {
        if (i % 50_000 === 0) {
          await gc!();
          retained = Math.max(retained, process.memoryUsage().heapUsed - base);
        }
        yield [i, `王${i}`, `440703********${String(i % 10_000).padStart(4, '0')}`, `第${i % 900}村`, 120];
      }
    }
    const out = sink({ keep: false });
    await writeXlsx(out.stream, [{ name: '台账', rows: ledger() }]);
    console.log(`200,000-row XLSX: ${(out.bytes() / MiB).toFixed(1)} MiB written; heap retained while writing at most ${(retained / MiB).toFixed(2)} MiB`);
    // The sheet's XML alone is ~20 MiB (~40 MiB as UTF-16 strings): streamed, a batch and the deflate window.
    expect(retained).toBeLessThan(8 * MiB);

    const kept = sink();
    await writeXlsx(kept.stream, [{ name: '台账', rows: ledger() }]);
    const rows = await rowsOf(kept.data());
    expect(rows).toHaveLength(ROWS + 1);
    expect(rows.at(-1)).toEqual({ line: ROWS + 1, cells: [String(ROWS), `王${ROWS}`, '440703********0000', '第200村', '120'] });
  }, 120_000); // 200,000 rows written and read back: seconds alone, far more on a busy 2-core machine

  it('pulls rows only as fast as the output takes them, and stops reading them when the output is closed', async () => {
    let pulled = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<Cell[]> {
      try {
        for (;;) {
          pulled++;
          yield [pulled, `名字${pulled}`, `${pulled}`.repeat(8)];
        }
      } finally {
        closed = true;
      }
    }
    // An output that takes one chunk and then never calls back: full after its first write.
    const stuck = new Writable({ highWaterMark: 1, write() {} });
    const writing = writeXlsx(stuck, [{ name: '名单', rows: endless() }]);
    await new Promise((r) => setTimeout(r, 300));
    const pulledWhileStuck = pulled;
    await new Promise((r) => setTimeout(r, 300));
    expect(pulled).toBe(pulledWhileStuck);
    // A batch of XML (64 KiB) and what deflate holds: a few thousand short rows, not the endless rest.
    expect(pulled).toBeLessThan(20_000);
    stuck.destroy();
    await expect(writing).rejects.toThrow('接收方已关闭连接');
    expect(closed).toBe(true);
  });

  it('writes nothing when the rows fail before the first one, so the failure can still be answered as an error', async () => {
    const out = sink();
    async function* failing(): AsyncGenerator<Cell[]> {
      if (out.bytes() === 0) throw new Error('数据库连接中断');
      yield [];
    }
    await expect(writeXlsx(out.stream, [{ name: '台账', rows: failing() }])).rejects.toThrow('数据库连接中断');
    expect(out.bytes()).toBe(0);
    expect(out.stream.writableEnded).toBe(false);
  });

  it('writes a workbook whose sheets arrive one by one, each with its own rows', async () => {
    async function* villages(): AsyncGenerator<SheetSource> {
      for (const v of ['北步社区', '城西社区', '荷塘村']) yield { name: v, rows: [[`${v} 待动员名单`], ['序号', '姓名'], [1, `${v}的人`]] };
    }
    const out = sink();
    await writeXlsx(out.stream, villages());
    const parts = unzipSync(out.data());
    expect(Object.keys(parts).filter((p) => p.startsWith('xl/worksheets/'))).toEqual(['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml', 'xl/worksheets/sheet3.xml']);
    expect((await rowsOf(out.data(), '荷塘村')).map((r) => r.cells)).toEqual([['荷塘村 待动员名单'], ['序号', '姓名'], ['1', '荷塘村的人']]);
  });
});
