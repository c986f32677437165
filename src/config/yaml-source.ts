/**
 * YAML files with positions: parse with the `yaml` package (syntax errors carry line:column), then map any
 * later complaint about a value (schema, matrix) back to where it is written, so every message reads
 * `sweeps/x.yaml:12:5: matrix.sise: unknown key 'sise' (did you mean 'size'?)`.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isPair, isScalar, type Node } from 'yaml';
import type { z } from 'zod';
import { BadFileError, didYouMean } from '../errors.js';

export type Path = ReadonlyArray<PropertyKey>;

export class YamlSource {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly root: Node | null,
    private readonly lines: LineCounter,
  ) {}

  static read(file: string): YamlSource {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new BadFileError(file, `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    return YamlSource.parse(file, text);
  }

  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      throw new BadFileError(where, `YAML syntax error: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) throw new BadFileError(file, 'the file is empty');
    return new YamlSource(file, value, (doc.contents as Node | null) ?? null, lines);
  }

  /** `file:line:col` of the value at `path` (or of the key `key` inside it); the nearest parent when absent. */
  where(path: Path, key?: string): string {
    let node: Node | null = this.root;
    let best = node;
    for (const seg of path) {
      if (!node) break;
      node = childOf(node, seg);
      if (node) best = node;
    }
    let range = best?.range;
    if (key !== undefined && node && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
      const keyNode = pair?.key as Node | undefined;
      if (keyNode?.range) range = keyNode.range;
    }
    if (!range) return this.file;
    const pos = this.lines.linePos(range[0]);
    return `${this.file}:${pos.line}:${pos.col}`;
  }

  /** A BadFileError placed at `path`. */
  problem(path: Path, message: string, key?: string): BadFileError {
    const label = formatPath(path);
    return new BadFileError(this.where(path, key), label ? `${label}: ${message}` : message);
  }

  /** Validates against a zod schema; every issue (up to 8) becomes a line naming file:line:col and the key. */
  validate<S extends z.ZodType>(schema: S): z.output<S> {
    const result = schema.safeParse(this.value);
    if (result.success) return result.data;
    const messages: string[] = [];
    for (const issue of result.error.issues.slice(0, 8)) {
      if (issue.code === 'unrecognized_keys') {
        const known = knownKeysAt(schema, issue.path);
        for (const key of issue.keys) {
          const hint = didYouMean(key, known) || (known.length ? `; known keys: ${known.join(', ')}` : '');
          const label = formatPath([...issue.path, key]);
          messages.push(`${this.where(issue.path, key)}: ${label}: unknown key '${key}'${hint}`);
        }
      } else {
        const label = formatPath(issue.path);
        messages.push(`${this.where(issue.path)}: ${label ? `${label}: ` : ''}${issue.message}`);
      }
    }
    const more = result.error.issues.length > 8 ? `\n  … and ${result.error.issues.length - 8} more` : '';
    const [first, ...rest] = messages;
    // BadFileError prefixes the file; the first message already names file:line:col, so split it back off.
    const at = first!.indexOf(': ');
    throw new BadFileError(first!.slice(0, at), first!.slice(at + 2) + rest.map((m) => `\n  ${m}`).join('') + more);
  }
}

function childOf(node: Node, seg: PropertyKey): Node | null {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
    return (pair?.value as Node | null | undefined) ?? null;
  }
  if (isSeq(node) && typeof seg === 'number') return (node.items[seg] as Node | undefined) ?? null;
  return null;
}

/** `matrix.include[2].size` */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out;
}

/** The keys an object schema accepts at `path`, for did-you-mean; [] when it cannot tell. */
export function knownKeysAt(schema: z.ZodType, path: Path): string[] {
  let s: unknown = schema;
  for (const seg of [...path, null]) {
    s = unwrap(s);
    const def = (s as { def?: Record<string, unknown> } | undefined)?.def;
    if (!def) return [];
    if (seg === null) return def.type === 'object' ? Object.keys(def.shape as object) : [];
    if (def.type === 'object') s = (def.shape as Record<string, unknown>)[String(seg)];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return [];
  }
  return [];
}

function unwrap(s: unknown): unknown {
  for (;;) {
    const def = (s as { def?: Record<string, unknown> } | undefined)?.def;
    if (!def) return s;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') s = def.innerType;
    // schema.transform(f) is a pipe from the schema; z.preprocess(f, schema) a pipe from the transform into it
    else if (def.type === 'pipe') s = (def.in as { def?: { type?: string } }).def?.type === 'transform' ? def.out : def.in;
    else return s;
  }
}
