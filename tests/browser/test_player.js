#!/usr/bin/env node
/* Browser tests of the watch page's player (issue 17, "Watching") in
 * headless Chromium, on a laptop (1280×800) and a phone (390×844):
 * our control bar (names, the slider's aria-valuetext, chapter segments,
 * the hover preview with and without a storyboard), autoplay at ?t= (and
 * the quiet fallback when the browser refuses), the pinned player on a
 * phone, no horizontal overflow at 390 px, the keyboard shortcuts, the
 * transcript's roving focus, its search and downloads; axe-core on every
 * page it opens (0 violations).
 *
 * usage: node test_player.js --qarchive PATH --source DIR --work DIR [--chromium PATH]
 *
 * Its archive (WORK/player-archive) is a one-minute video with an agenda
 * and a transcript made here (ffmpeg), an audio recording, and the bundled
 * transcripts. The storyboard is not made by the server yet in this test's
 * archive: the test serves one (a sprite tiled by ffmpeg's tile filter
 * from the same video) and adds data-storyboard to the page through
 * Playwright's routing, to check how the bar uses it. Screenshots go to
 * WORK/screenshots/player-*.png. The last line is "N passed, N failed".
 */
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const qa = require('../lib/qa_test');
const a11y = require('./a11y');
const { check, run, get, sleep, stopServer } = qa;

const USAGE = 'usage: test_player.js --qarchive PATH --source DIR --work DIR [--chromium PATH]';
const argument = (name, fallback) => qa.argument(name, fallback, USAGE);
const QARCHIVE = path.resolve(argument('qarchive'));
const SOURCE = path.resolve(argument('source'));
const WORK = path.resolve(argument('work'));
const CHROMIUM = argument('chromium', '/usr/bin/chromium');
const HERE = __dirname;
const DEMO = '2025-12-01-player-demo';
const AUDIO = '2025-12-03-player-audio';
const LONG = '2025-12-04-a-recording-whose-identifier-is-long-enough-to-overflow-a-phone-screen';

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const stamp = (s) => `00:00:${String(Math.floor(s)).padStart(2, '0')}.${String(Math.round((s % 1) * 1000)).padStart(3, '0')}`;

/* Twenty cues of three seconds, the fourth starting at 9.48 (a start
 * that is not a whole second, for "copy link"). */
function demoVtt() {
  const words = ['Welcome to the player test recording.', 'We talk about sharded state on disk.',
    'Every shard is written by its own rank.', 'A shard is verified with a digest when read.',
    'The writes overlap with the next step.', 'Loading works when the world size changes.',
    'Resharding happens when the shard metadata is read.', 'Now the incremental saves.',
    'Only what changed since the last save is written.', 'Optimizer state dominates the bytes.',
    'That is the second topic done.', 'Now the questions from the audience.',
    'Does it work with object storage?', 'A storage writer plugin handles that.',
    'What about compression of each shard?', 'It is optional and off by default.',
    'One more question over here.', 'Can a save be cancelled halfway?',
    'Yes and the previous save stays valid.', 'Thanks everyone for joining.'];
  let out = 'WEBVTT\n\n';
  words.forEach((text, i) => {
    const s = i === 3 ? 9.48 : i * 3;
    out += `${stamp(s)} --> ${stamp(i * 3 + 2.9)}\n<v ${i % 2 ? 'Ben Okafor' : 'Ana Ruiz'}>${text}\n\n`;
  });
  return out;
}

function buildArchive(root) {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const demo = path.join(root, DEMO);
  write(path.join(demo, 'recording.json'), JSON.stringify({
    title: 'Webinar: the player test', kind: 'webinar', release: '2.9', date: '2025-12-01',
    speakers: [{ name: 'Ana Ruiz', role: 'Host' }, { name: 'Ben Okafor' }],
    description: 'A recording made by the player test.',
  }));
  write(path.join(demo, 'transcript.vtt'), demoVtt());
  write(path.join(demo, 'agenda.md'), '# Agenda\n\n- 00:00:00 Welcome\n- 00:00:24 Incremental saves\n- 00:00:39 Audience questions\n');
  run('ffmpeg', ['-nostdin', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=60',
    '-f', 'lavfi', '-i', 'sine=frequency=330:beep_factor=2:duration=60',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-profile:v', 'baseline',
    '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', 'media.mp4'], { cwd: demo });
  /* The storyboard the test serves: a frame every 5 s, 160×90, 4×3 a
   * sprite (12 frames: the whole minute in one sprite). */
  run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', 'media.mp4',
    '-vf', 'fps=1/5,scale=160:90,tile=4x3', '-frames:v', '1', path.join(WORK, 'player-sprite.jpg')], { cwd: demo });

  const audio = path.join(root, AUDIO);
  write(path.join(audio, 'recording.json'), JSON.stringify({
    title: 'Podcast: the player test, sound only', kind: 'other', date: '2025-12-03' }));
  write(path.join(audio, 'transcript.vtt'), 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nA recording with sound only.\n\n' +
    '00:00:02.000 --> 00:00:04.000\nIts bar has no full screen and no captions.\n');
  run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=300:duration=5',
    '-c:a', 'aac', 'media.m4a'], { cwd: audio });

  const long = path.join(root, LONG);
  write(path.join(long, 'recording.json'), JSON.stringify({
    title: 'torch._dynamo.config.automatic_dynamic_shapes_mark_as_unbacked_and_recompile_limit_exceeded',
    kind: 'other', date: '2025-12-04',
    description: 'See https://example.org/a/very/long/path/that/never/breaks/by/itself/anywhere/at/all/really',
  }));
  write(path.join(long, 'transcript.vtt'), 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n' +
    'torch._inductor.config.triton.cudagraph_trees_with_a_very_long_name_that_does_not_break\n');
  const bundled = path.join(SOURCE, 'transcripts');
  for (const id of fs.readdirSync(bundled)) {
    const src = path.join(bundled, id);
    if (!fs.statSync(src).isDirectory()) continue;
    fs.mkdirSync(path.join(root, id));
    for (const f of fs.readdirSync(src))
      if (/^(recording\.json|transcript\.(vtt|srt)|agenda\.md|notes\.md|qa\.md)$/.test(f))
        fs.copyFileSync(path.join(src, f), path.join(root, id, f));
  }
}

