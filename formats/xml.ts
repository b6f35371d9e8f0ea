// A small streaming XML tokenizer for the few SpreadsheetML parts an import reads (workbook, its
// relationships, the shared strings and one worksheet). No DOM: text arrives in pieces, tags are reported
// as they complete, and only a partial tag is carried over between pieces. Namespace prefixes are dropped
// (some writers emit <x:row>), entities are left to the handler so that it decodes only the text it keeps.
// A DOCTYPE is refused outright: SpreadsheetML never needs one, and it is the door to entity expansion.

export interface XmlHandler {
  /** `attrs` is the raw attribute text; read it with `attr`. */
  open(name: string, attrs: string, selfClosing: boolean): void;
  close(name: string): void;
  /** Raw character data, entities not decoded. CDATA arrives here already escaped. */
  text(raw: string): void;
}

export class XmlSyntaxError extends Error {}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47;
const DQ = 34;
const SQ = 39;

const localName = (qname: string) => {
  const k = qname.indexOf(':');
  return k < 0 ? qname : qname.slice(k + 1);
};

export class XmlTokenizer {
  private rest = '';

  /** `maxPending`: the longest tag, comment or CDATA section carried between pieces. */
  constructor(
    private readonly handler: XmlHandler,
    private readonly maxPending: number,
  ) {}

  push(piece: string): void {
    const s = this.rest.length > 0 ? this.rest + piece : piece;
    this.rest = '';
    const n = s.length;
    let i = 0;
    while (i < n) {
      const lt = s.indexOf('<', i);
      if (lt < 0) {
        this.handler.text(s.slice(i));
        return;
      }
      if (lt > i) this.handler.text(s.slice(i, lt));
      i = lt;
      const next = s.charCodeAt(lt + 1);
      if (next === 33 /* ! */ || next === 63 /* ? */ || Number.isNaN(next)) {
        const consumed = this.special(s, lt);
        if (consumed < 0) break;
        i = consumed;
        continue;
      }
      // The tag ends at the first '>' outside a quoted attribute value.
      let j = lt + 1;
      let quote = 0;
      for (; j < n; j++) {
        const c = s.charCodeAt(j);
        if (quote !== 0) {
          if (c === quote) quote = 0;
        } else if (c === DQ || c === SQ) quote = c;
        else if (c === GT) break;
        else if (c === LT) throw new XmlSyntaxError('标记中出现了“<”');
      }
      if (j >= n) break;
      this.tag(s, lt + 1, j);
      i = j + 1;
    }
    if (i < n) {
      this.rest = s.slice(i);
      if (this.rest.length > this.maxPending) throw new XmlSyntaxError(`XML 标记过长（超过 ${this.maxPending} 个字符）或没有结束`);
    }
  }

  /** Call once after the last piece. */
  end(): void {
    if (this.rest.trim() !== '') throw new XmlSyntaxError('XML 在标记中间结束（文件可能被截断）');
    this.rest = '';
  }

  private tag(s: string, from: number, to: number): void {
    if (s.charCodeAt(from) === SLASH) {
      this.handler.close(localName(s.slice(from + 1, to).trim()));
      return;
    }
    const selfClosing = s.charCodeAt(to - 1) === SLASH;
    const end = selfClosing ? to - 1 : to;
    let k = from;
    while (k < end) {
      const c = s.charCodeAt(k);
      if (c === 32 || c === 9 || c === 10 || c === 13) break;
      k++;
    }
    const name = s.slice(from, k);
    if (name === '') throw new XmlSyntaxError('XML 标记没有名称');
    this.handler.open(localName(name), s.slice(k, end), selfClosing);
  }

  /** Comments, processing instructions, CDATA; returns the index after it, or -1 when incomplete. */
  private special(s: string, lt: number): number {
    if (s.startsWith('<!--', lt)) {
      const e = s.indexOf('-->', lt + 4);
      return e < 0 ? -1 : e + 3;
    }
    if (s.startsWith('<![CDATA[', lt)) {
      const e = s.indexOf(']]>', lt + 9);
      if (e < 0) return -1;
      this.handler.text(s.slice(lt + 9, e).replace(/&/g, '&amp;').replace(/</g, '&lt;'));
      return e + 3;
    }
    if (s.startsWith('<?', lt)) {
      const e = s.indexOf('?>', lt + 2);
      return e < 0 ? -1 : e + 2;
    }
    // Too little to tell yet (the piece ends inside '<![CD'): wait for more. Otherwise a declaration.
    const head = s.slice(lt, lt + 9);
    if ('<![CDATA['.startsWith(head) || '<!--'.startsWith(head)) return -1;
    throw new XmlSyntaxError('文件包含 DOCTYPE 或其他 XML 声明，不是有效的 Excel 工作簿内容');
  }
}

const attrPatterns = new Map<string, RegExp>();

/** The value of attribute `name` (exact, including any prefix) in raw attribute text, entities decoded. */
export function attr(attrs: string, name: string): string | undefined {
  let re = attrPatterns.get(name);
  if (!re) {
    re = new RegExp(`(?:^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
    attrPatterns.set(name, re);
  }
  const m = re.exec(attrs);
  if (!m) return undefined;
  return decodeEntities(m[1] ?? m[2]);
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML's five named entities and numeric character references; anything else is a syntax error. */
export function decodeEntities(raw: string): string {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = raw.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 12) throw new XmlSyntaxError('文本中有未转义的“&”');
    const ref = raw.slice(amp + 1, semi);
    let ch = NAMED[ref];
    if (ch === undefined) {
      const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
      const cp = m ? parseInt(m[1] ?? m[2], m[1] ? 16 : 10) : NaN;
      if (!(cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff))) throw new XmlSyntaxError(`无法识别的 XML 字符引用“&${ref}；”`);
      ch = String.fromCodePoint(cp);
    }
    out += raw.slice(from, amp) + ch;
    from = semi + 1;
    amp = raw.indexOf('&', from);
  }
  return out + raw.slice(from);
}

/**
 * Character data as the value it stands for: line breaks normalised as XML prescribes (a raw CR LF or
 * CR is a LF; a CR written as &#13; stays), entities decoded, then OOXML's _xHHHH_ escapes.
 */
export function decodeText(raw: string): string {
  return decodeOoxmlEscapes(decodeEntities(raw.indexOf('\r') < 0 ? raw : raw.replace(/\r\n?/g, '\n')));
}

/** OOXML's escape for characters XML cannot carry (Excel writes a line break in a cell as _x000D_). */
export function decodeOoxmlEscapes(s: string): string {
  if (s.indexOf('_x') < 0) return s;
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
