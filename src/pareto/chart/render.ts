/**
 * Stage 4c: Vega-Lite spec → SVG (vega headless, no canvas) → PNG (resvg, system fonts). resvg draws no text
 * without fonts, so it loads the system's and defaults to DejaVu Sans, which the charts name first.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterizes SVG at `scale`× (2 = crisp on high-DPI screens and in documents). */
export function rasterize(svg: string, scale = 2) {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render();
}

export function svgToPng(svg: string, scale = 2): Uint8Array {
  return rasterize(svg, scale).asPng();
}