async function waitFor(page, fn, arg, timeout) {
  try {
    await page.waitForFunction(fn, arg, { timeout: timeout || 10000, polling: 100 });
    return true;
  } catch (e) {
    return false;
  }
}

function guard(page, problems) {
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push('console error: ' + m.text());
  });
}

const media = (page, fn) => page.evaluate(fn);

/* A storyboard for DEMO, served by the test (see the header). */
async function withStoryboard(page) {
  const sprite = fs.readFileSync(path.join(WORK, 'player-sprite.jpg'));
  await page.route(`**/pictures/${DEMO}/**`, (route) => {
    if (route.request().url().endsWith('/storyboard.json'))
      return route.fulfill({ contentType: 'application/json',
        body: JSON.stringify({ interval: 5, width: 160, height: 90, columns: 4, rows: 3, sprites: [`/pictures/${DEMO}/sprite-0.jpg`] }) });
    return route.fulfill({ contentType: 'image/jpeg', body: sprite });
  });
  await page.route(`**/watch/${DEMO}**`, async (route) => {
    const r = await route.fetch();
    const body = (await r.text()).replace('<video id="player"', `<video id="player" data-storyboard="/pictures/${DEMO}/storyboard.json"`);
    return route.fulfill({ response: r, body });
  });
}

async function hover(page, t) {
  const box = await page.locator('.seek-track').boundingBox();
  const d = await media(page, () => document.getElementById('player').duration);
  await page.mouse.move(box.x + box.width * (t / d), box.y + box.height / 2);
}

