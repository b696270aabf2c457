/**
 * A small streaming XML reader for bank messages. fast-xml-parser 5.12 reads a camt.053 at only a few
 * thousand entries per second on our machines (measured; its validator about 30k/s), far from the
 * 50k entries/s a million-entry statement needs, and a 600 MB document does not even fit in one JS
 * string. This reader takes the text in pieces, checks well-formedness (matching tags, attribute syntax,
 * entities, one root; DOCTYPE refused so no entity expansion), and hands each completed element to the
 * caller, which may detach it (e.g. every <Ntry> is converted and dropped, so memory stays bounded).
 *
 * Elements become plain objects in fast-xml-parser's shape: a leaf is its trimmed text, an element with
 * attributes or children is an object with '@_name' attributes, child elements by local name (an array
 * once a name repeats) and '#text'. Namespace prefixes are removed.
 */
import { MORE, type ShapeScanner } from './xml-shape-scan.ts';

export type XmlNode = Record<string, unknown>;

export class XmlSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(message);
    this.name = 'XmlSyntaxError';
    this.line = line;
    this.column = column;
  }
}

interface Frame {
  readonly name: string;
  readonly qname: string;
  /** Created on the first attribute or child; a leaf stays null and becomes its text. */
  node: XmlNode | null;
  text: string;
}

const NAME_RE = /[A-Za-z_][\w.:-]*/y;
const ATTR_RE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END_RE = /\s*(\/?)>/y;
const CLOSE_RE = /<\/([A-Za-z_][\w.:-]*)\s*>/y;
const ENTITY_RE = /&(#x[0-9a-fA-F]+|#\d+|[A-Za-z]+);|&/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NON_ASCII_RE = /[\u0080-\u00ff]/;

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}

/**
 * Receives each element as it closes, with the local names of its open ancestors (root first).
 * Return true to detach it from its parent (it will not appear in the final tree).
 */
export type OnElement = (name: string, value: unknown, ancestors: readonly string[]) => boolean;

/**
 * Elements read by a ShapeScanner instead of the general path (xml-shape-scan.ts): `wants` says which (by
 * local name and open ancestors, for bare start tags `<Name>`), `scanner` reads them.
 */
export interface FastElements {
  wants(name: string, ancestors: readonly string[]): boolean;
  readonly scanner: ShapeScanner;
}

export class XmlStreamReader {
  private carry = '';
  private readonly fast: FastElements | undefined;
  /** Changes with every buffer `feed` scans (ShapeScanner caches positions per buffer). */
  private generation = 0;
  /** Set at `finish` so an element the fast path was waiting on is read (and refused) the general way. */
  private fastOff = false;
  private linesBefore = 1;
  private readonly stack: Frame[] = [];
  private readonly names: string[] = [];
  private root: XmlNode | null = null;
  private rootName = '';
  private rootClosed = false;
  private readonly onElement: OnElement;
  /** Pieces are UTF-8 bytes as Latin-1 characters (text.ts xmlPieces): texts with non-ASCII bytes are decoded here. */
  private readonly utf8Bytes: boolean;

  constructor(onElement: OnElement = () => false, options: { utf8Bytes?: boolean; fast?: FastElements } = {}) {
    this.onElement = onElement;
    this.utf8Bytes = options.utf8Bytes ?? false;
    this.fast = options.fast;
  }

