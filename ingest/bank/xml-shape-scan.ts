/**
 * A shape-guided scanner for one element of a bank message (e.g. a camt <Ntry>), used by XmlStreamReader
 * in place of its general path for elements that are read in huge numbers. It walks every tag of the
 * element (so nesting is still checked: each end tag must close the element it belongs to) but builds
 * objects only for the elements the caller's `Shape` names, in the same fast-xml-parser shape the general
 * reader produces: a leaf is its trimmed text, an element with kept attributes or kept children is an
 * object ('@_name' attributes, children by local name, an array once a name repeats, '#text').
 * Elements outside the shape are checked and skipped, so the caller must only read paths it listed.
 *
 * It returns null for anything it does not handle exactly like the general reader — entities ('&'),
 * comments, CDATA, processing instructions, end tags with spaces or another prefix, anything malformed.
 * The reader then reads the element the general way, which accepts or refuses it with the usual
 * message and line. So the fast path never accepts a document the general reader would refuse.
 */
import type { XmlNode } from './xml-stream.ts';

/** Child elements to keep, by local name; an empty shape keeps the element's text and attributes only. */
export interface Shape {
  readonly kids: readonly Kid[];
  /**
   * Whether the element's own text is kept: by default only for elements without kept children (leaves);
   * a container's text (normally just indentation) is only collected when the caller reads it.
   */
  readonly text: boolean;
  /** The kids by name length, so a tag is compared with one or two candidates at most. */
  readonly byLength: readonly (readonly Kid[] | undefined)[];
}

interface Kid {
  /** A constant string, so objects get their keys without a lookup in V8's string table. */
  readonly name: string;
  readonly shape: Shape;
}

export function shape(children: Readonly<Record<string, Shape>> = {}, options: { text?: boolean } = {}): Shape {
  const kids = Object.entries(children).map(([name, s]) => ({ name, shape: s }));
  const byLength: Kid[][] = [];
  for (const k of kids) (byLength[k.name.length] ??= []).push(k);
  return { kids, byLength, text: options.text ?? kids.length === 0 };
}

/** The kept child whose name is buf[at, at + length), compared in place (no string is sliced out). */
function kidAt(s: Shape, buf: string, at: number, length: number): Kid | undefined {
  const candidates = s.byLength[length];
  if (candidates === undefined) return undefined;
  for (const k of candidates) if (buf.startsWith(k.name, at)) return k;
  return undefined;
}

/** `scan`'s answer when the element's end is not in the buffer yet. */
export const MORE = Symbol('more');

const ATTR_RE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END_RE = /\s*(\/?)>/y;
const NON_ASCII_RE = /[\u0080-\u00ff]/;

function isNameChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 58 || c === 45 || c === 46;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}