/* 1. The control bar. */
async function controlBar(page, base, vname) {
  await page.goto(base + '/watch/' + DEMO);
  await waitFor(page, () => document.getElementById('player').readyState >= 1);
  const st = await page.evaluate(() => {
    const v = document.getElementById('player');
    const s = document.querySelector('.seek[role="slider"]');
    return {
      native: v.controls, bar: !!document.querySelector('.player.custom .controls'),
      names: [...document.querySelectorAll('.controls button')].map((b) => b.getAttribute('aria-label')),
      segments: [...document.querySelectorAll('.seek .segment')].map((x) => [parseFloat(x.style.left), parseFloat(x.style.width)]),
      valuetext: s && s.getAttribute('aria-valuetext'), label: s && s.getAttribute('aria-label'),
      chapter: document.querySelector('.chapter-now').textContent,
      captionFetched: performance.getEntriesByType('resource').some((e) => /\/captions\//.test(e.name)),
    };
  });
  check(!st.native && st.bar, `${vname}: our bar replaces the native controls`);
  check(st.names.every((n) => n && n.length > 1) && st.names.includes('Play') && st.names.includes('Full screen') &&
    st.names.includes('Captions') && st.names.includes('Mute') && st.names.includes('Keyboard shortcuts'), 'every button has a name: ' + st.names);
  check(st.label === 'Seek' && st.valuetext === '0:00 of 1:00, chapter: Welcome', 'slider valuetext: ' + st.valuetext);
  check(st.segments.length === 3 && Math.abs(st.segments[1][0] - 40) < 0.5 && Math.abs(st.segments[2][0] - 65) < 0.5,
    'three chapter segments, at 24 s and 39 s of 60: ' + JSON.stringify(st.segments));
  check(st.chapter === 'Welcome', 'the chapter beside the time: ' + st.chapter);
  check(!st.captionFetched, 'the captions track is not fetched: the transcript is on the page once');

  /* The slider by keyboard, and the chapter following. */
  await page.focus('.seek');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  const v = await page.evaluate(() => ({ t: document.getElementById('player').currentTime,
    text: document.querySelector('.seek').getAttribute('aria-valuetext'), chapter: document.querySelector('.chapter-now').textContent }));
  check(Math.abs(v.t - 25) < 0.6 && v.text === '0:25 of 1:00, chapter: Incremental saves' && v.chapter === 'Incremental saves',
    `→ ×5 on the slider: ${v.t}, "${v.text}", "${v.chapter}"`);

  /* Hover without a storyboard: time and chapter only. */
  if (vname === 'laptop') {
    await hover(page, 42);
    const p = await page.evaluate(() => ({ shown: !document.querySelector('.preview').hidden,
      text: document.querySelector('.preview-text').textContent, tile: !document.querySelector('.preview .tile').hidden }));
    check(p.shown && /^0:4[12] · Audience questions$/.test(p.text) && !p.tile, 'hover preview without storyboard: ' + JSON.stringify(p));
    /* Clicking the bar seeks there. */
    await page.mouse.down();
    await page.mouse.up();
    check(Math.abs(await media(page, () => document.getElementById('player').currentTime) - 42) < 1, 'clicking the bar seeks');
  }
  await a11y.audit(page, `${vname} watch`);
}

async function storyboardPreview(page, base, vname) {
  await withStoryboard(page);
  await page.goto(base + '/watch/' + DEMO);
  check(await page.getAttribute('#player', 'data-storyboard') !== null, 'the page has data-storyboard (routed)');
  await waitFor(page, () => document.getElementById('player').readyState >= 1);
  await hover(page, 27.5);
  const ok = await waitFor(page, () => !document.querySelector('.preview .tile').hidden, null, 5000);
  await hover(page, 27.5);
  const p = await page.evaluate(() => {
    const tile = document.querySelector('.preview .tile');
    return { tile: tile.getAttribute('data-tile'), pos: tile.style.backgroundPosition, img: tile.style.backgroundImage,
      w: tile.offsetWidth, text: document.querySelector('.preview-text').textContent,
      textW: document.querySelector('.preview-text').getBoundingClientRect().width };
  });
  check(ok && p.tile === '5' && p.pos === '-160px -90px' && /sprite-0\.jpg/.test(p.img) && p.w === 160,
    `${vname}: the storyboard tile of 0:27 (the sixth, column 2 row 2): ${JSON.stringify(p)}`);
  check(/^0:2[78] · Incremental saves$/.test(p.text), 'with the time and chapter: ' + p.text);
  check(p.textW <= p.w + 0.5, `${vname}: the text wraps at the tile's width (${p.textW} px, tile ${p.w} px)`);
  await page.locator('.player').screenshot({ path: path.join(WORK, 'screenshots', `player-${vname}-preview.png`) });
  await a11y.audit(page, `${vname} watch with a storyboard`);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
}

/* 2. Autoplay at ?t=, and the fallback. */
async function autoplay(browser, base, viewport, vname) {
  const ctx = await browser.newContext({ viewport });
  const page = await ctx.newPage();
  const problems = [];
  guard(page, problems);
  await page.goto(base + '/watch/' + DEMO + '?t=21');
  const playing = await waitFor(page, () => { const v = document.getElementById('player'); return !v.paused && v.currentTime >= 21; });
  const s = await media(page, () => ({ t: document.getElementById('player').currentTime, label: document.querySelector('.controls .play').getAttribute('aria-label') }));
  check(playing && s.t < 26 && s.label === 'Pause', `${vname}: a t= link plays from t: ${JSON.stringify(s)}`);
  await ctx.close();

  /* A browser that refuses to autoplay with sound: stays at t, the Play
   * button showing, no error. */
  const ctx2 = await browser.newContext({ viewport });
  await ctx2.addInitScript(() => {
    HTMLMediaElement.prototype.play = function () { return Promise.reject(new DOMException('no gesture', 'NotAllowedError')); };
  });
  const p2 = await ctx2.newPage();
  guard(p2, problems);
  await p2.goto(base + '/watch/' + DEMO + '?t=33');
  const blocked = await waitFor(p2, () => document.querySelector('.player.autoplay-blocked'), null, 5000);
  const b = await media(p2, () => ({ t: document.getElementById('player').currentTime, paused: document.getElementById('player').paused,
    label: document.querySelector('.controls .play').getAttribute('aria-label') }));
  check(blocked && b.paused && Math.abs(b.t - 33) < 0.6 && b.label === 'Play', 'autoplay refused: paused at t with Play: ' + JSON.stringify(b));
  check(problems.length === 0, 'no errors: ' + problems.join(' | '));
  await ctx2.close();
}

/* 3. The phone: pinned player, transcript first, agenda taps in view. */
async function phone(page, base) {
  await page.goto(base + '/watch/' + DEMO);
  await waitFor(page, () => document.getElementById('player').readyState >= 1);
  const order = await page.evaluate(() => ({
    transcript: document.querySelector('.transcript').getBoundingClientRect().top,
    agenda: document.querySelector('.agenda').getBoundingClientRect().top,
  }));
  check(order.transcript < order.agenda, 'phone: the transcript comes before the agenda: ' + JSON.stringify(order));
  const find = await page.evaluate(() => {
    const i = document.getElementById('find-q'), cs = getComputedStyle(i);
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = cs.font;
    return { text: Math.ceil(ctx.measureText(i.placeholder).width),
      box: i.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) };
  });
  /* 10 % to spare: the canvas measures a little narrower than the field
   * draws at a phone's pixel ratio (153 px measured, cut at 151 drawn). */
  check(find.text * 1.1 <= find.box, 'phone: the find box\'s placeholder is whole: ' + JSON.stringify(find));
  await page.evaluate(() => document.querySelector('.transcript').scrollIntoView({ block: 'start' }));
  await qa.settled(page);
  const pinned = await page.evaluate(() => {
    const r = document.getElementById('player').getBoundingClientRect();
    const t = document.querySelector('.transcript').getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, scrollY: window.scrollY, transcriptTop: t.top };
  });
  check(pinned.scrollY > 200 && pinned.top >= -1 && pinned.top < 10 && pinned.bottom > 150,
    'phone: the player stays pinned at the top while scrolled down: ' + JSON.stringify(pinned));
  await page.screenshot({ path: path.join(WORK, 'screenshots', 'player-phone-pinned.png') });
  await page.evaluate(() => document.querySelector('.agenda').scrollIntoView({ block: 'end' }));
  await qa.settled(page);
  await page.locator('.agenda .chapters > li').nth(2).locator('a').tap();
  const inView = await waitFor(page, () => {
    const v = document.getElementById('player'), r = v.getBoundingClientRect();
    return !v.paused && r.top >= -1 && r.bottom <= window.innerHeight && Math.abs(v.currentTime - 39) < 3;
  });
  check(inView, 'phone: tapping an agenda item plays with the player on screen');
  await page.evaluate(() => document.getElementById('player').pause());
  await page.screenshot({ path: path.join(WORK, 'screenshots', 'player-phone-agenda-tap.png') });
  await a11y.audit(page, 'phone watch, scrolled');
}