  /**
   * A bare start tag `<Name>` at lt..gt that the fast path wants: the position after its end tag once
   * read and delivered, 'more' when its end tag is not in this buffer yet, or -1 for the general path.
   */
  private tryFast(buf: string, lt: number, gt: number): number | 'more' {
    const fast = this.fast;
    if (fast === undefined || this.fastOff || this.stack.length === 0 || gt === lt + 1) return -1;
    for (let i = lt + 1; i < gt; i++) {
      const c = buf.charCodeAt(i);
      if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57 && i > lt + 1) || c === 95 || c === 58)) return -1;
    }
    const name = localName(buf.slice(lt + 1, gt));
    if (!fast.wants(name, this.names)) return -1;
    const value = fast.scanner.scan(buf, this.generation, lt, gt);
    if (value === MORE) return 'more';
    if (value === null) return -1;
    const parent = this.stack[this.stack.length - 1] as Frame;
    parent.node ??= {};
    if (!this.onElement(name, value, this.names)) {
      const prev = parent.node[name];
      if (prev === undefined) parent.node[name] = value;
      else if (Array.isArray(prev)) prev.push(value);
      else parent.node[name] = [prev, value];
    }
    return fast.scanner.end;
  }

  /** Text as written: UTF-8 byte strings decoded (before entities, which are characters already). */
  private chars(raw: string): string {
    return this.utf8Bytes && NON_ASCII_RE.test(raw) ? Buffer.from(raw, 'latin1').toString('utf8') : raw;
  }

  private fail(buf: string, pos: number, message: string): never {
    let line = this.linesBefore;
    let lastNl = -1;
    for (let i = buf.indexOf('\n'); i >= 0 && i < pos; i = buf.indexOf('\n', i + 1)) {
      line++;
      lastNl = i;
    }
    throw new XmlSyntaxError(message, line, pos - lastNl);
  }

  private decode(buf: string, raw: string, pos: number): string {
    if (!raw.includes('&')) return raw;
    ENTITY_RE.lastIndex = 0;
    return raw.replace(ENTITY_RE, (m, ent: string | undefined, offset: number) => {
      if (ent === undefined) this.fail(buf, pos + offset, "'&' that does not start an entity (write &amp;)");
      if (ent.startsWith('#')) {
        const code = ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
        if (!(code > 0 && code <= 0x10ffff)) this.fail(buf, pos + offset, `invalid character reference ${m}`);
        return String.fromCodePoint(code);
      }
      const v = NAMED[ent];
      if (v === undefined) this.fail(buf, pos + offset, `unknown entity ${m}`);
      return v;
    });
  }

  private text(buf: string, raw: string, pos: number): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (raw.trim() !== '') this.fail(buf, pos, this.rootClosed ? 'text after the document element' : 'text before the document element');
      return;
    }
    top.text += this.decode(buf, this.chars(raw), pos);
  }

  /**
   * Indentation between tags before an element has any text: it would be trimmed away anyway, so it is
   * never sliced out and concatenated (most of the characters of a pretty-printed bank file).
   */
  private ignorableSpace(buf: string, from: number, to: number): boolean {
    const top = this.stack[this.stack.length - 1];
    if (top && top.text !== '') return false;
    for (let i = from; i < to; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
    }
    return true;
  }

  private open(buf: string, pos: number, gt: number): number {
    if (this.rootClosed) this.fail(buf, pos, 'a second document element');
    // Fast path: a bare start tag "<Name>" (almost every tag in a bank message).
    let simple = gt > pos + 1;
    for (let i = pos + 1; i < gt && simple; i++) {
      const c = buf.charCodeAt(i);
      simple = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57 && i > pos + 1) || c === 95 || c === 58 || c === 45 || c === 46;
    }
    if (simple) {
      const qname = buf.slice(pos + 1, gt);
      if (qname.charCodeAt(0) >= 48 && qname.charCodeAt(0) <= 57) this.fail(buf, pos, `'<' that does not start a valid tag`);
      this.push(qname, null);
      return gt + 1;
    }
    NAME_RE.lastIndex = pos + 1;
    const nm = NAME_RE.exec(buf);
    if (!nm) this.fail(buf, pos, `'<' that does not start a valid tag`);
    let at = NAME_RE.lastIndex;
    let node: XmlNode | null = null;
    for (;;) {
      ATTR_RE.lastIndex = at;
      const a = ATTR_RE.exec(buf);
      if (!a) break;
      const attr = a[1] ?? '';
      if (attr !== 'xmlns' && !attr.startsWith('xmlns:')) {
        node ??= {};
        node[`@_${localName(attr)}`] = this.decode(buf, this.chars(a[2] ?? a[3] ?? ''), at);
      }
      at = ATTR_RE.lastIndex;
    }
    TAG_END_RE.lastIndex = at;
    const end = TAG_END_RE.exec(buf);
    if (!end) this.fail(buf, at, `malformed start tag <${nm[0]}> (attribute syntax or missing '>')`);
    this.push(nm[0], node);
    if (end[1] === '/') this.close(buf, pos);
    return TAG_END_RE.lastIndex;
  }

  private push(qname: string, node: XmlNode | null): void {
    const name = localName(qname);
    if (this.stack.length === 0) {
      this.rootName = name;
    }
    this.stack.push({ name, qname, node, text: '' });
    this.names.push(name);
  }

  private close(buf: string, pos: number): void {
    const frame = this.stack.pop();
    this.names.pop();
    if (!frame) this.fail(buf, pos, 'end tag without a start tag');
    const text = frame.text === '' ? '' : frame.text.trim();
    let value: unknown;
    if (frame.node === null) value = text;
    else {
      if (text !== '') frame.node['#text'] = text;
      value = frame.node;
    }
    const parent = this.stack[this.stack.length - 1];
    if (!parent) {
      this.rootClosed = true;
      this.root = typeof value === 'object' ? (value as XmlNode) : { '#text': value };
      this.onElement(frame.name, value, this.names);
      return;
    }
    if (this.onElement(frame.name, value, this.names)) {
      parent.node ??= {};
      return;
    }
    parent.node ??= {};
    const prev = parent.node[frame.name];
    if (prev === undefined) parent.node[frame.name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else parent.node[frame.name] = [prev, value];
  }

  /** Feeds the next piece of the document; incomplete markup at its end waits for the next piece. */
  feed(piece: string): void {
    this.generation++;
    let buf: string;
    if (this.carry === '') buf = piece;
    else if (piece.charCodeAt(0) === 60 /* < */ && !this.carry.includes('<')) {
      // The previous piece ended in plain text and this one starts a tag: take that text now instead of
      // concatenating (a concatenated multi-megabyte string is much slower to scan).
      this.text(this.carry, this.carry, 0);
      for (let i = this.carry.indexOf('\n'); i >= 0; i = this.carry.indexOf('\n', i + 1)) this.linesBefore++;
      buf = piece;
    } else buf = this.carry + piece;
    let pos = 0;
    const len = buf.length;
    while (pos < len) {
      const lt = buf.indexOf('<', pos);
      if (lt < 0) break; // text continues in the next piece
      if (lt > pos && !this.ignorableSpace(buf, pos, lt)) this.text(buf, buf.slice(pos, lt), pos);
      pos = lt;
      const c1 = buf.charCodeAt(lt + 1);
      if (Number.isNaN(c1)) break;
      if (c1 === 47 /* / */) {
        // Fast path: "</Name>" closing the open element, compared in place without a regex.
        const open = this.stack[this.stack.length - 1];
        if (open && buf.startsWith(open.qname, lt + 2) && buf.charCodeAt(lt + 2 + open.qname.length) === 62 /* > */) {
          this.close(buf, lt);
          pos = lt + 3 + open.qname.length;
          continue;
        }
        CLOSE_RE.lastIndex = lt;
        const m = CLOSE_RE.exec(buf);
        if (!m) {
          if (buf.indexOf('>', lt) < 0) break;
          this.fail(buf, lt, 'malformed end tag');
        }
        const name = localName(m[1] ?? '');
        const top = this.stack[this.stack.length - 1];
        if (!top) this.fail(buf, lt, `end tag </${m[1] ?? ''}> without a start tag`);
        if (top.name !== name) this.fail(buf, lt, `end tag </${m[1] ?? ''}> does not match the open <${top.name}>`);
        this.close(buf, lt);
        pos = CLOSE_RE.lastIndex;
      } else if (c1 === 63 /* ? */) {
        const end = buf.indexOf('?>', lt + 2);
        if (end < 0) break;
        pos = end + 2;
      } else if (c1 === 33 /* ! */) {
        if (buf.startsWith('<!--', lt)) {
          const end = buf.indexOf('-->', lt + 4);
          if (end < 0) break;
          pos = end + 3;
        } else if (buf.startsWith('<![CDATA[', lt)) {
          const end = buf.indexOf(']]>', lt + 9);
          if (end < 0) break;
          const top = this.stack[this.stack.length - 1];
          if (!top) this.fail(buf, lt, 'CDATA outside the document element');
          top.text += this.chars(buf.slice(lt + 9, end));
          pos = end + 3;
        } else if (len - lt < 9) break;
        else this.fail(buf, lt, buf.startsWith('<!DOCTYPE', lt) ? 'DOCTYPE declarations are not allowed in bank messages' : `unexpected markup '${buf.slice(lt, lt + 12)}'`);
      } else {
        const gt = buf.indexOf('>', lt);
        if (gt < 0) break; // the tag continues in the next piece
        const after = this.tryFast(buf, lt, gt);
        if (after === 'more') break; // the element ends in a later piece
        pos = after >= 0 ? after : this.open(buf, lt, gt);
      }
    }
    // Keep the unprocessed tail; count the lines of what was consumed for error positions.
    for (let i = buf.indexOf('\n'); i >= 0 && i < pos; i = buf.indexOf('\n', i + 1)) this.linesBefore++;
    this.carry = buf.slice(pos);
  }

  /** Ends the document; returns { rootName: rootElement } (or throws if the document is incomplete). */
  finish(): XmlNode {
    if (this.fast !== undefined && !this.fastOff && this.carry.trim() !== '') {
      // An element the fast path was waiting for never ended: read the rest the general way so the
      // error (unclosed element, truncated markup) is the same as without the fast path.
      this.fastOff = true;
      const rest = this.carry;
      this.carry = '';
      this.feed(rest);
    }
    const rest = this.carry;
    if (rest.trim() !== '') {
      if (this.stack.length === 0) {
        this.fail(rest, 0, rest.trimStart().startsWith('<') ? 'incomplete markup at the end of the document' : 'text after the document element');
      }
      this.fail(rest, 0, 'the document ends inside markup (truncated file?)');
    }
    const open = this.stack[this.stack.length - 1];
    if (open) this.fail('', 0, `the document ends while <${open.name}> is still open (truncated file?)`);
    if (!this.root) this.fail('', 0, 'no document element');
    return { [this.rootName]: this.root };
  }
}
