// What an upload says of itself in its headers.
import type { Request } from 'express';

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
