// Files in and out of the API: an upload's name from its headers, and XLSX answers written as their rows arrive.
import type { Request, Response } from 'express';
import { writeXlsx, type SheetSource } from '../../formats/xlsxWriter';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The file's name from X-File-Name (URL-encoded, as headers carry Latin-1 only): no folders, no control characters. */
export function fileNameOf(req: Request, fallback: string): string {
  const raw = req.get('X-File-Name');
  let name = fallback;
  if (raw) {
    try {
      name = decodeURIComponent(raw);
    } catch {
      name = raw;
    }
  }
  return name.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200) || fallback;
}

/**
 * An XLSX answer written as its rows arrive. An error before the first byte is answered as an error; one
 * after it (the database gone mid-download) can only cut the download short, which leaves the client a
 * zip without its directory: an incomplete file that no spreadsheet opens, never a partial list.
 */
export async function sendXlsx(res: Response, fileName: string, sheets: Iterable<SheetSource> | AsyncIterable<SheetSource>): Promise<void> {
  res.type(XLSX_TYPE).attachment(fileName);
  try {
    await writeXlsx(res, sheets);
  } catch (e) {
    if (!res.headersSent) {
      res.removeHeader('Content-Disposition');
      throw e;
    }
    console.error(`[api] ${fileName}: export cut short:`, (e as Error).message);
    res.destroy();
  }
}