async function noOverflow(page, base) {
  const pages = ['/', '/search?q=shard', '/search?q=torch._dynamo.config', '/watch/' + DEMO, '/watch/' + AUDIO, '/watch/' + LONG,
    '/search?q=' + 'x'.repeat(60), '/login', '/no/such/page/' + 'y'.repeat(80)];
  for (const p of pages) {
    await page.goto(base + p);
    await a11y.audit(page, 'phone ' + p);
  }
}

/* 4. Shortcuts, and the transcript as one Tab stop. */
async function keyboard(page, base, vname) {
  await page.goto(base + '/watch/' + DEMO);
  await waitFor(page, () => document.getElementById('player').readyState >= 1);
  const t = () => media(page, () => document.getElementById('player').currentTime);
  await page.evaluate(() => { document.getElementById('player').currentTime = 30; });
  await page.locator('h1').click();
  await page.keyboard.press('k');
  check(await waitFor(page, () => !document.getElementById('player').paused, null, 3000), `${vname}: k plays`);
  await page.keyboard.press('k');
  check(await waitFor(page, () => document.getElementById('player').paused, null, 3000), 'k pauses');
  await page.keyboard.press(' ');
  check(await waitFor(page, () => !document.getElementById('player').paused, null, 3000), 'Space plays');
  await page.keyboard.press(' ');
  check(await waitFor(page, () => document.getElementById('player').paused, null, 3000), 'Space pauses');
  let t0 = await t();
  await page.keyboard.press('l');
  check(Math.abs(await t() - (t0 + 10)) < 0.6, 'l: +10 s');
  t0 = await t();
  await page.keyboard.press('j');
  check(Math.abs(await t() - (t0 - 10)) < 0.6, 'j: -10 s');
  t0 = await t();
  await page.keyboard.press('ArrowRight');
  check(Math.abs(await t() - (t0 + 5)) < 0.6, '→: +5 s');
  t0 = await t();
  await page.keyboard.press('ArrowLeft');
  check(Math.abs(await t() - (t0 - 5)) < 0.6, '←: -5 s');
  await page.keyboard.press('m');
  check(await media(page, () => document.getElementById('player').muted), 'm mutes');
  await page.keyboard.press('m');
  check(!await media(page, () => document.getElementById('player').muted), 'm unmutes');
  await page.keyboard.press('c');
  check(await media(page, () => [...document.getElementById('player').textTracks].some((x) => x.kind === 'captions' && x.mode === 'showing' && x.cues.length === 20)),
    'c shows captions (from the transcript on the page)');
  check(await page.getAttribute('.controls .cc', 'aria-pressed') === 'true', 'the captions button says so');
  await page.keyboard.press('c');
  await page.keyboard.press('f');
  const fs1 = await waitFor(page, () => document.fullscreenElement === document.querySelector('.player'), null, 3000);
  check(fs1, 'f: full screen');
  await page.keyboard.press('f');
  await waitFor(page, () => !document.fullscreenElement, null, 3000);
  await page.keyboard.press('?');
  check(await page.locator('#keys-help').isVisible() && /Play or pause/.test(await page.textContent('#keys-help')), '? shows the shortcuts');
  await page.screenshot({ path: path.join(WORK, 'screenshots', `player-${vname}-keys.png`) });
  await a11y.audit(page, `${vname} watch, shortcuts shown`);
  await page.keyboard.press('Escape');
  check(await page.locator('#keys-help').isHidden(), 'Escape hides them');

  /* Typing in a field: no shortcut. */
  const before = await t();
  await page.fill('#site-q', '');
  await page.focus('#site-q');
  await page.keyboard.type('kjl m');
  check(await media(page, () => document.getElementById('player').paused) && Math.abs(await t() - before) < 0.01 &&
    await page.inputValue('#site-q') === 'kjl m', 'typing in the search box triggers nothing');

  /* The transcript: one Tab stop, at the current cue; arrows inside. */
  await page.evaluate(() => { const v = document.getElementById('player'); v.currentTime = 31; });
  await waitFor(page, () => document.querySelector('.cue[aria-current="true"]') === document.querySelectorAll('.cue')[10], null, 3000);
  const stops = await page.evaluate(() => [...document.querySelectorAll('#cues a, #cues button')].filter((a) => a.tabIndex >= 0).length);
  check(stops === 1, 'the transcript is one Tab stop: ' + stops);
  await page.focus('.skip-transcript');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => { const li = document.activeElement.closest('li.cue'); return li ? li.id : document.activeElement.outerHTML.slice(0, 80); });
  check(focused === 'cue-11', 'Tab into the transcript lands on the current cue: ' + focused);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  check(await page.evaluate(() => document.activeElement.closest('li.cue').id) === 'cue-12', '↓↓↑ moves to the next cue');
  await page.keyboard.press('End');
  check(await page.evaluate(() => document.activeElement.closest('li.cue').id) === 'cue-20', 'End: the last cue');
  await page.keyboard.press('Enter');
  check(await waitFor(page, () => Math.abs(document.getElementById('player').currentTime - 57) < 1.5, null, 3000), 'Enter on a cue seeks there');
  await page.evaluate(() => document.getElementById('player').pause());
  await page.focus('.skip-transcript');
  await page.keyboard.press('Enter');
  check(await page.evaluate(() => document.activeElement.id) === 'after-transcript', '"Skip the transcript" jumps past it');
}

