import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fileCorpus } from '../../src/data/corpus.js';
import { BadFileError, UserError } from '../../src/errors.js';

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const d of it) out.push(d);
  return out;
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'mbench-corpus-'));
}

test('C4 JSON-lines shards, plain and gzipped, read in name order', async () => {
  const dir = tmp();
  const line = (t: string) => JSON.stringify({ text: t, url: 'x', timestamp: 'y' });
  writeFileSync(join(dir, 'c4-train.00001-of-00002.json.gz'), gzipSync([line('third doc'), line('fourth doc')].join('\n') + '\n'));
  writeFileSync(join(dir, 'c4-train.00000-of-00002.json'), [line('first doc'), '', line('second\ndoc')].join('\n'));
  writeFileSync(join(dir, 'README.html'), 'ignored');
  assert.deepEqual(await collect(fileCorpus([dir]).documents()), ['first doc', 'second\ndoc', 'third doc', 'fourth doc']);
});

test('plain text: paragraphs split on blank lines, nested folders', async () => {
  const dir = tmp();
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'a.txt'), 'One line\nsame paragraph.\n\n\nSecond paragraph.\n');
  writeFileSync(join(dir, 'sub', 'b.txt'), 'Third.');
  assert.deepEqual(await collect(fileCorpus([dir]).documents()), ['One line same paragraph.', 'Second paragraph.', 'Third.']);
});

test('a corrupt .gz shard is an error naming the file', async () => {
  const dir = tmp();
  const good = gzipSync(JSON.stringify({ text: 'hello' }) + '\n'.repeat(1) + JSON.stringify({ text: 'x'.repeat(5000) }) + '\n');
  const file = join(dir, 'bad.jsonl.gz');
  writeFileSync(file, good.subarray(0, good.length - 12)); // truncated
  await assert.rejects(collect(fileCorpus([dir]).documents()), (e: unknown) => e instanceof BadFileError && e.message.includes(file) && /gzip/.test(e.message));
  const garbage = join(dir, 'bad.jsonl.gz');
  writeFileSync(garbage, Buffer.from('this is not gzip at all'));
  await assert.rejects(collect(fileCorpus([garbage]).documents()), (e: unknown) => e instanceof BadFileError && e.message.includes(garbage));
});

test('a bad JSON line names file:line', async () => {
  const dir = tmp();
  const file = join(dir, 'c.jsonl');
  writeFileSync(file, `${JSON.stringify({ text: 'ok' })}\n{"text": oops}\n`);
  await assert.rejects(collect(fileCorpus([file]).documents()), (e: unknown) => e instanceof BadFileError && e.message.startsWith(`${file}:2:`));
  writeFileSync(file, `${JSON.stringify({ body: 'no text field' })}\n`);
  await assert.rejects(collect(fileCorpus([file]).documents()), (e: unknown) => e instanceof BadFileError && e.message.includes(`${file}:1`) && e.message.includes('"text"'));
});

test('missing paths and folders without corpus files are user errors', () => {
  assert.throws(() => fileCorpus(['/nonexistent/corpus']), (e: unknown) => e instanceof UserError && e.message.includes('/nonexistent/corpus'));
  assert.throws(() => fileCorpus([tmp()]), UserError);
});