function attach(parent: XmlNode, name: string, value: unknown): void {
  const prev = parent[name];
  if (prev === undefined) parent[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else parent[name] = [prev, value];
}

export class ShapeScanner {
  private readonly root: Shape;
  private readonly utf8Bytes: boolean;
  /** Per input buffer (by the reader's generation number): the next '&', found lazily. */
  private generation = -1;
  private nextAmp = -1;
  private readonly qStart: number[] = [];
  private readonly qLen: number[] = [];
  private readonly shapes: (Shape | undefined)[] = [];
  private readonly names: string[] = [];
  private readonly nodes: (XmlNode | null)[] = [];
  private readonly texts: string[] = [];

  constructor(root: Shape, options: { utf8Bytes?: boolean } = {}) {
    this.root = root;
    this.utf8Bytes = options.utf8Bytes ?? false;
  }

  private refresh(buf: string, generation: number, from: number): void {
    if (generation !== this.generation) {
      this.generation = generation;
      this.nextAmp = -1;
    }
    // Positions only move forward within one buffer, so each search runs over the buffer once in all.
    if (this.nextAmp !== Infinity && this.nextAmp < from) {
      const i = buf.indexOf('&', from);
      this.nextAmp = i < 0 ? Infinity : i;
    }
  }

  /** After a successful `scan`: the position just after the element's end tag. */
  end = 0;

  /**
   * Reads the element whose bare start tag `<Name>` is at buf[lt, gt]: its value (and `end`), MORE if its
   * end tag is not in this buffer yet, or null if the general reader must read it. `generation` changes
   * whenever the reader's buffer does.
   */
  scan(buf: string, generation: number, lt0: number, gt0: number): unknown {
    const decode = this.utf8Bytes;
    // The open elements as parallel arrays (no object per element): where each start tag's name sits in
    // buf (end tags are compared in place), and for kept elements their shape, object and text.
    const qStart = this.qStart;
    const qLen = this.qLen;
    const shapes = this.shapes;
    const names = this.names;
    const nodes = this.nodes;
    const texts = this.texts;
    let depth = 0;
    qStart[0] = lt0 + 1;
    qLen[0] = gt0 - lt0 - 1;
    shapes[0] = this.root;
    nodes[0] = null;
    texts[0] = '';
    let topShape: Shape | undefined = this.root;
    let pos = gt0 + 1;
    let result: unknown = null;
    for (;;) {
      const lt = buf.indexOf('<', pos);
      if (lt < 0) {
        result = MORE;
        break;
      }
      if (lt > pos && topShape !== undefined && topShape.text) {
        // Indentation before any text would be trimmed away: skip it without slicing.
        let k = pos;
        const text = texts[depth] as string;
        if (text === '') while (k < lt && isSpace(buf.charCodeAt(k))) k++;
        if (k < lt) {
          const raw = buf.slice(k, lt);
          texts[depth] = text + (decode && NON_ASCII_RE.test(raw) ? Buffer.from(raw, 'latin1').toString('utf8') : raw);
        }
      }
      const c1 = buf.charCodeAt(lt + 1);
      if (c1 === 47 /* / */) {
        const qs = qStart[depth] as number;
        const ql = qLen[depth] as number;
        if (lt + 2 + ql >= buf.length) {
          result = MORE;
          break;
        }
        if (buf.charCodeAt(lt + 2 + ql) !== 62 /* > */) break;
        let same = true;
        for (let i = 0; i < ql && same; i++) same = buf.charCodeAt(lt + 2 + i) === buf.charCodeAt(qs + i);
        if (!same) break;
        if (depth === 0) {
          this.end = lt + 3 + ql;
          this.refresh(buf, generation, lt0);
          if (this.nextAmp < lt) break; // entities: the general reader decodes and checks them
          const t = texts[0] as string;
          const text = t === '' ? '' : t.trim();
          const node = nodes[0] as XmlNode | null;
          if (node === null) result = text;
          else {
            if (text !== '') node['#text'] = text;
            result = node;
          }
          break;
        }
        if (topShape !== undefined) {
          const t = texts[depth] as string;
          const text = t === '' ? '' : t.trim();
          const node = nodes[depth] as XmlNode | null;
          let value: unknown = text;
          if (node !== null) {
            if (text !== '') node['#text'] = text;
            value = node;
          }
          const parent = (nodes[depth - 1] as XmlNode | null) ?? (nodes[depth - 1] = {});
          attach(parent, names[depth] as string, value);
          nodes[depth] = null;
          texts[depth] = '';
        }
        depth--;
        topShape = shapes[depth];
        pos = lt + 3 + ql;
        continue;
      }
      if (Number.isNaN(c1)) {
        result = MORE;
        break;
      }
      if (!isNameStart(c1)) break; // comments, CDATA, processing instructions, malformed markup
      let e = lt + 2;
      let colon = -1;
      for (let c = buf.charCodeAt(e); isNameChar(c); c = buf.charCodeAt(++e)) if (c === 58) colon = e;
      let name = '';
      let childShape: Shape | undefined;
      if (topShape !== undefined) {
        const at = colon < 0 ? lt + 1 : colon + 1;
        const kid = kidAt(topShape, buf, at, e - at);
        if (kid !== undefined) {
          name = kid.name;
          childShape = kid.shape;
        }
      }
      let node: XmlNode | null = null;
      let selfClosing = false;
      if (buf.charCodeAt(e) === 62 /* > */) pos = e + 1;
      else {
        let at = e;
        for (;;) {
          ATTR_RE.lastIndex = at;
          const a = ATTR_RE.exec(buf);
          if (!a) break;
          const attr = a[1] ?? '';
          if (childShape !== undefined && attr !== 'xmlns' && !attr.startsWith('xmlns:')) {
            const v = a[2] ?? a[3] ?? '';
            node ??= {};
            node[`@_${localName(attr)}`] = decode && NON_ASCII_RE.test(v) ? Buffer.from(v, 'latin1').toString('utf8') : v;
          }
          at = ATTR_RE.lastIndex;
        }
        TAG_END_RE.lastIndex = at;
        const end = TAG_END_RE.exec(buf);
        if (!end) {
          // an unfinished tag at the end of the buffer, or a malformed one
          if (buf.indexOf('>', at) < 0) result = MORE;
          break;
        }
        selfClosing = end[1] === '/';
        pos = TAG_END_RE.lastIndex;
      }
      if (selfClosing) {
        if (childShape !== undefined) attach((nodes[depth] as XmlNode | null) ?? (nodes[depth] = {}), name, node ?? '');
        continue;
      }
      depth++;
      qStart[depth] = lt + 1;
      qLen[depth] = e - lt - 1;
      shapes[depth] = childShape;
      topShape = childShape;
      if (childShape !== undefined) {
        names[depth] = name;
        nodes[depth] = node;
        texts[depth] = '';
      }
    }
    // Drop what this element built so the arrays hold no references until the next one.
    for (let d = 0; d <= depth; d++) {
      nodes[d] = null;
      texts[d] = '';
    }
    return result;
  }
}