/* 5. The transcript panel. */
async function panel(page, base, port, vname) {
  await page.goto(base + '/watch/' + DEMO);
  await waitFor(page, () => document.getElementById('player').readyState >= 1);
  await page.locator('#cue-8 .text').click();
  check(await waitFor(page, () => Math.abs(document.getElementById('player').currentTime - 21) < 1, null, 3000),
    `${vname}: a click on a cue's text seeks to it`);
  await page.evaluate(() => document.getElementById('player').pause());
  /* "shard", also inside "sharded" and "Resharding", as a browser's find. */
  const n = (demoVtt().match(/shard/gi) || []).length;
  await page.fill('#find-q', 'Shard');
  check(await waitFor(page, (n) => document.querySelector('.find-count').textContent === '1 of ' + n, n, 3000),
    `find: 1 of ${n}: ` + await page.textContent('.find-count'));
  check(await page.locator('mark.find').count() === n && await page.locator('mark.find.current').count() === 1, 'the matches are marked');
  await page.press('#find-q', 'Enter');
  check(await page.textContent('.find-count') === '2 of ' + n, 'Enter: the next match');
  await page.press('#find-q', 'Shift+Enter');
  await page.press('#find-q', 'Shift+Enter');
  check(await page.textContent('.find-count') === `${n} of ${n}`, 'Shift+Enter: previous, wrapping');
  await page.click('.find-next');
  check(await page.textContent('.find-count') === '1 of ' + n, 'the next button wraps');
  await page.fill('#find-q', 'zzzz');
  check(await waitFor(page, () => document.querySelector('.find-count').textContent === 'No matches', null, 3000) &&
    await page.locator('mark.find').count() === 0, 'no matches: said, marks gone');
  await page.fill('#find-q', 'digest');
  await waitFor(page, () => /^1 of 1$/.test(document.querySelector('.find-count').textContent), null, 3000);
  await page.screenshot({ path: path.join(WORK, 'screenshots', `player-${vname}-find.png`) });
  await a11y.audit(page, `${vname} watch, finding`);

  /* Copy link: the cue's exact start. */
  if (vname === 'laptop') {
    await page.evaluate(() => { document.getElementById('player').currentTime = 10.7; });
    await waitFor(page, () => document.querySelector('#cue-4[aria-current="true"]'), null, 3000);
    await page.click('#copy-moment');
    const clip = await page.evaluate(() => navigator.clipboard.readText()).catch(() => '');
    check(/\?t=9\.48$/.test(clip), 'copy link keeps the cue\'s start, 9.48: ' + clip);
  }

  const links = await page.locator('.downloads a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check(JSON.stringify(links) === JSON.stringify([`/captions/${DEMO}.vtt`, `/captions/${DEMO}.srt`, `/captions/${DEMO}.txt`, `/media/${DEMO}`]),
    'downloads: WebVTT, SRT, text, the media: ' + links);
  if (vname !== 'laptop') return;
  const srt = await get(port, `/captions/${DEMO}.srt`);
  check(srt.status === 200 && /^application\/x-subrip/.test(srt.headers['content-type']) &&
    srt.body.startsWith('1\n00:00:00,000 --> 00:00:02,900\nAna Ruiz: Welcome to the player test recording.\n\n2\n') &&
    srt.body.includes('4\n00:00:09,480 --> 00:00:11,900\nBen Okafor: A shard'), 'the SRT download: ' + srt.body.slice(0, 120));
  const txt = await get(port, `/captions/${DEMO}.txt`);
  check(txt.status === 200 && /^text\/plain/.test(txt.headers['content-type']) &&
    txt.body.startsWith('Ana Ruiz: Welcome to the player test recording.\n\nBen Okafor: We talk about sharded state on disk.\n'),
    'the text download: ' + JSON.stringify(txt.body.slice(0, 120)));
  check((await get(port, `/captions/${DEMO}.pdf`)).status === 404, 'another extension: 404');
}

