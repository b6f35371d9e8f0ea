// Bulk loading with COPY on both databases: PostgreSQL streams `COPY … FROM STDIN` through postgres.js;
// PGlite (embedded, WASM) takes each batch as a blob (`COPY … FROM '/dev/blob'`). Rows go in PostgreSQL's
// text format, so no value is ever interpolated into SQL.
import type { Sql } from 'postgres';
import { driverOf, type Db } from './client';

export type CopyValue = string | number | boolean | null | undefined | readonly string[];

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** One value in COPY text format: \N for null, backslash escapes for the separators. */
function encodeValue(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'string') return NEEDS_ESCAPE.test(v) ? escapeText(v) : v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  // A text[] literal: {"a","b"} with quotes and backslashes escaped, then escaped again for COPY.
  return escapeText(`{${v.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`);
}
const escapeText = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);

const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function copyLine(values: readonly CopyValue[]): string {
  let line = encodeValue(values[0]);
  for (let i = 1; i < values.length; i++) line += `\t${encodeValue(values[i])}`;
  return `${line}\n`;
}

/**
 * A COPY into one table. PostgreSQL: one `COPY … FROM STDIN` on a reserved connection (no other query
 * may share a connection mid-COPY), rows streamed as they are written (`write` waits when the server
 * is behind), committed by `end`. PGlite: each `write` is its own COPY from a blob, committed at once.
 */
export interface CopyWriter {
  write(rows: readonly (readonly CopyValue[])[]): Promise<void>;
  end(): Promise<void>;
  /** Abandons the COPY (PostgreSQL rolls the statement back). */
  abort(err: Error): Promise<void>;
}

export async function openCopy(db: Db, table: string, columns: readonly string[]): Promise<CopyWriter> {
  if (!IDENT.test(table) || !columns.every((c) => IDENT.test(c))) throw new Error(`openCopy: bad identifier in ${table}(${columns.join(',')})`);
  const statement = `COPY "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) FROM`;
  const driver = driverOf(db);
  if (driver.kind === 'pglite') {
    const client = driver.client;
    return {
      async write(rows) {
        if (rows.length === 0) return;
        await client.query(`${statement} '/dev/blob'`, [], { blob: new Blob([rows.map(copyLine).join('')]) });
      },
      async end() {},
      async abort() {},
    };
  }
  const reserved = await driver.client.reserve();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    // Back to the connection's own statement timeout before it returns to the pool.
    reserved`reset statement_timeout`.then(
      () => reserved.release(),
      () => reserved.release(),
    );
  };
  let stream: Awaited<ReturnType<ReturnType<Sql['unsafe']>['writable']>>;
  let failed: Error | undefined;
  let refuse: (e: Error) => void = () => {};
  try {
    // A COPY lasts as long as its rows keep coming: the pool's statement timeout is not meant for it.
    await reserved`set statement_timeout = 0`;
    const query = reserved.unsafe(`${statement} STDIN`);
    // postgres.js 3.4 resolves the query with the stream at CopyInResponse; an error the server reports
    // after the client's CopyDone (a row the table refuses: a trigger, a constraint, a character the
    // encoding cannot hold) then goes to that settled query and is lost, and the stream's 'finish' never
    // comes: `end()` would wait forever. The query's own reject is where the driver reports it: heard there.
    const driverQuery = query as unknown as { reject: (e: Error) => void };
    const reject = driverQuery.reject;
    driverQuery.reject = (e: Error) => {
      failed ??= e;
      refuse(e);
      reject(e);
    };
    stream = await query.writable();
  } catch (e) {
    release();
    throw e;
  }
  stream.on('error', (e: Error) => {
    failed ??= e;
  });
  const finished = new Promise<void>((resolve, reject) => {
    refuse = reject;
    if (failed) reject(failed);
    stream.on('finish', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  finished.catch(() => {});
  return {
    async write(rows) {
      if (failed) throw failed;
      if (rows.length === 0) return;
      const ok = stream.write(rows.map(copyLine).join(''));
      if (!ok) {
        await new Promise<void>((resolve, reject) => {
          const done = (e?: Error) => {
            stream.off('drain', done);
            stream.off('error', done);
            if (e) reject(e);
            else resolve();
          };
          stream.on('drain', done);
          stream.on('error', done);
        });
      }
      if (failed) throw failed;
    },
    async end() {
      try {
        stream.end();
        await finished;
        if (failed) throw failed;
      } finally {
        release();
      }
    },
    async abort(err) {
      stream.destroy(err);
      await finished.catch(() => {});
      release();
    },
  };
}
