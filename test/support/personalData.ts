// What a reader of Temporal's store or of the app's logs would see: every workflow history's strings and
// bytes as text, and every line this process wrote. The browser harness scans both at the end of each
// browser test file; a valid resident ID number found in either fails the file.
import { Client, Connection } from '@temporalio/client';
import { maskIdNumber, validateIdNumber } from '../../domain/idNumber';

/** Every string and byte string of a value (bytes read as UTF-8), one per line. */
export function flatten(value: unknown, out: string[] = []): string {
  if (value === null || value === undefined) return out.join('\n');
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) flatten(v, out);
  else if (typeof value === 'object') for (const v of Object.values(value)) flatten(v, out);
  return out.join('\n');
}

/** All histories of the server at `address`, read without any codec: what the Temporal service holds. */
export async function historiesText(address: string): Promise<{ text: string; workflows: number; encrypted: number }> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    let text = '';
    let workflows = 0;
    for await (const wf of client.workflow.list()) {
      text += `${flatten(await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory())}\n`;
      workflows++;
    }
    return { text, workflows, encrypted: (text.match(/binary\/encrypted/g) ?? []).length };
  } finally {
    await connection.close();
  }
}

const ID_SHAPED = /(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])/g;

/** Valid ID numbers standing alone in a text (a timestamp or a counter fails GB 11643), masked for the report. */
export function idNumbersIn(text: string): string[] {
  return [...new Set((text.match(ID_SHAPED) ?? []).filter((m) => validateIdNumber(m, { today: '2100-01-01' }).ok))].map(maskIdNumber);
}

/** Keeps everything this process writes to stdout and stderr (the app's logs, when it runs in-process). */
export function captureWrites(): { text: () => string; restore: () => void } {
  let written = '';
  const restores: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      written += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restores.push(() => (stream.write = original as typeof stream.write));
  }
  return { text: () => written, restore: () => restores.forEach((r) => r()) };
}