/* 6. Next: the previous and next TAC meeting, more from a release. */
async function nextRecordings(page, base, vname) {
  await page.goto(base + '/watch/2025-05-13-tac-meeting');
  const items = await page.locator('.next-recs li').evaluateAll((lis) => lis.map((li) => li.textContent.replace(/\s+/g, ' ').trim()));
  check(items.length === 2 && /^Previous TAC meeting: .*March 2025 11 Mar 2025$/.test(items[0]) &&
    /^Next TAC meeting: .*September 2025 9 Sep 2025$/.test(items[1]), `${vname}: previous and next TAC meeting: ${JSON.stringify(items)}`);
  /* The minutes' headings play from the agenda items they name. */
  const heads = await page.locator('#notes h4').evaluateAll((hs) => hs.map((h) => [h.textContent, (h.querySelector('a[data-t]') || {}).getAttribute ? h.querySelector('a').getAttribute('href') : null]));
  const linked = heads.filter((h) => h[1]);
  check(linked.length === 5 && linked[1][0] === '2. Multi-cloud CI' && linked[1][1] === '/watch/2025-05-13-tac-meeting?t=87' &&
    heads.some((h) => h[0] === 'Action items' && !h[1]), `${vname}: minutes headings link to their agenda items: ${JSON.stringify(heads)}`);
  await page.locator('.next-recs').screenshot({ path: path.join(WORK, 'screenshots', `player-${vname}-tac-next.png`) });
  await a11y.audit(page, `${vname} TAC meeting with previous/next`);
  await Promise.all([page.waitForURL(/\/watch\/2025-09-09-tac-meeting$/), page.locator('.next-recs a').nth(1).click()]);
  check(await page.locator('.next-recs li').count() === 1 && /^Previous TAC meeting:/.test(await page.textContent('.next-recs li')),
    'the newest meeting has only a previous one');
  await a11y.audit(page, `${vname} the newest TAC meeting`);
  await page.goto(base + '/watch/2025-04-30-pytorch-2-7-release-qa');
  check(await page.textContent('.next-recs h3') === 'More from Release 2.7' &&
    await page.locator('.next-recs h3 + ul a[href="/watch/2025-06-18-torch-export-webinar"]').count() === 1, 'more from Release 2.7: the webinar');
  await a11y.audit(page, `${vname} release Q&A with more from the release`);
  await page.goto(base + '/watch/' + LONG);
  check(await page.locator('.next-recs').count() === 0, 'nothing to suggest: no section');
}

async function audioBar(page, base, vname) {
  await page.goto(base + '/watch/' + AUDIO);
  await waitFor(page, () => document.getElementById('player').readyState >= 1);
  const names = await page.locator('.controls button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')));
  check(names.includes('Play') && !names.includes('Full screen') && !names.includes('Captions'), `${vname}: a sound-only bar: ${names}`);
  await page.screenshot({ path: path.join(WORK, 'screenshots', `player-${vname}-audio.png`) });
  await a11y.audit(page, `${vname} audio watch`);
}

/* 6. Sharing: Open Graph and Twitter tags, the embed page (the only one
 * another site may frame), oEmbed; a favicon; resume where I left off. */
