import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rasterize, svgToPng } from '../../src/pareto/chart/render.js';

const darkPixels = (svg: string): number => {
  const img = rasterize(svg, 1);
  let dark = 0;
  for (let i = 0; i < img.pixels.length; i += 4) if (img.pixels[i]! < 128) dark++;
  return dark;
};

test('PNG rendering draws text with the system fonts (resvg draws none without fonts)', () => {
  const text = (family: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="28" font-family="${family}" font-size="20">Pretraining</text></svg>`;
  // the font vega's SVG names first, and a family that does not exist (falls back to DejaVu Sans)
  assert.ok(darkPixels(text('DejaVu Sans, Verdana, sans-serif')) > 100);
  assert.ok(darkPixels(text('NoSuchFont')) > 100);
  const png = svgToPng(text('sans-serif'));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
});
