import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyse } from '../../src/pareto/analyse.js';
import { paretoSpec } from '../../src/pareto/chart/pareto-spec.js';
import { htmlPage, INLINED_BUNDLES, packageDir, scriptSafe } from '../../src/pareto/chart/html.js';
import { pointFromSummary } from '../../src/pareto/load.js';
import { makeSummary, realisticRuns } from './synthetic.js';

const report = analyse(realisticRuns().map((r) => pointFromSummary(makeSummary('demo', r))), {
  sweep: 'demo',
  x: 'hours',
  y: 'score',
  rules: [{ label: 'Published </script><b>x</b>', y: 0.76 }],
});
const page = htmlPage('mbench pareto — demo <&>', [{ id: 'chart-pareto', spec: paretoSpec(report) }], 'table <pre> text');
const bundles = INLINED_BUNDLES.map(({ pkg, file }) => readFileSync(join(packageDir(pkg), file), 'utf8'));

/** The page with the inlined library bundles cut out: what mbench itself wrote. */
function ownText(html: string): string {
  let rest = html;
  for (const b of bundles) {
    const at = rest.indexOf(scriptSafe(b));
    assert.ok(at >= 0, 'each library bundle is inlined whole');
    rest = rest.slice(0, at) + rest.slice(at + scriptSafe(b).length);
  }
  return rest;
}

test('the HTML page inlines vega, vega-lite and vega-embed and loads nothing from the network', () => {
  // What mbench wrote around the three inlined bundles: no element that fetches (script src, link, img,
  // iframe …), no src/href attribute, no CSS import, and no URL at all (the spec's $schema is dropped and the
  // editor links are off). Inside the bundles URLs exist only as inert strings (editor link, tooltip images).
  const own = ownText(page);
  const ok = (cond: boolean, what: string) => assert.ok(cond, what);
  ok(!/<(link|iframe|img|object|embed|base)\b/i.test(own), 'no fetching elements');
  ok(!/\b(src|href)\s*=/i.test(own), 'no src/href attributes');
  ok(!/@import|url\(/i.test(own), 'no CSS imports');
  ok(!/(https?:|ftp:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i.test(own), 'no URL in the page text or specs');
  ok(/vegaEmbed\("#chart-pareto"/.test(own), 'the chart is embedded');
  ok(/actions: false/.test(own), 'the action menu (editor link) is off');
  assert.equal((page.match(/<script>/g) ?? []).length, 4, 'three inlined bundles and one embedding script');
  assert.equal((page.match(/<script\b/g) ?? []).length, 4, 'no other script element');
});

test('user text cannot break out of the page: titles escaped, spec JSON cannot close its script', () => {
  assert.match(page, /<title>mbench pareto — demo &lt;&amp;&gt;<\/title>/);
  assert.match(page, /table &lt;pre&gt; text/);
  const own = ownText(page);
  assert.equal((own.match(/<\/script>/g) ?? []).length, 4, 'only the four script elements close');
  assert.match(own, /Published \\u003c\/script>\\u003cb>x\\u003c\/b>/);
});
