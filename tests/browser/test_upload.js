#!/usr/bin/env node
/* Browser test of the staff upload (#8) in headless Chromium (Debian's
 * /usr/bin/chromium, driven by playwright-core).
 *
 * usage: node test_upload.js --qarchive PATH --work DIR [--chromium PATH]
 *
 * Builds a one-recording archive in WORK/archive-upload, adds a staff user
 * (`qarchive user add`), starts `qarchive serve` on a free 127.0.0.1 port
 * and does what staff do: sign in through the form, open /upload, fill it
 * in, choose a recording made by ffmpeg at test time and a WebVTT
 * transcript with a distinctive word at 0:04, upload, watch the progress
 * bar reach 100 %, follow "Open the new recording", then search for the
 * word and land on its moment. Then: a transcript error comes back next to
 * its field with the input kept; a page reload in the middle of an upload
 * resumes it from the server's offset when the same file is chosen again;
 * the edit and delete pages. Screenshots go to WORK/screenshots/upload-*;
 * each screenshot's page is audited too (a11y.js: axe-core, overflow).
 * The server and the browser are stopped by PID at the end.
 *
 * Each failed check prints a line; the last line is "N passed, N failed".
 */
'use strict';

const fs = require('fs');
const path = require('path');
const qa = require('../lib/qa_test');
const a11y = require('./a11y');
const { check, run, get, sleep, stopServer } = qa;

const USAGE = 'usage: test_upload.js --qarchive PATH --work DIR [--chromium PATH]';
const argument = (name, fallback) => qa.argument(name, fallback, USAGE);

const QARCHIVE = path.resolve(argument('qarchive'));
const WORK = path.resolve(argument('work'));
const CHROMIUM = argument('chromium', '/usr/bin/chromium');
const HERE = __dirname;
const USER = 'ann';
const PASSWORD = 'pw12345678';
const WORD = 'zanzibarquokka';
const CUE_START = 4;
/* The client's chunk (web/upload.js): the resume test stops after one. */
const CHUNK = 8 * 1024 * 1024;

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/* playwright-core from the committed lock file, installed into WORK by
 * `npm ci` when missing (test_browser.js does the same). */
