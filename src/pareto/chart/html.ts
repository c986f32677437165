/**
 * Stage 4c': a self-contained HTML page that works offline: vega, vega-lite and vega-embed are inlined from
 * their npm packages' browser bundles (no CDN, no network request), the specs are embedded as JSON, and the
 * text report sits below the charts. Opened from disk (file://) it renders interactive charts with tooltips.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';

/** The browser bundles to inline, in load order (vega-lite and vega-embed expect `vega` as a global). */
export const INLINED_BUNDLES = [
  { pkg: 'vega', file: 'build/vega.min.js' },
  { pkg: 'vega-lite', file: 'build/vega-lite.min.js' },
  { pkg: 'vega-embed', file: 'build/vega-embed.min.js' },
] as const;

/** A package's folder, found from its resolved entry point (their `exports` hide package.json and build/). */
export function packageDir(pkg: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(pkg)));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === pkg) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of package '${pkg}'`);
    dir = up;
  }
}

let bundleCache: string[] | null = null;
function bundles(): string[] {
  bundleCache ??= INLINED_BUNDLES.map(({ pkg, file }) => readFileSync(join(packageDir(pkg), file), 'utf8'));
  return bundleCache;
}

/** Text that is safe inside <script>…</script>: no closing tag or comment opener can end it early. */
export const scriptSafe = (js: string): string => js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** JSON for a <script>: `<` escaped so no string in the data can close the tag. */
const jsonForScript = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

/** The spec as embedded: without `$schema`, a URL the page never needs (vega-embed is told the mode). */
function offlineSpec(spec: TopLevelSpec): TopLevelSpec {
  const { $schema: _ignored, ...rest } = spec as TopLevelSpec & { $schema?: string };
  return rest as TopLevelSpec;
}

export interface HtmlChart {
  id: string;
  spec: TopLevelSpec;
  /** A heading above the chart, e.g. 'Learning curves'. */
  heading?: string;
}

export function htmlPage(title: string, charts: HtmlChart[], reportText: string): string {
  const libs = bundles()
    .map((js) => `<script>${scriptSafe(js)}</script>`)
    .join('\n');
  const divs = charts.map((c) => `${c.heading ? `<h2>${escapeHtml(c.heading)}</h2>\n` : ''}<div class="chart" id="${c.id}"></div>`).join('\n');
  const embeds = charts
    .map((c) => `vegaEmbed(${jsonForScript('#' + c.id)}, ${jsonForScript(offlineSpec(c.spec))}, opts).catch(show);`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; font-weight: 600; }
.chart { margin: 16px 0 32px; }
pre { font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; background: #f7f7f7; padding: 12px; overflow-x: auto; }
.error { color: #b00; }
</style>
${libs}
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${divs}
<h2>Tables</h2>
<pre>${escapeHtml(reportText)}</pre>
<script>
var opts = { mode: 'vega-lite', renderer: 'svg', actions: false };
function show(err) { var p = document.createElement('p'); p.className = 'error'; p.textContent = 'Chart error: ' + err; document.body.prepend(p); }
${embeds}
</script>
</body>
</html>
`;
}
