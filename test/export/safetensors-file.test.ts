// The safetensors writer against the format's specification, read back by an independent reader; then the
// exported model.safetensors of each layout, tensor by tensor, against the checkpoint it came from.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../src/engine/backends.js';
import { exportCheckpoint } from '../../src/export/index.js';
import { encodeSafetensors } from '../../src/export/safetensors.js';
import { readCheckpoint } from '../../src/train/checkpoint.js';
import { fixtureConfig, randomisedEncoder, writeFixtureCheckpoint } from './fixtures.js';
import { readSafetensors } from './safetensors-reader.js';

before(async () => {
  await useBackend('cpu');
});

test('a two-tensor file, byte for byte: u64 length, space-padded JSON header, little-endian float32 data', () => {
  const bytes = encodeSafetensors(
    [
      { name: 'a', shape: [2], data: Float32Array.from([1, -2]) },
      { name: 'empty', shape: [1, 0], data: new Float32Array(0) },
      { name: 'c', shape: [1, 1], data: Float32Array.from([0.5]) },
    ],
    { format: 'pt' },
  );
  const json =
    '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
    '"empty":{"dtype":"F32","shape":[1,0],"data_offsets":[8,8]},"c":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}';
  const padded = json + ' '.repeat((8 - (json.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeUInt32LE(padded.length, 0); // high 32 bits stay 0
  const data = Buffer.from([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f]); // 1, −2, 0.5
  assert.deepEqual(bytes, Buffer.concat([length, Buffer.from(padded), data]));
  assert.equal((8 + padded.length) % 8, 0, 'data starts 8-byte aligned');
});

test('header round trip: names in order, shapes, metadata and values come back from the independent reader', () => {
  const tensors = [
    { name: 'w', shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, -6.5]) },
    { name: 'b', shape: [3], data: Float32Array.from([Math.PI, -0, 1e-30]) },
    { name: 'odd name.with dots/and-slash', shape: [1], data: Float32Array.from([Number.MAX_VALUE]) },
  ];
  for (const metadata of [{}, { format: 'pt', note: 'ünïcødé ✓' }] as Array<Record<string, string>>) {
    const back = readSafetensors(encodeSafetensors(tensors, metadata));
    assert.equal(back.headerLength % 8, 0);
    assert.deepEqual(back.metadata, Object.keys(metadata).length ? metadata : null);
    assert.deepEqual(back.names, tensors.map((t) => t.name));
    for (const t of tensors) {
      assert.deepEqual(back.tensors.get(t.name)!.shape, t.shape);
      assert.deepEqual(back.tensors.get(t.name)!.data, t.data);
    }
  }
});

test('the writer refuses duplicate names, the reserved name and a shape that does not fit the values', () => {
  const t = { name: 'x', shape: [2], data: new Float32Array(2) };
  assert.throws(() => encodeSafetensors([t, t]), /'x' given twice/);
  assert.throws(() => encodeSafetensors([{ ...t, name: '__metadata__' }]), /reserved/);
  assert.throws(() => encodeSafetensors([{ ...t, shape: [3] }]), /shape \[3\] but 2 values/);
});

/** Element (row, col) of a PyTorch [out, in] weight must be mbench's [in, out] element (col, row). */
type Expect = { shape: number[]; value: (i: number) => number };

function expectedTensors(layout: 'bert' | 'mosaic', w: (name: string) => Float32Array, c: { hidden: number; intermediate: number; layers: number; maxSeqLen: number; rows: number }): Map<string, Expect> {
  const { hidden: H, intermediate: I, rows: V } = c;
  const same = (name: string, shape: number[]): Expect => ({ shape, value: (i) => w(name)[i]! });
  const linearT = (name: string, inDim: number, outDim: number): Expect => ({
    shape: [outDim, inDim],
    value: (i) => w(name)[(i % inDim) * outDim + Math.floor(i / inDim)]!,
  });
  const e = new Map<string, Expect>();
  e.set('bert.embeddings.word_embeddings.weight', same('emb.word', [V, H]));
  if (layout === 'bert') e.set('bert.embeddings.position_embeddings.weight', same('emb.position', [c.maxSeqLen, H]));
  e.set('bert.embeddings.token_type_embeddings.weight', same('emb.type', [2, H]));
  e.set('bert.embeddings.LayerNorm.weight', same('emb.ln.gamma', [H]));
  e.set('bert.embeddings.LayerNorm.bias', same('emb.ln.beta', [H]));
  for (let l = 0; l < c.layers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    const m = `layer.${l}.`;
    if (layout === 'bert') {
      for (const [hf, mb] of [['query', 'q'], ['key', 'k'], ['value', 'v']]) {
        e.set(`${p}attention.self.${hf}.weight`, linearT(`${m}attn.${mb}.w`, H, H));
        e.set(`${p}attention.self.${hf}.bias`, same(`${m}attn.${mb}.b`, [H]));
      }
    } else {
      const part = (j: number) => ['q', 'k', 'v'][Math.floor(j / H)]!;
      e.set(`${p}attention.self.Wqkv.weight`, { shape: [3 * H, H], value: (i) => w(`${m}attn.${part(Math.floor(i / H))}.w`)[(i % H) * H + (Math.floor(i / H) % H)]! });
      e.set(`${p}attention.self.Wqkv.bias`, { shape: [3 * H], value: (j) => w(`${m}attn.${part(j)}.b`)[j % H]! });
    }
    e.set(`${p}attention.output.dense.weight`, linearT(`${m}attn.out.w`, H, H));
    e.set(`${p}attention.output.dense.bias`, same(`${m}attn.out.b`, [H]));
    e.set(`${p}attention.output.LayerNorm.weight`, same(`${m}attn.ln.gamma`, [H]));
    e.set(`${p}attention.output.LayerNorm.bias`, same(`${m}attn.ln.beta`, [H]));
    if (layout === 'bert') {
      e.set(`${p}intermediate.dense.weight`, linearT(`${m}ffn.in.w`, H, I));
      e.set(`${p}intermediate.dense.bias`, same(`${m}ffn.in.b`, [I]));
      e.set(`${p}output.dense.weight`, linearT(`${m}ffn.out.w`, I, H));
      e.set(`${p}output.dense.bias`, same(`${m}ffn.out.b`, [H]));
      e.set(`${p}output.LayerNorm.weight`, same(`${m}ffn.ln.gamma`, [H]));
      e.set(`${p}output.LayerNorm.bias`, same(`${m}ffn.ln.beta`, [H]));
    } else {
      e.set(`${p}mlp.gated_layers.weight`, {
        shape: [2 * I, H],
        value: (i) => {
          const [row, col] = [Math.floor(i / H), i % H];
          return row < I ? w(`${m}ffn.gate.w`)[col * I + row]! : w(`${m}ffn.value.w`)[col * I + (row - I)]!;
        },
      });
      e.set(`${p}mlp.wo.weight`, linearT(`${m}ffn.out.w`, I, H));
      e.set(`${p}mlp.wo.bias`, same(`${m}ffn.out.b`, [H]));
      e.set(`${p}mlp.layernorm.weight`, same(`${m}ffn.ln.gamma`, [H]));
      e.set(`${p}mlp.layernorm.bias`, same(`${m}ffn.ln.beta`, [H]));
    }
  }
  e.set('cls.predictions.transform.dense.weight', linearT('mlm.transform.w', H, H));
  e.set('cls.predictions.transform.dense.bias', same('mlm.transform.b', [H]));
  e.set('cls.predictions.transform.LayerNorm.weight', same('mlm.ln.gamma', [H]));
  e.set('cls.predictions.transform.LayerNorm.bias', same('mlm.ln.beta', [H]));
  e.set('cls.predictions.decoder.weight', same('emb.word', [V, H]));
  e.set(layout === 'bert' ? 'cls.predictions.bias' : 'cls.predictions.decoder.bias', same('mlm.bias', [V]));
  return e;
}

for (const recipe of ['bert', 'mosaic'] as const) {
  test(`${recipe}: every tensor of model.safetensors is named, shaped and valued as the checkpoint's weight says`, () => {
    const root = mkdtempSync(join(tmpdir(), 'mbench-export-st-'));
    const config = fixtureConfig(recipe, { hidden: 12, heads: 3, intermediate: 20, layers: 2 });
    const model = randomisedEncoder(config, 5);
    const ckpt = writeFixtureCheckpoint(join(root, 'run'), recipe, model);
    model.dispose();
    const r = exportCheckpoint(ckpt, { format: 'hf', outDir: join(root, 'hf') });
    assert.equal(r.layout, recipe === 'bert' ? 'bert' : 'mosaic-bert');

    const weights = new Map(readCheckpoint(ckpt).arrays.filter((a) => a.kind === 'weight').map((a) => [a.name, a.data]));
    const rows = recipe === 'mosaic' ? 344 : 337; // mosaic pads 337 rows to a multiple of 8
    const expected = expectedTensors(recipe, (n) => weights.get(n) ?? assert.fail(`no weight ${n}`), { ...config, rows });
    const file = readSafetensors(readFileSync(join(root, 'hf', 'model.safetensors')));
    assert.deepEqual([...file.names].sort(), [...expected.keys()].sort());
    for (const [name, want] of expected) {
      const got = file.tensors.get(name)!;
      assert.deepEqual(got.shape, want.shape, name);
      for (let i = 0; i < got.data.length; i++) {
        if (!Object.is(got.data[i], want.value(i))) assert.fail(`${name}[${i}] = ${got.data[i]}, expected ${want.value(i)}`);
      }
    }
    assert.equal(file.metadata?.format, 'pt');
    assert.equal(file.metadata?.mbench_recipe, recipe);
    assert.equal(file.metadata?.mbench_checkpoint_sha256, readCheckpoint(ckpt).header.blobSha256);
    const params = [...weights.values()].reduce((n, a) => n + a.length, 0);
    assert.equal(r.parameters, params);

    const cfg = JSON.parse(readFileSync(join(root, 'hf', 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(cfg.vocab_size, rows);
    assert.equal(cfg.hidden_size, 12);
    assert.equal(cfg.num_attention_heads, 3);
    assert.equal(cfg.intermediate_size, 20);
    assert.equal(cfg.hidden_act, 'gelu_new');
    assert.deepEqual(cfg.architectures, ['BertForMaskedLM']);
    if (recipe === 'mosaic') {
      assert.deepEqual(cfg.auto_map, { AutoConfig: 'configuration_bert.BertConfig', AutoModelForMaskedLM: 'bert_layers.BertForMaskedLM' });
      assert.equal(cfg.alibi_starting_size, 24);
      assert.equal(cfg.attention_probs_dropout_prob, 0);
    } else {
      assert.equal(cfg.auto_map, undefined);
      assert.equal(cfg.attention_probs_dropout_prob, 0.1);
    }
  });
}
