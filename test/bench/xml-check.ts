/**
 * A small, strict XML 1.0 well-formedness checker and parser for the tests (no dependency): an optional XML
 * declaration, one root element, properly nested and matching tags, quoted attributes without duplicates,
 * only the five predefined entities and character references, no raw '<' or '&' in text or attributes, only
 * characters XML allows, comments and CDATA sections. Throws with the offset of the first problem.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside the element, entities decoded. */
  text: string;
}

const NAME = /[A-Za-z_:][A-Za-z0-9_.:-]*/y;
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));/y;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`XML not well-formed at offset ${i}: ${what} (near ${JSON.stringify(src.slice(i, i + 30))})`);
  };
  for (const ch of src) {
    const cp = ch.codePointAt(0)!;
    if (!isXmlChar(cp) || (cp >= 0xd800 && cp <= 0xdfff)) fail(`character U+${cp.toString(16)} is not allowed in XML`);
  }
  const ws = () => {
    while (i < src.length && ' \t\r\n'.includes(src[i]!)) i++;
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(src);
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  /** Decodes text up to (not including) a character in `stop`, checking every '&'. */
  const chars = (stop: string, forbidden: string): string => {
    let out = '';
    while (i < src.length && !stop.includes(src[i]!)) {
      const c = src[i]!;
      if (forbidden.includes(c)) fail(`raw '${c}'`);
      if (c === '&') {
        ENTITY.lastIndex = i;
        const m = ENTITY.exec(src);
        if (!m) fail('an & that starts no known entity or character reference');
        const cp = m![2] ? Number(m![2]) : m![3] ? parseInt(m![3], 16) : -1;
        if (cp !== -1 && !isXmlChar(cp)) fail(`character reference to U+${cp.toString(16)}`);
        out += m![1] ? PREDEFINED[m![1]]! : String.fromCodePoint(cp);
        i += m![0].length;
      } else {
        out += c;
        i++;
      }
    }
    return out;
  };
  const element = (): XmlElement => {
    if (src[i] !== '<') fail("expected '<'");
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      ws();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      if (i === before) fail('expected whitespace before an attribute');
      const key = name();
      if (key in el.attrs) fail(`attribute '${key}' given twice`);
      ws();
      if (src[i] !== '=') fail("expected '='");
      i++;
      ws();
      const quote = src[i];
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value');
      i++;
      el.attrs[key] = chars(quote!, '<');
      if (src[i] !== quote) fail('unterminated attribute value');
      i++;
    }
    for (;;) {
      if (i >= src.length) fail(`unclosed <${el.name}>`);
      if (src.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        ws();
        if (src[i] !== '>') fail("expected '>'");
        i++;
        return el;
      }
      if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i + 4);
        if (end < 0 || src.slice(i + 4, end).includes('--')) fail('bad comment');
        i = end + 3;
      } else if (src.startsWith('<![CDATA[', i)) {
        const end = src.indexOf(']]>', i);
        if (end < 0) fail('unterminated CDATA');
        el.text += src.slice(i + 9, end);
        i = end + 3;
      } else if (src[i] === '<') {
        el.children.push(element());
      } else {
        const start = i;
        el.text += chars('<', '');
        if (src.slice(start, i).includes(']]>')) fail("']]>' in text");
      }
    }
  };
  if (src.startsWith('<?xml')) {
    const end = src.indexOf('?>');
    if (end < 0 || !/^<\?xml version="1\.[0-9]"( encoding="[A-Za-z0-9._-]+")?( standalone="(yes|no)")?\s*\?>$/.test(src.slice(0, end + 2))) fail('bad XML declaration');
    i = end + 2;
  }
  ws();
  const root = element();
  ws();
  if (i !== src.length) fail('content after the root element');
  return root;
}

/** Every element named `name` anywhere under (and including) `el`. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => findAll(c, name))];
}