async function sharing(browser, base, port) {
  const headers = (r) => r.headers['content-security-policy'] || '';
  const w = await get(port, '/watch/' + DEMO + '?t=9.48');
  const metaOf = (body, key) => { const m = new RegExp(`<meta (?:property|name)="${key.replace('.', '\\.')}" content="([^"]*)">`).exec(body); return m ? m[1] : null; };
  check(metaOf(w.body, 'og:title') === 'Webinar: the player test' && metaOf(w.body, 'twitter:title') === 'Webinar: the player test',
    'og:title and twitter:title');
  check(metaOf(w.body, 'og:description') === 'A shard is verified with a digest when read.',
    'og:description is the words at t: ' + metaOf(w.body, 'og:description'));
  check(/\/watch\/2025-12-01-player-demo\?t=9\.48$/.test(metaOf(w.body, 'og:url') || ''), 'og:url keeps t: ' + metaOf(w.body, 'og:url'));
  check(/\/embed\/2025-12-01-player-demo\?t=9\.48$/.test(metaOf(w.body, 'og:video') || ''), 'og:video is the embed page');
  check(metaOf(w.body, 'og:image') === null && metaOf(w.body, 'twitter:card') === 'summary', 'no poster yet: no og:image, a summary card');
  check(/frame-ancestors 'none'/.test(headers(w)), 'the watch page may not be framed: ' + headers(w));
  const plain = await get(port, '/watch/' + DEMO);
  check(metaOf(plain.body, 'og:description') === 'A recording made by the player test.', 'without t: the description');
  /* The poster, once the pictures worker has made one. */
  const poster = path.join(WORK, 'player-archive', '.qarchive', 'pictures', DEMO, 'poster.jpg');
  fs.mkdirSync(path.dirname(poster), { recursive: true });
  fs.copyFileSync(path.join(WORK, 'player-sprite.jpg'), poster);
  const unpublished = await get(port, '/watch/' + DEMO);
  check(metaOf(unpublished.body, 'og:image') === null, 'a poster file the pictures layer has not published: no og:image');
  fs.writeFileSync(path.join(path.dirname(poster), 'pictures.json'), JSON.stringify({ kind: 'video', poster_width: 64, poster_height: 36 }));
  const withPoster = await get(port, '/watch/' + DEMO);
  check(/\/pictures\/2025-12-01-player-demo\/poster\.jpg$/.test(metaOf(withPoster.body, 'og:image') || '') &&
    metaOf(withPoster.body, 'twitter:card') === 'summary_large_image', 'with a poster: og:image and a large card');
  fs.rmSync(path.dirname(poster), { recursive: true });
  const x = await get(port, '/watch/' + DEMO + '?t=1');
  check(!/<meta[^>]*content="[^"]*<v /.test(x.body), 'no markup in the tags');

  const link = /<link rel="alternate" type="application\/json\+oembed" title="oEmbed" href="([^"]+)">/.exec(w.body);
  check(link && /^\/oembed\?url=http:\/\/127\.0\.0\.1:\d+\/watch\/2025-12-01-player-demo%3Ft%3D9\.48$/.test(link[1]), 'oEmbed discovery: ' + (link && link[1]));
  const o = await get(port, link ? link[1].replace(/&amp;/g, '&') : '/oembed');
  let oj = {};
  try { oj = JSON.parse(o.body); } catch (e) { oj = {}; }
  check(o.status === 200 && oj.version === '1.0' && oj.type === 'video' && oj.title === 'Webinar: the player test' &&
    oj.width === 640 && oj.height === 360 && /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\/2025-12-01-player-demo\?t=9\.48" width="640" height="360"/.test(oj.html || ''),
    'oEmbed answer: ' + o.body.slice(0, 300));
  const small = JSON.parse((await get(port, '/oembed?url=' + encodeURIComponent(base + '/watch/' + DEMO) + '&maxwidth=320')).body);
  check(small.width === 320 && small.height === 180, 'maxwidth 320: 320×180');
  for (const [u, want] of [['/oembed?url=' + encodeURIComponent('https://example.org/nope'), 404],
    ['/oembed?url=' + encodeURIComponent(base + '/watch/no-such-recording'), 404], ['/oembed', 404],
    ['/oembed?url=' + encodeURIComponent(base + '/watch/' + DEMO) + '&format=xml', 400]])
    check((await get(port, u)).status === want, `oEmbed ${u}: ${want}`);

  const e = await get(port, '/embed/' + DEMO + '?t=21');
  check(e.status === 200 && /frame-ancestors \*/.test(headers(e)) && (headers(e).match(/frame-ancestors/g) || []).length === 1,
    'the embed page may be framed by anyone: ' + headers(e));
  check((await get(port, '/embed/no-such-recording')).status === 404, 'embed of an unknown recording: 404');
  for (const p of ['/', '/search?q=shard', '/login', '/watch/' + DEMO, '/static/style.css'])
    check(/frame-ancestors 'none'/.test(headers(await get(port, p))), `${p} keeps frame-ancestors 'none'`);

  /* The embed page in a frame on another origin (a data: URL page). */
  const ctx = await browser.newContext({ viewport: { width: 800, height: 500 } });
  const page = await ctx.newPage();
  const problems = [];
  guard(page, problems);
  await page.goto(base + '/embed/' + DEMO + '?t=21');
  const playing = await waitFor(page, () => { const v = document.getElementById('player'); return !v.paused && v.currentTime >= 21; });
  const bar = await page.evaluate(() => ({ segs: document.querySelectorAll('.seek .segment').length, chapter: document.querySelector('.chapter-now').textContent }));
  check(playing && bar.segs === 3 && bar.chapter === 'Welcome', 'the embed page plays at t with the chapters on its bar: ' + JSON.stringify(bar));
  await page.keyboard.press('c');
  check(await waitFor(page, () => [...document.getElementById('player').textTracks].some((x) => x.kind === 'captions' && x.mode === 'showing' && x.cues && x.cues.length === 20), null, 5000),
    'c: captions from the <track> (no transcript on the embed page)');
  await page.evaluate(() => document.getElementById('player').pause());
  await page.screenshot({ path: path.join(WORK, 'screenshots', 'player-embed.png') });
  await a11y.audit(page, 'embed at 800x500');
  /* Another site: an origin of its own (another port), a tiny server
   * here. (Not a Playwright route: Chromium treats a routed page as
   * public and keeps it from framing a loopback address.) */
  const other = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!DOCTYPE html><title>elsewhere</title><iframe id="f" src="${base}${req.url}" width="640" height="360"></iframe>`);
  });
  await new Promise((r) => other.listen(0, '127.0.0.1', r));
  const elsewhere = `http://127.0.0.1:${other.address().port}`;
  const framed = await ctx.newPage();
  guard(framed, problems);
  await framed.goto(`${elsewhere}/embed/${DEMO}`);
  const frame = await (await framed.$('#f')).contentFrame();
  check(await waitFor(frame, () => !!document.querySelector('.controls'), null, 10000), 'another site can frame the embed page');
  const blocked = await ctx.newPage();
  const refused = new Promise((resolve) => blocked.on('console', (m) => { if (/frame-ancestors/.test(m.text())) resolve(true); }));
  await blocked.goto(`${elsewhere}/watch/${DEMO}`);
  const said = await Promise.race([refused, sleep(5000).then(() => false)]);
  const wf = await (await blocked.$('#f')).contentFrame();
  check(said && (!wf || await wf.evaluate(() => !document.querySelector('.controls')).catch(() => true)), 'but not the watch page');
  other.close();
  check(problems.length === 0, 'embed: no errors: ' + problems.join(' | '));

  /* Resume where I left off (localStorage only). */
  await page.goto(base + '/watch/' + DEMO + '?t=30');
  await waitFor(page, () => document.getElementById('player').currentTime > 36, null, 15000);
  const saved = await page.evaluate(() => Object.keys(localStorage).filter((k) => /^qarchive\.resume\./.test(k)).map((k) => [k, localStorage.getItem(k)]));
  check(saved.length === 1 && Number(saved[0][1]) >= 30, 'the position is kept in localStorage: ' + JSON.stringify(saved));
  await page.goto(base + '/watch/' + DEMO);
  check(await waitFor(page, (t) => Math.abs(document.getElementById('player').currentTime - t) < 1, Number(saved[0][1]), 5000) &&
    /Resumed where you left off, at 0:3\d/.test(await page.textContent('.resume-note')), 'opened again: resumed there, and said so');
  await a11y.audit(page, 'watch at 800x500, resumed');
  await page.click('.resume-note button');
  check(await page.evaluate(() => document.getElementById('player').currentTime) < 1 && await page.locator('.resume-note').count() === 0,
    '"Start from the beginning"');

  /* The favicon. */
  const icon = await page.getAttribute('link[rel="icon"]', 'href');
  const ir = await get(port, icon || '/nope');
  check(ir.status === 200 && /^image\/svg\+xml/.test(ir.headers['content-type']) && ir.body.includes('<svg'), 'a favicon: ' + icon);
  await ctx.close();
}