function loadPlaywright() {
  return qa.loadPinned(HERE, WORK, 'playwright-core', { env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
}

function ffmpeg(cwd, args) {
  run('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args], { cwd });
}

/* A recording browsers play (H.264 + AAC in MP4, as the other browser
 * test makes), `seconds` long, at about `kbps` of video. */
function makeMedia(dir, name, seconds, kbps) {
  ffmpeg(dir, ['-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-profile:v', 'baseline',
    '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`,
    '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', name]);
  return path.join(dir, name);
}

function buildArchive(root) {
  fs.rmSync(root, { recursive: true, force: true });
  const d = path.join(root, '2025-01-10-alpha');
  write(path.join(d, 'recording.json'), JSON.stringify({ title: 'Alpha Q&A', kind: 'release-qa', release: '2.6', date: '2025-01-10' }));
  write(path.join(d, 'transcript.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello there\n');
  run(QARCHIVE, ['index', '--archive', root]);
  run(QARCHIVE, ['user', 'add', USER, '--archive', root], { input: PASSWORD + '\n' });
}

/* What must never happen on these pages: a dialog, a page error, a
 * script error, a CSP violation. */
function guard(page, problems) {
  page.on('dialog', (d) => { problems.push('dialog: ' + d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push('console error: ' + m.text());
  });
}

/* Every value the progress bar takes, from the first one: value and max
 * are reflected attributes, so an observer sees each change. */
const INIT = () => {
  window.__csp = [];
  window.__progress = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  document.addEventListener('DOMContentLoaded', () => {
    const bar = document.getElementById('upload-progress');
    const status = document.getElementById('upload-status');
    if (!bar) return;
    new MutationObserver(() => {
      window.__progress.push({ value: Number(bar.getAttribute('value')), max: Number(bar.getAttribute('max')), shown: !status.hidden });
    }).observe(bar, { attributes: true });
  });
};

async function waitFor(page, fn, arg, timeout) {
  try {
    await page.waitForFunction(fn, arg, { timeout: timeout || 10000, polling: 100 });
    return true;
  } catch (e) {
    return false;
  }
}

async function fillDetails(page, title) {
  await page.fill('#f-title', title);
  await page.selectOption('#f-kind', 'webinar');
  await page.fill('#f-release', '2.9');
  await page.fill('#f-date', '2025-12-03');
  await page.fill('#f-speakers', 'Ana Ruiz (Host)\nBen Okafor');
  await page.fill('#f-description', 'A talk about **quokkas**.');
  await page.fill('#f-notes', '## Sources\n\n- https://example.org/quokka\n');
}

async function main() {
  fs.mkdirSync(WORK, { recursive: true });
  const { chromium } = loadPlaywright();
  a11y.setup(WORK, 'upload');
  const archive = path.join(WORK, 'archive-upload');
  const files = path.join(WORK, 'upload-files');
  fs.rmSync(files, { recursive: true, force: true });
  fs.mkdirSync(files, { recursive: true });
  buildArchive(archive);
  const small = makeMedia(files, 'talk.mp4', 8, 300);
  /* More than a chunk, for the reload in the middle. */
  const big = makeMedia(files, 'long-talk.mp4', 30, 8000);
  const bigSize = fs.statSync(big).size;
  if (bigSize <= CHUNK) throw new Error(`${big} is ${bigSize} bytes, not more than a chunk`);
  const vtt = path.join(files, 'talk.vtt');
  write(vtt, 'WEBVTT\n\n00:00:01.000 --> 00:00:03.500\nWelcome, everyone.\n\n' +
    `00:00:0${CUE_START}.000 --> 00:00:06.000\nToday: the ${WORD} and its habits.\n\n` +
    '00:00:06.500 --> 00:00:07.500\nThanks for watching.\n');
  const badSrt = path.join(files, 'broken.srt');
  write(badSrt, '1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03,000 -> nonsense\nbroken timing\n');

  const shots = path.join(WORK, 'screenshots');
  fs.mkdirSync(shots, { recursive: true });
  for (const f of fs.readdirSync(shots)) if (f.startsWith('upload-')) fs.rmSync(path.join(shots, f));

  const log = path.join(WORK, 'serve-upload.log');
  const { proc, port } = await qa.startServer(QARCHIVE, archive, log);
  const base = `http://127.0.0.1:${port}`;
  let browser = null;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: qa.CHROMIUM_ARGS,
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(INIT);
    const page = await context.newPage();
    const problems = [];
    guard(page, problems);

    /* 1. Signed out, /upload sends to the sign-in form; signing in comes back. */
    await page.goto(base + '/upload');
    check(new URL(page.url()).pathname === '/login' && new URL(page.url()).searchParams.get('next') === '/upload',
      'signed out, /upload goes to sign in: ' + page.url());
    await page.fill('#login-name', USER);
    await page.fill('#login-password', PASSWORD);
    await Promise.all([page.waitForURL(base + '/upload'), page.click('form.login button[type="submit"]')]);
    check(await page.locator('.signed-in strong').textContent() === USER, 'signed in as ' + USER);
    check(await page.locator('header nav.account a[href="/upload"]').count() === 1, 'the header links to /upload');
    await page.screenshot({ path: path.join(shots, 'upload-form.png'), fullPage: true });
    await a11y.audit(page, 'laptop upload form');

    /* 2. A transcript error comes back next to its field; nothing typed is lost. */
    await fillDetails(page, 'Broken <transcript> "test"');
    await page.setInputFiles('#f-media', small);
    await page.setInputFiles('#f-transcript', badSrt);
    await page.click('#upload-submit');
    const shown = await waitFor(page, () => !document.getElementById('transcript-error').hidden, null, 15000);
    const slot = await page.locator('#transcript-error').textContent();
    check(shown && /^transcript: line \d+/.test(slot), 'the transcript error is shown by its field: ' + slot);
    check(await page.locator('#form-error').isVisible(), 'and at the top of the form');
    check(await page.inputValue('#f-title') === 'Broken <transcript> "test"' &&
      await page.inputValue('#f-speakers') === 'Ana Ruiz (Host)\nBen Okafor', 'the input is kept');
    check(await page.getAttribute('#f-transcript', 'aria-invalid') === 'true', 'the transcript input is marked invalid');
    check(await page.isEnabled('#upload-submit'), 'the form can be sent again');
    await page.screenshot({ path: path.join(shots, 'upload-error.png'), fullPage: true });
    await a11y.audit(page, 'laptop upload, a transcript error');

    /* 3. The upload itself: progress to 100 %, then the link. */
    await page.goto(base + '/upload');
    await fillDetails(page, 'Quokka habits webinar');
    await page.setInputFiles('#f-media', small);
    await page.setInputFiles('#f-transcript', vtt);
    await page.click('#upload-submit');
    const finished = await waitFor(page, () => !document.getElementById('upload-done').hidden, null, 60000);
    check(finished, 'the upload finishes: ' + await page.locator('#upload-message').textContent() + ' ' +
      await page.locator('#form-error-text').textContent());
    const progress = await page.evaluate(() => window.__progress);
    const size = fs.statSync(small).size;
    check(progress.length > 0 && progress.every((p) => p.shown), 'the progress bar is displayed while uploading');
    check(progress.some((p) => p.value < p.max) && progress[progress.length - 1].value === size &&
      progress[progress.length - 1].max === size, 'the progress bar moves to 100 %: ' + JSON.stringify(progress.slice(-4)));
    check(/100%\)$/.test(await page.locator('#upload-figures').textContent()), 'the figures say 100 %: ' +
      await page.locator('#upload-figures').textContent());
    const link = page.locator('#upload-link');
    check(await link.textContent() === 'Open the new recording', 'the link says what it does');
    /* ?done=uploaded: the page then says it was uploaded (#17). */
    const linked = await link.getAttribute('href');
    check(/^\/watch\/[A-Za-z0-9._-]+\?done=uploaded$/.test(linked), 'it links to the recording: ' + linked);
    const href = linked.split('?')[0];
    await page.screenshot({ path: path.join(shots, 'upload-done.png'), fullPage: true });
    await a11y.audit(page, 'laptop upload done');
    const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('qarchive-upload:')).length);
    check(stored === 0, 'nothing left to resume once it is done');

    /* 4. Follow the link; search for the transcript's word; land on its moment. */
    await Promise.all([page.waitForURL(base + linked), link.click()]);
    check(await page.locator('h1').textContent() === 'Quokka habits webinar', 'the new recording\'s page');
    check(await page.locator('.staff-actions a', { hasText: 'Edit' }).count() === 1, 'staff see Edit on it');
    await page.fill('#site-q', WORD);
    await Promise.all([page.waitForURL(/\/search\?q=/), page.press('#site-q', 'Enter')]);
    const moment = page.locator('.results .moment').first();
    const momentHref = await moment.getAttribute('href');
    check(momentHref && momentHref.startsWith(href + '?t=' + CUE_START), 'the search finds it at 0:04: ' + momentHref);
    await Promise.all([page.waitForURL(/\/watch\//), moment.click()]);
    const landed = await waitFor(page, (t) => {
      const v = document.getElementById('player');
      return v && v.readyState >= 1 && Math.abs(v.currentTime - t) <= 1;
    }, CUE_START, 15000);
    const t = await page.evaluate(() => document.getElementById('player').currentTime);
    check(landed, `the player lands on the cue: currentTime=${t}, want ${CUE_START} ± 1`);
    await page.screenshot({ path: path.join(shots, 'upload-landed.png') });
    await a11y.audit(page, 'laptop the uploaded recording at its moment');

    /* 5. A reload in the middle of an upload resumes it. The second PATCH
     * is held back (never sent on), so the reload comes with exactly one
     * chunk on the server. */
    await page.goto(base + '/upload');
    const title = 'Long quokka session';
    await fillDetails(page, title);
    let patches = 0;
    let released = false;
    await page.route('**/api/uploads/*', (route) => {
      if (route.request().method() !== 'PATCH' || released) return route.continue();
      patches++;
      if (patches === 1) return route.continue();
      return new Promise(() => {}); /* held until the page goes away */
    });
    await page.setInputFiles('#f-media', big);
    await page.click('#upload-submit');
    const oneChunk = await waitFor(page, (c) => window.__progress.some((p) => p.value >= c), CHUNK, 30000);
    for (let i = 0; i < 300 && patches < 2; i++) await sleep(100);
    check(oneChunk && patches === 2, `the first chunk is in and the second held before the reload (PATCHes ${patches})`);
    const before = await page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('qarchive-upload:')));
    check(before.length === 1 && /^\/api\/uploads\/[^/]+$/.test(before[0][1]), 'the upload is remembered: ' + JSON.stringify(before));
    await page.reload();
    released = true;
    const offsets = [];
    page.on('request', (r) => { if (r.method() === 'PATCH') offsets.push(Number(r.headers()['upload-offset'])); });
    await fillDetails(page, title);
    await page.setInputFiles('#f-media', big);
    await page.click('#upload-submit');
    const resuming = await waitFor(page, () => /^Resuming: \d+% already uploaded$/.test(document.getElementById('upload-message').textContent), null, 15000);
    const said = await page.locator('#upload-message').textContent();
    check(resuming && said === `Resuming: ${Math.floor(CHUNK / bigSize * 100)}% already uploaded`, 'the page says it resumes: ' + said);
    await page.screenshot({ path: path.join(shots, 'upload-resuming.png'), fullPage: true });
    await a11y.audit(page, 'laptop upload resuming');
    const resumed = await waitFor(page, () => !document.getElementById('upload-done').hidden, null, 60000);
    check(resumed, 'the resumed upload finishes: ' + await page.locator('#form-error-text').textContent());
    check(offsets.length > 0 && offsets[0] === CHUNK, 'it went on from the server\'s offset, not from 0: ' + JSON.stringify(offsets));
    const longHref = (await page.getAttribute('#upload-link', 'href')).split('?')[0];
    const media = await get(port, '/media/' + longHref.slice('/watch/'.length));
    check(media.status === 200 && Number(media.headers['content-length']) === bigSize,
      `the recording has all ${bigSize} bytes: ${media.status} ${media.headers['content-length']}`);
    await page.unroute('**/api/uploads/*');

    /* 6. The edit and delete pages. */
    await page.goto(base + longHref);
    await Promise.all([page.waitForURL(/\/edit\//), page.click('.staff-actions a:text-is("Edit")')]);
    check(await page.inputValue('#f-title') === title, 'the edit form is filled in');
    await page.screenshot({ path: path.join(shots, 'upload-edit.png'), fullPage: true });
    await a11y.audit(page, 'laptop edit form');
    await page.fill('#f-title', 'Long quokka session, renamed');
    await Promise.all([page.waitForURL(base + longHref + '?done=saved'), page.click('#edit-form button[type="submit"]')]);
    check(await page.locator('h1').textContent() === 'Long quokka session, renamed', 'the edit shows on its page');
    await Promise.all([page.waitForURL(/\/delete\//), page.click('.staff-actions a:text-is("Delete")')]);
    check(/for good\?/.test(await page.locator('h1').textContent()), 'delete asks first');
    await page.screenshot({ path: path.join(shots, 'upload-delete.png'), fullPage: true });
    await a11y.audit(page, 'laptop delete confirmation');
    await Promise.all([page.waitForURL(base + '/?done=deleted'), page.click('form.confirm button[type="submit"]')]);
    check(await page.locator(`a[href="${longHref}"]`).count() === 0, 'deleted: no longer listed');

    const csp = await page.evaluate(() => window.__csp);
    check(csp.length === 0, 'CSP blocked nothing: ' + csp.join(', '));
    check(problems.length === 0, 'no dialogs, page errors or console errors: ' + problems.join(' | '));

    /* 7. Phone-sized screenshots of the form. */
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await phone.addCookies(await context.cookies());
    const p = await phone.newPage();
    await p.goto(base + '/upload');
    await p.screenshot({ path: path.join(shots, 'upload-form-phone.png'), fullPage: true });
    await a11y.audit(p, 'phone upload form');
    await phone.close();
    console.log('screenshots: ' + shots);
  } finally {
    if (browser) await browser.close();
    const code = await stopServer(proc);
    const text = fs.readFileSync(log, 'utf8');
    check(code === 0, 'server exits 0 on SIGTERM: ' + code);
    check(!/ERROR: (Address|Leak)Sanitizer|runtime error/.test(text), 'no sanitizer report: ' + text.slice(-2000));
  }
}

main().then(() => qa.report(), (e) => {
  console.error(e && e.stack ? e.stack : e);
  qa.report(1);
});
