/* What every browser test checks on every page it visits (#17): axe-core
 * finds no violation, and the page is no wider than the window (nothing
 * to scroll sideways, at a phone's 390 px as on a laptop).
 *
 * axe-core is pinned in package.json (package-lock.json) and installed by
 * `npm ci` into the test's WORK folder, as playwright-core is; its source
 * is injected into the page under test (page.evaluate runs outside the
 * page's Content-Security-Policy). Every rule axe runs by default is on:
 * WCAG 2.0-2.2 A and AA and axe's best practices; colour contrast is
 * checked a second time with the system in dark mode.
 *
 *   const a11y = require('./a11y');
 *   a11y.setup(WORK, 'browser');         // once, before the first audit
 *   await a11y.audit(page, 'phone home'); // one check for axe, one for width
 *
 * Each audit also records the page's counts in WORK/a11y-<test>.json
 * ({ what: { violations, rules, overflow } }), so two runs can be compared
 * page by page.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const qa = require('../lib/qa_test');

let axeSource = null;
let tallyFile = null;
let tally = {};

/* Installs axe-core into `work` if missing; `test` names the tally file. */
function setup(work, test) {
  axeSource = qa.loadPinned(__dirname, work, 'axe-core').source;
  tallyFile = path.join(work, `a11y-${test}.json`);
  tally = {};
}

/* axe's violations on the page as it is now: rule, impact and up to three
 * of the elements, as CSS selectors. */
async function violations(page) {
  if (!await page.evaluate(() => typeof window.axe === 'object')) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
}

/* How far the page is wider than the viewport the test set (not
 * innerWidth, which a phone's browser widens to fit what overflows), and
 * the elements whose right edge passes it. */
async function overflow(page) {
  const size = page.viewportSize();
  const width = size ? size.width : await page.evaluate(() => window.innerWidth);
  return page.evaluate((w) => {
    const over = document.documentElement.scrollWidth - w;
    const culprits = over <= 0 ? [] : [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > w + 0.5)
      .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= w + 0.5)
      .slice(0, 3)
      .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''));
    return { over, culprits };
  }, width);
}

/* Colour contrast again with the system in dark mode (style.css has a
 * palette for prefers-color-scheme: dark), then back to the test's own. */
async function darkContrast(page) {
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    return await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: ['color-contrast'], resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id + ' (dark)', impact: v.impact, count: v.nodes.length,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
  } finally {
    await page.emulateMedia({ colorScheme: null });
  }
}

async function inspect(page) {
  if (!axeSource) throw new Error('a11y.setup() was not called');
  const v = await violations(page);
  v.push(...await darkContrast(page));
  return { v, o: await overflow(page) };
}

/* Both checks on `page`, named `what` in a failure. */
async function audit(page, what) {
  const { v, o } = await inspect(page);
  qa.check(v.length === 0, `axe on ${what}: ` +
    v.map((x) => `${x.id} [${x.impact}] (${x.count}): ${x.nodes.join(', ')}`).join(' | '));
  qa.check(o.over <= 0, `${what}: ${o.over} px wider than the window: ${o.culprits.join(', ')}`);
  tally[what] = { violations: v.reduce((n, x) => n + x.count, 0), rules: v.map((x) => x.id), overflow: Math.max(0, o.over) };
  fs.writeFileSync(tallyFile, JSON.stringify(tally, null, 1) + '\n');
}

/* The checks can fail: a page made here with an unnamed image, grey on
 * grey in dark mode only, and a block wider than a phone is caught on
 * all three counts (and not recorded in the tally). */
async function selfTest(page) {
  await page.setContent('<!DOCTYPE html><html lang="en"><head><title>bad</title><style>' +
    '@media (prefers-color-scheme: dark) { p { color: #333; background: #222; } }</style></head>' +
    '<body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><p>dim</p>' +
    '<div style="width:2000px">wide</div></main></body></html>');
  const { v, o } = await inspect(page);
  const ids = v.map((x) => x.id);
  qa.check(ids.includes('image-alt') && ids.includes('color-contrast (dark)') && !ids.includes('color-contrast') && o.over > 0,
    `a11y.js catches what it is for: ${ids.join(', ')}; ${o.over} px too wide (${o.culprits})`);
}

module.exports = { setup, audit, selfTest };
