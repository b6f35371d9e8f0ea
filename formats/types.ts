// The shapes every reader and writer of formats/ shares. A leaf: it imports nothing, so the readers
// (csv.ts, xlsx.ts) and the dispatcher over them (rows.ts) depend on it and never on each other.

/** One row of a file, as read: raw text cells, nothing checked yet. */
export interface ImportRow {
  /**
   * CSV: the physical line where the record starts (the header is line 1 when nothing precedes it).
   * XLSX: the sheet's row number, as Excel shows it.
   */
  line: number;
  /** Text as written; an XLSX number is the text the file stores ("120", "4.4e+17"), a boolean TRUE/FALSE. */
  cells: string[];
  /** XLSX: the row is hidden in Excel (present only when true). */
  hidden?: true;
}

export type ImportKind = 'csv' | 'xlsx';

/** A text file's encoding as detected: UTF-8, UTF-8 with a byte-order mark, or GB18030 (which contains GBK). */
export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'gb18030';

export type CsvDelimiter = ',' | ';' | '\t';

/** A worksheet of the workbook, in workbook order. */
export interface XlsxSheet {
  /** Position in the workbook (the tabs' order, hidden sheets included), from 0. */
  index: number;
  name: string;
  /** Hidden or "very hidden" in Excel. */
  hidden: boolean;
  /** Rows of the used range (<dimension>), when the sheet declares one and it has been seen. */
  rows: number | null;
}
