#!/usr/bin/env node
/* Without JavaScript, a large upload whose media is not media gets the
 * upload page's message, not a reset connection (issue #17).
 *
 * The form posts the whole file. The server sees after 5 MiB that it holds
 * no container, and with tens of MiB still to come it cannot answer
 * through libmicrohttpd 0.9.75 (no response may be queued mid-body), so it
 * writes the page to the socket and closes: Chromium, failing to send the
 * rest, reads it. Screenshots: WORK/screenshots/nojs-refusal-*.png.
 *
 * usage: node test_nojs_refusal.js --qarchive PATH --work DIR [--chromium PATH]
 */
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const qa = require('../lib/qa_test');
const { check, run, stopServer } = qa;

const USAGE = 'usage: test_nojs_refusal.js --qarchive PATH --work DIR [--chromium PATH]';
const argument = (name, fallback) => qa.argument(name, fallback, USAGE);
const QARCHIVE = path.resolve(argument('qarchive'));
const WORK = path.resolve(argument('work'));
const CHROMIUM = argument('chromium', '/usr/bin/chromium');
const HERE = __dirname;
const USER = 'nojs';
const PASSWORD = 'pw-nojs-12345';
const JUNK_MIB = 40;

function buildArchive(root) {
  fs.rmSync(root, { recursive: true, force: true });
  const dir = path.join(root, '2025-10-03-seed');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'recording.json'), JSON.stringify({ title: 'Seed', kind: 'other', date: '2025-10-03' }));
  fs.writeFileSync(path.join(dir, 'transcript.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA seed.\n');
  run(QARCHIVE, ['index', '--archive', root]);
  run(QARCHIVE, ['user', 'add', USER, '--archive', root], { input: PASSWORD + '\n' });
}

async function main() {
  const { chromium } = qa.loadPinned(HERE, WORK, 'playwright-core', { env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
  const archive = path.join(WORK, 'nojs-archive');
  buildArchive(archive);
  const junk = path.join(WORK, 'nojs-junk.mp4');
  fs.writeFileSync(junk, crypto.randomBytes(JUNK_MIB << 20));
  fs.mkdirSync(path.join(WORK, 'screenshots'), { recursive: true });
  const { proc, port } = await qa.startServer(QARCHIVE, archive, path.join(WORK, 'nojs-serve.log'), ['--no-pictures']);
  const base = `http://127.0.0.1:${port}`;
  let browser = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: qa.CHROMIUM_ARGS });
    const views = { laptop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
    for (const [vname, viewport] of Object.entries(views)) {
      const ctx = await browser.newContext({ viewport, javaScriptEnabled: false });
      const page = await ctx.newPage();
      await page.goto(base + '/login?next=/upload');
      await page.fill('#login-name', USER);
      await page.fill('#login-password', PASSWORD);
      await Promise.all([page.waitForURL('**/upload'), page.click('#login-password >> xpath=ancestor::form//button[@type="submit"]')]);
      await page.fill('#f-title', 'Not a video at all');
      await page.selectOption('#f-kind', 'other');
      await page.setInputFiles('#f-media', junk);
      const nav = page.waitForNavigation({ timeout: 120000 }).then(() => null, (e) => e.message);
      await page.click('#upload-form [type="submit"]');
      const failed = await nav;
      const text = await page.textContent('body').catch(() => '');
      check(!failed && /\/upload$/.test(page.url()), `${vname}: the answer is a page at /upload (${failed || page.url()})`);
      check(/media: not a media file: cannot read the container/.test(text),
        `${vname}: it says why, beside the form: ${text.slice(0, 200)}`);
      check(await page.locator('a[href="/upload"]').count() > 0, `${vname}: with a way back to the form`);
      await page.screenshot({ path: path.join(WORK, 'screenshots', `nojs-refusal-${vname}.png`), fullPage: true });
      await ctx.close();
    }
    const log = fs.readFileSync(path.join(WORK, 'nojs-serve.log'), 'utf8');
    check(/"POST \/upload HTTP\/1\.1" 400 /.test(log), 'the access log has the 400');
    const tmp = path.join(archive, '.qarchive', 'uploads', 'tmp');
    const left = fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((f) => f.startsWith('part-')) : [];
    check(left.length === 0, 'nothing of the upload is left: ' + left.join(' '));
  } finally {
    if (browser) await browser.close();
    await stopServer(proc);
  }
  qa.report();
}

main().catch((e) => {
  console.error(e);
  check(false, 'the test ran to its end');
  qa.report();
});
