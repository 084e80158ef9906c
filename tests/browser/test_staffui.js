#!/usr/bin/env node
/* Browser test of browsing and the staff pages (#17) in headless Chromium
 * (Debian's /usr/bin/chromium, driven by playwright-core), on a laptop
 * (1280x800) and a phone (390x844).
 *
 * usage: node test_staffui.js --qarchive PATH --work DIR [--chromium PATH]
 *
 * Builds an archive in WORK/archive-staffui (transcripts with voices,
 * notes in GitHub markdown), adds a staff user, starts `qarchive serve` on
 * a free 127.0.0.1 port and checks, with axe-core on every page (0
 * violations) and screenshots in WORK/screenshots/staffui-*:
 *   - the header: "Sign in" for visitors (on 404s too), "Signed in as
 *     NAME · Sign out" for staff on every page;
 *   - result cards: the recording's length, who speaks at the moment, no
 *     raw markdown in snippets; sort by date; the year facet; an empty
 *     /search shows the newest recordings and examples;
 *   - the all-or-nothing edit: a bad transcript with a new title saves
 *     nothing, says "Not saved" once and focuses the transcript input;
 *   - "Saved", "Deleted" and "Uploaded" after the redirects;
 *   - a big file that is not media (made here) is refused after its first
 *     megabytes, the focus on the media input; a real upload shows speed,
 *     time left, Pause and Cancel.
 * The server and the browser are stopped by PID at the end. Each failed
 * check prints a line; the last line is "N passed, N failed".
 */
'use strict';

const fs = require('fs');
const path = require('path');
const qa = require('../lib/qa_test');
const a11y = require('./a11y');
const { check, run, stopServer } = qa;

const USAGE = 'usage: test_staffui.js --qarchive PATH --work DIR [--chromium PATH]';
const argument = (name, fallback) => qa.argument(name, fallback, USAGE);

const QARCHIVE = path.resolve(argument('qarchive'));
const WORK = path.resolve(argument('work'));
const CHROMIUM = argument('chromium', '/usr/bin/chromium');
const HERE = __dirname;
const USER = 'ann';
const PASSWORD = 'pw12345678';
const MiB = 1024 * 1024;
const VIEWS = { laptop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

let SHOTS = null;

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function buildArchive(root) {
  fs.rmSync(root, { recursive: true, force: true });
  const old = path.join(root, '2024-03-05-pelican-webinar');
  write(path.join(old, 'recording.json'), JSON.stringify({
    title: 'Pelican migration webinar', kind: 'webinar', date: '2024-03-05',
    description: 'A **close** look at [pelicans](https://example.org/p) and `their_routes`.',
  }));
  write(path.join(old, 'transcript.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Maya Chen>Pelicans fly ' +
    'south when the water cools.\n\n00:12:00.000 --> 00:12:30.000\n<v Ben Okafor>Pelicans again, ' +
    'and the routes they take.\n');
  const tac = path.join(root, '2025-06-02-tac-pelicans');
  write(path.join(tac, 'recording.json'), JSON.stringify({
    title: 'TAC meeting: the pelican dataset', kind: 'tac-meeting', date: '2025-06-02',
  }));
  write(path.join(tac, 'transcript.vtt'), 'WEBVTT\n\n00:00:02.000 --> 00:00:06.000\n<v Ann Lee>The ' +
    'pelican dataset needs an owner.\n\n01:02:03.000 --> 01:02:10.000\n<v Ann Lee>Thanks all.\n');
  write(path.join(tac, 'notes.md'), '## Minutes\n\n| Item | Owner |\n|---|---|\n| pelican dataset | ' +
    '~~Ben~~ Ann |\n\n- [x] agree on the **pelican** schema\n- [ ] publish it at ' +
    'https://example.org/pelicans and tell the list\n');
  run(QARCHIVE, ['index', '--archive', root]);
  run(QARCHIVE, ['user', 'add', USER, '--archive', root], { input: PASSWORD + '\n' });
}

/* A real recording browsers play, and a big file that is none. */
function makeFiles(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=20',
    '-f', 'lavfi', '-i', 'sine=frequency=330:duration=20', '-c:v', 'libx264', '-preset', 'veryfast',
    '-pix_fmt', 'yuv420p', '-b:v', '8000k', '-maxrate', '8000k', '-bufsize', '8000k', '-c:a', 'aac',
    'real.mp4'], { cwd: dir });
  /* 48 MiB of bytes no demuxer takes, under a media file's name. */
  const junk = path.join(dir, 'not-media.mp4');
  const block = Buffer.alloc(MiB);
  const fd = fs.openSync(junk, 'w');
  for (let i = 0; i < 48; i++) {
    for (let j = 0; j < MiB; j += 4) block.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, j);
    fs.writeSync(fd, block);
  }
  fs.closeSync(fd);
  return { real: path.join(dir, 'real.mp4'), junk };
}