/* gzip and Brotli for HTML, CSS, JavaScript and WebVTT, when accepted. */
function raw(port, p, headers) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, headers }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
    }).on('error', reject);
  });
}

async function compression(port) {
  const zlib = require('zlib');
  for (const p of ['/watch/' + DEMO, '/static/style.css', '/static/player.js', `/captions/${DEMO}.vtt`, '/search?q=shard']) {
    const plain = await raw(port, p, {});
    const gz = await raw(port, p, { 'Accept-Encoding': 'gzip, deflate' });
    const br = await raw(port, p, { 'Accept-Encoding': 'gzip;q=0.5, br' });
    const no = await raw(port, p, { 'Accept-Encoding': 'br;q=0, gzip;q=0' });
    check(!plain.headers['content-encoding'] && /Accept-Encoding/.test(plain.headers.vary || ''), `${p}: identity without Accept-Encoding, Vary set`);
    check(gz.headers['content-encoding'] === 'gzip' && zlib.gunzipSync(gz.body).equals(plain.body) && gz.body.length < plain.body.length / 2,
      `${p}: gzip ${plain.body.length} → ${gz.body.length}`);
    check(br.headers['content-encoding'] === 'br' && zlib.brotliDecompressSync(br.body).equals(plain.body) && br.body.length < gz.body.length,
      `${p}: br ${br.body.length}`);
    check(!no.headers['content-encoding'] && no.body.equals(plain.body), `${p}: q=0 refuses both`);
    if (plain.headers.etag) check(gz.headers.etag !== plain.headers.etag && br.headers.etag !== gz.headers.etag, `${p}: an ETag per encoding`);
  }
  const media = await raw(port, '/media/' + DEMO, { 'Accept-Encoding': 'gzip, br', Range: 'bytes=0-99' });
  check(media.status === 206 && !media.headers['content-encoding'] && media.body.length === 100, 'media is never compressed');
}

async function main() {
  fs.mkdirSync(path.join(WORK, 'screenshots'), { recursive: true });
  for (const f of fs.readdirSync(path.join(WORK, 'screenshots'))) if (/^player-/.test(f)) fs.rmSync(path.join(WORK, 'screenshots', f));
  const { chromium } = qa.loadPinned(HERE, WORK, 'playwright-core', { env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
  a11y.setup(WORK, 'player');
  const archive = path.join(WORK, 'player-archive');
  buildArchive(archive);
  run(QARCHIVE, ['index', '--archive', archive]);
  /* --no-pictures: the test puts the poster and the storyboard in place
   * itself, at the moment it checks what changes with them. */
  const { proc, port } = await qa.startServer(QARCHIVE, archive, path.join(WORK, 'player-serve.log'),
    ['--no-pictures']);
  const base = `http://127.0.0.1:${port}`;
  let browser = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: qa.CHROMIUM_ARGS });
    const views = { laptop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
    for (const [vname, viewport] of Object.entries(views)) {
      const phoneOpts = vname === 'phone' ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {};
      const ctx = await browser.newContext({ viewport, ...phoneOpts });
      await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      const page = await ctx.newPage();
      const problems = [];
      guard(page, problems);
      await controlBar(page, base, vname);
      await storyboardPreview(page, base, vname);
      await autoplay(browser, base, viewport, vname);
      if (vname === 'phone') {
        await phone(page, base);
        await noOverflow(page, base);
      } else {
        await keyboard(page, base, vname);
      }
      await panel(page, base, port, vname);
      await audioBar(page, base, vname);
      await nextRecordings(page, base, vname);
      await page.goto(base + '/watch/' + DEMO + '?t=21');
      await waitFor(page, () => document.getElementById('player').readyState >= 2);
      await page.evaluate(() => document.getElementById('player').pause());
      await page.screenshot({ path: path.join(WORK, 'screenshots', `player-${vname}-watch.png`) });
      await a11y.audit(page, `${vname} watch at t=21`);
      await page.goto(base + '/embed/' + DEMO + '?t=21');
      await waitFor(page, () => document.getElementById('player').readyState >= 2);
      await page.evaluate(() => document.getElementById('player').pause());
      await page.screenshot({ path: path.join(WORK, 'screenshots', `player-${vname}-embed.png`) });
      await a11y.audit(page, `${vname} embed`);
      check(problems.length === 0, `${vname}: no page or console errors: ${problems.join(' | ')}`);
      await ctx.close();
    }

    await sharing(browser, base, port);
    await compression(port);

    /* Without scripts the browser's own controls stay. */
    const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    const plain = await nojs.newPage();
    await plain.goto(base + '/watch/' + DEMO + '?t=33');
    check(await plain.evaluate(() => document.getElementById('player').controls) && await plain.locator('.controls').count() === 0,
      'without scripts: native controls, no bar of ours');
    await nojs.close();
    console.log('screenshots: ' + path.join(WORK, 'screenshots'));
  } finally {
    if (browser) await browser.close();
    const code = await stopServer(proc);
    const log = fs.readFileSync(path.join(WORK, 'player-serve.log'), 'utf8');
    check(code === 0, 'server exits 0 on SIGTERM: ' + code);
    check(!/ERROR: (Address|Leak)Sanitizer|runtime error/.test(log), 'no sanitizer report: ' + log.slice(-2000));
  }
}

main().then(() => qa.report(), (e) => {
  console.error(e && e.stack ? e.stack : e);
  qa.report(1);
});
