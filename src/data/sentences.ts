/** Rule-based English sentence splitting: enough for grouping text into paragraphs and building synthetic tasks. */

/** A boundary: end punctuation (optionally closing quotes/brackets), whitespace, then an opening capital/quote/digit. */
const BOUNDARY = /[.!?]["'\u201d\u2019)\]]*(\s+)(?=["'\u201c\u2018(\[]?[A-Z0-9])/gu;
/** Abbreviations after which a period does not end a sentence. */
const ABBREVIATION = /(?:^|\s)(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Col|Capt|Lt|Rev|Hon|Sen|Rep|No|vs|U\.S|i\.e|e\.g|etc|[A-Z])\.$/;

export function splitSentences(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (const m of text.matchAll(BOUNDARY)) {
    const end = m.index + m[0].length - m[1]!.length;
    parts.push(text.slice(start, end));
    start = m.index + m[0].length;
  }
  parts.push(text.slice(start));
  const out: string[] = [];
  for (const part of parts) {
    const s = part.trim();
    if (!s) continue;
    const last = out[out.length - 1];
    if (last !== undefined && ABBREVIATION.test(last)) out[out.length - 1] = `${last} ${s}`;
    else out.push(s);
  }
  return out;
}

/** Groups consecutive sentences into paragraphs of at least `minWords` words (the last may be shorter). */
export function groupSentences(sentences: readonly string[], minWords: number): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let words = 0;
  for (const s of sentences) {
    current.push(s);
    words += wordCount(s);
    if (words >= minWords) {
      out.push(current.join(' '));
      current = [];
      words = 0;
    }
  }
  if (current.length) out.push(current.join(' '));
  return out;
}

/** Words in a single-spaced string (spaces + 1), without allocating. */
export function wordCount(s: string): number {
  let n = 1;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 32) n++;
  return n;
}