function guard(page, problems) {
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push('console error: ' + m.text());
  });
}

/* axe-core: 0 violations, no horizontal overflow (a11y.js); a screenshot. */
async function look(page, vname, what) {
  await a11y.audit(page, `${vname} ${what}`);
  await page.screenshot({ path: path.join(SHOTS, `staffui-${vname}-${what}.png`), fullPage: true });
}

async function waitFor(page, fn, arg, timeout) {
  try {
    await page.waitForFunction(fn, arg, { timeout: timeout || 10000, polling: 100 });
    return true;
  } catch (e) {
    return false;
  }
}

/* What a visitor sees: the header, an empty search, result cards. */
async function browse(page, base, vname) {
  await page.goto(base + '/');
  check(await page.locator('header nav.account a.sign-in').textContent() === 'Sign in' &&
    await page.locator('header .signed-in').count() === 0, `${vname}: the header offers Sign in`);
  await look(page, vname, 'home');
  const r404 = await page.goto(base + '/no/such/page');
  check(r404.status() === 404 && await page.locator('header a.sign-in').count() === 1, `${vname}: Sign in on a 404`);
  await look(page, vname, '404');

  await page.goto(base + '/search');
  const newest = await page.locator('.newest li a').allTextContents();
  check(newest[0] === 'TAC meeting: the pelican dataset' && newest[1].startsWith('Pelican migration webinar'),
    `${vname}: an empty search lists the newest recordings: ${newest}`);
  check(await page.locator('.examples li a').count() >= 3, `${vname}: and examples to try`);
  await look(page, vname, 'search-empty');

  await page.goto(base + '/search?q=pelicans');
  const cards = page.locator('li.result');
  check(await cards.count() === 2, `${vname}: two result cards`);
  const durations = await page.locator('li.result .meta .duration').allTextContents();
  check(durations.length === 2 && durations.some((d) => /1 h 2 min/.test(d)) &&
    durations.some((d) => /13 min/.test(d)), `${vname}: each card shows the recording's length: ${durations}`);
  const who = await page.locator('li.result .moment .who').allTextContents();
  check(who.includes('Maya Chen:') && who.includes('Ann Lee:'), `${vname}: moments say who speaks: ${who}`);
  const snippets = (await page.locator('li.result .snippet').allTextContents()).join(' | ');
  check(!/\*\*|~~|\]\(|\|---|`/.test(snippets) && /close look at pelicans/.test(snippets),
    `${vname}: snippets show no raw markdown: ${snippets}`);
  check(await page.locator('.facets h3', { hasText: 'Year' }).count() === 1, `${vname}: the year facet`);
  await look(page, vname, 'search-results');

  await page.click('.sort a:has-text("Newest first")');
  const byDate = await page.locator('li.result h2 a').allTextContents();
  check(new URL(page.url()).searchParams.get('sort') === 'date' && byDate[0] === 'TAC meeting: the pelican dataset',
    `${vname}: sort by date: ${byDate}`);
  await page.click('.facets a:has-text("2024")');
  const in2024 = await page.locator('li.result h2 a').allTextContents();
  check(in2024.length === 1 && in2024[0].startsWith('Pelican migration webinar') &&
    new URL(page.url()).searchParams.get('sort') === 'date', `${vname}: the year facet narrows, the sort is kept: ${in2024}`);
  await look(page, vname, 'search-year');

  await page.goto(base + '/watch/2025-06-02-tac-pelicans');
  const notes = page.locator('#notes');
  check(await notes.locator('table th', { hasText: 'Owner' }).count() === 1 &&
    await notes.locator('del', { hasText: 'Ben' }).count() === 1 &&
    await notes.locator('input[type="checkbox"][checked]').count() === 1 &&
    await notes.locator('a[href="https://example.org/pelicans"]').count() === 1 &&
    await notes.locator('li strong', { hasText: 'pelican' }).count() === 1,
  `${vname}: notes in GitHub markdown: a table, strikethrough, a task list, a bare URL linked`);
  await look(page, vname, 'watch-notes');
}

/* From the header's link; `vname` given: the sign-in page is audited. */
async function signIn(page, base, vname) {
  await page.goto(base + '/search?q=pelicans');
  await page.click('header a.sign-in');
  await page.waitForURL(/\/login/);
  if (vname) await look(page, vname, 'login');
  await page.fill('#login-name', USER);
  await page.fill('#login-password', PASSWORD);
  await Promise.all([page.waitForURL(/\/search/), page.click('form.login button[type="submit"]')]);
}

/* Staff: the header on every page, the edit, delete and upload flows. */
async function staff(page, base, vname, files) {
  await signIn(page, base, vname);
  check(new URL(page.url()).pathname === '/search', `${vname}: signing in from the header comes back: ${page.url()}`);
  for (const p of ['/', '/search?q=pelicans', '/watch/2024-03-05-pelican-webinar', '/no/such/page', '/upload']) {
    await page.goto(base + p);
    check(await page.locator('header .signed-in').textContent() === 'Signed in as ' + USER &&
      await page.locator('header form[action="/logout"] button').textContent() === 'Sign out' &&
      await page.locator('header a.sign-in').count() === 0, `${vname} ${p}: Signed in as ${USER} · Sign out`);
    if (p.startsWith('/watch/')) await look(page, vname, 'watch-signed-in');
  }
  await look(page, vname, 'upload-form');

  /* All or nothing: a new title and a broken transcript save nothing. */
  const id = '2024-03-05-pelican-webinar';
  const before = (await page.evaluate(async (u) => (await fetch(u)).json(), '/api/recordings/' + id)).title;
  await page.goto(base + '/edit/' + id);
  await look(page, vname, 'edit-form');
  await page.fill('#f-title', 'Renamed by a failed edit');
  const bad = path.join(files.dir, 'broken.srt');
  write(bad, '1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03,000 -> nonsense\nbroken\n');
  await page.setInputFiles('#f-transcript', bad);
  await Promise.all([page.waitForLoadState('load'), page.click('#edit-form button[type="submit"]')]);
  const body = await page.locator('main').textContent();
  check((body.match(/Not saved/g) || []).length === 1 && !/Saved:/.test(body), `${vname}: a bad transcript: "Not saved" once, no "Saved:"`);
  check(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'f-transcript',
    `${vname}: the focus is on the transcript input`);
  const api = await page.evaluate(async (u) => (await fetch(u)).json(), '/api/recordings/' + id);
  check(api.title === before, `${vname}: the title was not saved either: ${api.title}`);
  await look(page, vname, 'edit-error');

  await page.fill('#f-title', 'Pelican migration webinar (edited)');
  await Promise.all([page.waitForURL(/done=saved/), page.click('#edit-form button[type="submit"]')]);
  check(await page.locator('.flash').textContent() === 'Saved. The changes are live and searchable.' &&
    await page.locator('h1').first().textContent() === 'Pelican migration webinar (edited)', `${vname}: Saved after the redirect`);
  await look(page, vname, 'saved');

  /* A big file that is not media stops after its first chunk. */
  await page.goto(base + '/upload');
  check(await page.inputValue('#f-date') === '', `${vname}: the date starts empty`);
  const optional = await page.locator('label', { hasText: '(optional)' }).count();
  check(optional >= 6, `${vname}: optional fields say so (${optional})`);
  await page.fill('#f-title', 'Not a recording');
  await page.selectOption('#f-kind', 'other');
  await page.fill('#f-date', '2025-12-03');
  await page.setInputFiles('#f-media', files.junk);
  const t0 = Date.now();
  await page.click('#upload-submit');
  const refused = await waitFor(page, () => !document.getElementById('media-error').hidden, null, 60000);
  const sent = await page.evaluate(() => Number(document.getElementById('upload-progress').value));
  const error = await page.locator('#media-error').textContent();
  check(refused && /^media: not a media file: cannot read the container/.test(error),
    `${vname}: non-media refused: ${error}`);
  check(sent <= 16 * MiB, `${vname}: ...after at most two chunks, not 48 MiB (${sent} bytes, ${Date.now() - t0} ms)`);
  check(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'f-media',
    `${vname}: the focus moves to the media input`);
  await look(page, vname, 'upload-refused');

  /* A real one: speed and time left, Pause and Resume, then Uploaded. */
  await page.goto(base + '/upload');
  await page.fill('#f-title', 'A real upload ' + vname);
  await page.selectOption('#f-kind', 'webinar');
  await page.fill('#f-date', '2025-12-01');
  await page.setInputFiles('#f-media', files.real);
  await page.click('#upload-submit');
  const controls = await waitFor(page, () => !document.getElementById('upload-controls').hidden, null, 30000);
  check(controls && await page.locator('#upload-pause').isVisible() && await page.locator('#upload-cancel').isVisible(),
    `${vname}: Pause and Cancel while uploading`);
  const done = await waitFor(page, () => !document.getElementById('upload-done').hidden, null, 60000);
  check(done, `${vname}: the upload finishes`);
  await look(page, vname, 'upload-done');
  await Promise.all([page.waitForURL(/done=uploaded/), page.click('#upload-link')]);
  check(await page.locator('.flash').textContent() === 'Uploaded. The recording is in the archive.', `${vname}: Uploaded after the link`);
  await look(page, vname, 'uploaded');

  /* Delete, then Deleted on the home page. */
  const rid = new URL(page.url()).pathname.split('/').pop();
  await page.goto(base + '/delete/' + rid);
  await look(page, vname, 'delete-confirm');
  await Promise.all([page.waitForURL(/done=deleted/), page.click('form.confirm button[type="submit"]')]);
  check(await page.locator('.flash').textContent() === 'Deleted. The recording is no longer in the archive.', `${vname}: Deleted after the redirect`);
  await look(page, vname, 'deleted');

  await Promise.all([page.waitForURL(base + '/'), page.click('header form[action="/logout"] button')]);
  check(await page.locator('header a.sign-in').count() === 1, `${vname}: signed out, Sign in again`);
}

/* Pause and Cancel on a slow link: the speed and time left, a pause that
 * holds, and a cancel that deletes the upload. */
async function pauseCancel(page, base, vname, files) {
  await signIn(page, base);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 2 * MiB });
  await page.goto(base + '/upload');
  await page.fill('#f-title', 'Paused upload ' + vname);
  await page.selectOption('#f-kind', 'webinar');
  await page.fill('#f-date', '2025-12-02');
  await page.setInputFiles('#f-media', files.real);
  await page.click('#upload-submit');
  const rate = await waitFor(page, () => /MB\/s · about .* left/.test(document.getElementById('upload-figures').textContent), null, 20000);
  check(rate, `${vname}: the speed and the time left: ` + await page.locator('#upload-figures').textContent());
  await page.click('#upload-pause');
  check(await page.locator('#upload-pause').textContent() === 'Resume' && /^Paused at/.test(await page.locator('#upload-message').textContent()),
    `${vname}: Pause: ` + await page.locator('#upload-message').textContent());
  const held = await page.evaluate(() => Number(document.getElementById('upload-progress').value));
  await page.waitForTimeout(1500); /* the bar must not move while paused: a window is what is checked */
  check(await page.evaluate(() => Number(document.getElementById('upload-progress').value)) === held, `${vname}: paused, nothing moves`);
  await look(page, vname, 'upload-paused');
  await page.click('#upload-cancel');
  const cancelled = await waitFor(page, () => /^Cancelled/.test(document.getElementById('upload-message').textContent), null, 10000);
  check(cancelled && !(await page.locator('#upload-submit').isDisabled()), `${vname}: Cancel: nothing added, the form usable again`);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const list = await page.evaluate(async () => (await fetch('/api/recordings')).json());
  const titles = (list.recordings || list).map((r) => r.title);
  check(!titles.includes('Paused upload ' + vname), `${vname}: the cancelled upload is not in the archive`);
}

async function main() {
  fs.mkdirSync(WORK, { recursive: true });
  const { chromium } = qa.loadPinned(HERE, WORK, 'playwright-core', { env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
  a11y.setup(WORK, 'staffui');
  const archive = path.join(WORK, 'archive-staffui');
  buildArchive(archive);
  const filesDir = path.join(WORK, 'staffui-files');
  const files = makeFiles(filesDir);
  SHOTS = path.join(WORK, 'screenshots');
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const f of fs.readdirSync(SHOTS)) if (f.startsWith('staffui-')) fs.rmSync(path.join(SHOTS, f));

  const { proc, port } = await qa.startServer(QARCHIVE, archive, path.join(WORK, 'serve-staffui.log'));
  const base = `http://127.0.0.1:${port}`;
  let browser = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: qa.CHROMIUM_ARGS });
    for (const [vname, viewport] of Object.entries(VIEWS)) {
      const phone = vname === 'phone';
      const context = await browser.newContext({ viewport, deviceScaleFactor: phone ? 2 : 1, isMobile: phone, hasTouch: phone });
      const page = await context.newPage();
      const problems = [];
      guard(page, problems);
      await browse(page, base, vname);
      await staff(page, base, vname, { ...files, dir: filesDir });
      if (!phone) await pauseCancel(page, base, vname, files);
      check(problems.length === 0, `${vname}: no page or console errors: ${problems.join(' | ')}`);
      await context.close();
    }
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stopServer(proc);
  }
  console.log('screenshots: ' + SHOTS);
}

main().then(() => qa.report(), (e) => {
  console.error(e && e.stack ? e.stack : e);
  qa.report(1);
});
