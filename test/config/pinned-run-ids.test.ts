/**
 * Run ids are the folder names of finished results: a change to how a spec is built or hashed that moves them
 * would make every existing results folder look unfinished. These ids were computed from the bundled sweeps
 * before RunSpec.config became a typed record (issue 13) and must stay the same. If a sweep file is edited on
 * purpose, recompute its ids and say so in the commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadSweep } from '../../src/config/expand.js';
import { repoRoot } from '../../src/version.js';

const PINNED: Record<string, Record<string, string>> = {
  'quickstart.yaml': {
    'bert-tiny-0ba-s1': '3c31f474a2c4',
    'bert-tiny-0ba-s2': '525a9223697f',
    'bert-tiny-48ba-s1': 'dbf922030f14',
    'bert-tiny-128ba-s3': '0174a7a7c1a7',
    'bert-tiny-384ba-s1': '1f8dfd04dca2',
    'mosaic-tiny-0ba-s1': '254fbd95537b',
    'mosaic-tiny-48ba-s2': '65b566dd0325',
    'mosaic-tiny-128ba-s1': 'f5879d717122',
    'mosaic-tiny-384ba-s3': '89d57c1c4d8e',
  },
  'tiny-real.yaml': {
    'bert-tiny-4ba-s1': 'f449f543f347',
    'mosaic-tiny-4ba-s1': '7cc409168cdb',
  },
  // Sweep-defined recipes (base + overrides) and base-size runs go through the same hash.
  'ablations.yaml': {
    'bert+alibi-tiny-80ba-s1': '3ac2ef917e60',
    'bert+unpad-tiny-160ba-s2': '5c6c4506059b',
    'bert+vocab8-tiny-80ba-s2': '2a681667fc97',
    'mosaic-tiny-160ba-s1': '30b844009872',
  },
  'mosaicbert-base.yaml': {
    'bert-base-10000ba-s17': 'f666677ce33f',
    'mosaic-base-70000ba-s17': '80649c68dcc6',
  },
};

for (const [file, pinned] of Object.entries(PINNED)) {
  test(`${file}: run ids are the ones recorded before the typed RunSpec`, () => {
    const runs = loadSweep(join(repoRoot, 'sweeps', file)).runs;
    const ids = Object.fromEntries(runs.map((r) => [r.name, r.id]));
    for (const [name, id] of Object.entries(pinned)) assert.equal(ids[name], id, `${file} ${name}`);
  });
}
