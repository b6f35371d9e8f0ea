// Caps on an uploaded roster or hardship list, and the one error every refusal is. A hostile or broken
// file must be refused before it costs memory or minutes, so each cap is checked at the first moment
// its figure is known (a declared size, a zip entry header, a row count) and the reason is plain Chinese
// for the official who exported the file.

export interface Limits {
  /** Bytes of the file as uploaded. */
  maxBytes: number;
  /** Rows yielded (rows whose cells are all empty are not counted). */
  maxRows: number;
  /** Columns holding a value; empty cells beyond the cap are dropped silently. */
  maxColumns: number;
  /** Characters in one cell. */
  maxCellChars: number;
  /** XLSX: entries in the zip archive. */
  maxEntries: number;
  /** XLSX: bytes inflated across all entries that are read (skipped entries are never inflated). */
  maxUncompressedBytes: number;
  /** XLSX: inflated bytes of one entry over its compressed bytes, counted while inflating. */
  maxExpansionRatio: number;
  /** XLSX: entries of the shared-string table (it is held in memory while the sheet is read). */
  maxSharedStrings: number;
  /** XLSX: UTF-8 bytes of the shared-string table's text held in memory. */
  maxSharedStringsBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxBytes: 200 * MiB,
  maxRows: 2_000_000,
  maxColumns: 200,
  maxCellChars: 10_000,
  maxEntries: 1_000,
  maxUncompressedBytes: 1024 * MiB,
  maxExpansionRatio: 100,
  // Two distinct texts per row (ID number and name) for a file at maxRows.
  maxSharedStrings: 4_000_000,
  maxSharedStringsBytes: 256 * MiB,
});

export function resolveLimits(partial: Partial<Limits> | undefined): Limits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && value > 0)) throw new RangeError(`limits.${key} must be a positive number, got ${String(value)}`);
  }
  return limits;
}

export const IMPORT_FILE_ERROR_CODES = ['too-large', 'too-many-rows', 'wrong-type', 'zip-bomb', 'too-many-entries', 'encoding', 'malformed'] as const;
export type ImportFileErrorCode = (typeof IMPORT_FILE_ERROR_CODES)[number];

/** A whole file refused: nothing of it may be stored. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
  readonly fileName: string;
  readonly code: ImportFileErrorCode;
  /** Plain Chinese, for the official who exported the file. */
  readonly reason: string;
  /** The line (CSV) or sheet row (XLSX) where the problem was found, when it is tied to one. */
  readonly line?: number;

  constructor(init: { fileName: string; code: ImportFileErrorCode; reason: string; line?: number }) {
    super(`${init.fileName}${init.line === undefined ? '' : ` 第 ${init.line} 行`}：${init.reason}`);
    this.fileName = init.fileName;
    this.code = init.code;
    this.reason = init.reason;
    if (init.line !== undefined) this.line = init.line;
  }
}

/** "200 MiB", "1 GiB", "512 KiB", "100 字节" for reasons shown to officials. */
export function formatBytes(n: number): string {
  const units: [number, string][] = [
    [1024 * MiB, 'GiB'],
    [MiB, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [size, unit] of units) {
    if (n >= size) {
      const v = n / size;
      return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
    }
  }
  return `${n} 字节`;
}
