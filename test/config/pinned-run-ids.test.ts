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
    // recorded with the untyped RunSpec (main before the merge), after the quickstart moved to batch 24 × 0/64/192/512
    'bert-tiny-0ba-s1': 'e93e2c9443c7',
    'bert-tiny-0ba-s2': '263743f248e9',
    'bert-tiny-64ba-s1': 'fb5d9b37b75f',
    'bert-tiny-192ba-s3': '436e2c9c0027',
    'bert-tiny-512ba-s1': '3a79c10ea6ae',
    'mosaic-tiny-0ba-s1': '43c400550d65',
    'mosaic-tiny-64ba-s2': '054bc452b951',
    'mosaic-tiny-192ba-s1': 'e39ad123941c',
    'mosaic-tiny-512ba-s3': 'dcdb6a6b8f98',
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
