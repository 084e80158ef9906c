#!/usr/bin/env node
/* Pictures (issue #17) in headless Chromium, at a laptop's and a phone's
 * size: home shows each recording's poster (a waveform for sound), search
 * each result's moment, both sized before they load and lazily loaded; a
 * picture never delays the text (with /pictures/ hanging, the titles are
 * there at DOMContentLoaded); the watch page's video shows its poster and
 * names its storyboard, whose sprites load. Screenshots of home, search and
 * watch go to WORK/screenshots/pictures-*.png; axe-core and the width
 * check (a11y.js) run on each of them.
 *
 * usage: node test_pictures.js --qarchive PATH --work DIR [--chromium PATH]
 * The media is made here with ffmpeg (test patterns with a burnt-in time, a
 * tone), the pictures with `qarchive pictures` before the server starts.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const qa = require('../lib/qa_test');
const a11y = require('./a11y');
const { check, run, sleep, stopServer } = qa;

const USAGE = 'usage: test_pictures.js --qarchive PATH --work DIR [--chromium PATH]';
const argument = (name, fallback) => qa.argument(name, fallback, USAGE);
const QARCHIVE = path.resolve(argument('qarchive'));
const WORK = path.resolve(argument('work'));
const CHROMIUM = argument('chromium', '/usr/bin/chromium');
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/* Recordings: three videos (each its own pattern and title card), a sound,
 * and a transcript without media. Every transcript says "lighthouse". */
function buildArchive(root) {
  fs.rmSync(root, { recursive: true, force: true });
  const videos = [
    ['2025-09-01-lighthouse-keeping', 'Keeping the lighthouse lit', 'testsrc2', 'Lamp'],
    ['2025-09-02-lighthouse-lenses', 'Fresnel lenses, explained', 'smptebars', 'Lens'],
    ['2025-09-03-lighthouse-logs', 'The lighthouse log book', 'rgbtestsrc', 'Logs'],
  ];
  for (const [id, title, source, card] of videos) {
    const dir = path.join(root, id);
    write(path.join(dir, 'recording.json'), JSON.stringify({ title, kind: 'webinar', date: id.slice(0, 10) }));
    write(path.join(dir, 'transcript.vtt'), 'WEBVTT\n\n00:00:04.000 --> 00:00:07.000\n' +
      `The lighthouse ${card.toLowerCase()} matter most at night.\n\n` +
      '00:00:15.000 --> 00:00:18.000\nEvery lighthouse keeper writes it down.\n');
    run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', `${source}=size=640x360:rate=25:duration=24`,
      '-f', 'lavfi', '-i', 'sine=frequency=330:duration=24',
      '-vf', `drawtext=fontfile=${FONT}:text='${card} %{pts\\:hms}':fontsize=44:x=30:y=280:fontcolor=white:box=1:boxcolor=black@0.7`,
      '-c:v', 'libx264', '-g', '50', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path.join(dir, 'media.mp4')]);
  }
  const sound = path.join(root, '2025-09-04-lighthouse-radio');
  write(path.join(sound, 'recording.json'), JSON.stringify({ title: 'Lighthouse radio hour', kind: 'other', date: '2025-09-04' }));
  write(path.join(sound, 'transcript.vtt'), 'WEBVTT\n\n00:00:02.000 --> 00:00:05.000\nThis is lighthouse radio.\n');
  run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=250:duration=20',
    '-af', "volume='0.15+0.85*abs(sin(t*0.7))':eval=frame", '-c:a', 'aac', path.join(sound, 'media.m4a')]);
  const text = path.join(root, '2025-09-05-lighthouse-notes');
  write(path.join(text, 'recording.json'), JSON.stringify({ title: 'Lighthouse notes (no media)', kind: 'other', date: '2025-09-05' }));
  write(path.join(text, 'transcript.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nNotes about the lighthouse.\n');
}

/* Every picture of the page: loaded (or not), its attributes and box. */
async function pictures(page) {
  return page.evaluate(async () => {
    const imgs = [...document.querySelectorAll('img.pic')];
    for (const img of imgs) img.loading = 'eager'; /* below the fold too, for the check */
    await Promise.all(imgs.map((img) => (img.complete ? null : new Promise((r) => { img.onload = r; img.onerror = r; }))));
    return {
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      imgs: imgs.map((img) => ({
        src: img.getAttribute('src'),
        width: img.getAttribute('width'),
        height: img.getAttribute('height'),
        alt: img.getAttribute('alt'),
        natural: img.naturalWidth,
        box: img.getBoundingClientRect().width,
      })),
    };
  });
}

async function lists(page, base, vname) {
  await page.goto(base + '/');
  /* 3 x 24 s of video, 20 s of sound, 3 s of transcript: not "0 hours". */
  const lead = await page.locator('.hero .lead').textContent();
  check(/ 5 recordings, 2 minutes of talk\.$/.test(lead), `${vname} home: the archive's length in minutes: ${lead}`);
  const lazy = await page.$$eval('img.pic', (xs) => xs.map((x) => x.getAttribute('loading')));
  check(lazy.length === 4 && lazy.every((l) => l === 'lazy'), `${vname} home: 4 pictures, loading=lazy: ${lazy}`);
  let r = await pictures(page);
  check(r.imgs.every((i) => i.width && i.height && i.natural > 0 && i.box > 0 && i.alt === ''),
    `${vname} home: every picture sized and loaded: ${JSON.stringify(r.imgs)}`);
  check(r.imgs.some((i) => /2025-09-04-lighthouse-radio\/poster\.jpg$/.test(i.src)), `${vname} home: the sound's waveform`);
  check(!r.imgs.some((i) => /lighthouse-notes/.test(i.src)), `${vname} home: no picture without media`);
  check(r.overflow <= 0, `${vname} home: no horizontal overflow (${r.overflow} px)`);

  /* At most PICTURES_AT_CONCURRENT (2) frames are made at once; a third
   * asked meanwhile gets the poster (640 px) as a stand-in, not kept by the
   * browser. Frames made are kept, so a later view shows each one: three
   * moments need at most two more views. */
  let moments = [];
  for (let view = 0; view < 3; view++) {
    await page.goto(base + '/search?q=lighthouse');
    r = await pictures(page);
    moments = r.imgs.filter((i) => /\/at\/[0-9.]+\.jpg$/.test(i.src));
    check(moments.every((i) => i.natural === 320 || i.natural === 640),
      `${vname} search: each moment is its frame (320 px) or the poster standing in: ${JSON.stringify(r.imgs)}`);
    if (moments.every((i) => i.natural === 320)) break;
  }
  check(moments.length === 3 && moments.every((i) => i.natural === 320 && i.width === '160' && i.height === '90'),
    `${vname} search: each video result shows its moment (320 px, shown 160x90): ${JSON.stringify(r.imgs)}`);
  check(r.imgs.every((i) => i.natural > 0), `${vname} search: every picture loads`);
  check(r.overflow <= 0, `${vname} search: no horizontal overflow (${r.overflow} px)`);
}

/* With every picture hanging, the text is there at DOMContentLoaded. */
async function textFirst(browser, base) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  let held = 0;
  await page.route('**/pictures/**', () => { held++; /* never answered */ });
  await page.goto(base + '/search?q=lighthouse', { waitUntil: 'domcontentloaded', timeout: 10000 });
  const titles = await page.$$eval('.result h2', (xs) => xs.map((x) => x.textContent));
  check(titles.length === 5, 'with pictures hanging, the results are there: ' + titles.length);
  const boxes = await page.$$eval('img.pic', (xs) => xs.map((x) => x.getBoundingClientRect().height));
  check(boxes.length > 0 && boxes.every((h) => h > 80), 'with pictures hanging, their place is kept: ' + boxes);
  await page.goto(base + '/', { waitUntil: 'domcontentloaded', timeout: 10000 });
  check(await page.locator('.recs li.rec').count() === 5, 'with pictures hanging, home lists every recording');
  check(held > 0, 'the picture requests were held: ' + held);
  await ctx.close();
}

async function watch(page, base, vname) {
  const id = '2025-09-01-lighthouse-keeping';
  await page.goto(base + '/watch/' + id);
  const v = await page.evaluate(async () => {
    const video = document.querySelector('video');
    const url = video && video.dataset.storyboard;
    const sb = url ? await (await fetch(url)).json() : null;
    const loaded = sb ? await Promise.all(sb.sprites.map((s) => new Promise((r) => {
      const img = new Image();
      img.onload = () => r(img.naturalWidth);
      img.onerror = () => r(0);
      img.src = s;
    }))) : [];
    return { poster: video && video.getAttribute('poster'), sb, loaded };
  });
  check(v.poster === `/pictures/${id}/poster.jpg`, `${vname} watch: the video's poster: ${v.poster}`);
  check(v.sb && v.sb.interval === 1 && v.sb.width === 160 && v.sb.height === 90 && v.sb.sprites.length === 1,
    `${vname} watch: the storyboard: ${JSON.stringify(v.sb)}`);
  check(v.loaded.length === 1 && v.loaded[0] === 1600, `${vname} watch: its sprite loads: ${v.loaded}`);
}

async function main() {
  fs.mkdirSync(WORK, { recursive: true });
  const { chromium } = qa.loadPinned(__dirname, WORK, 'playwright-core', { env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
  a11y.setup(WORK, 'pictures');
  const archive = path.join(WORK, 'pictures-archive');
  buildArchive(archive);
  run(QARCHIVE, ['index', '--archive', archive]);
  run(QARCHIVE, ['pictures', '--archive', archive]);
  const log = path.join(WORK, 'serve-pictures.log');
  const { proc, port } = await qa.startServer(QARCHIVE, archive, log);
  const base = `http://127.0.0.1:${port}`;
  let browser = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: qa.CHROMIUM_ARGS });
    const shots = path.join(WORK, 'screenshots');
    fs.mkdirSync(shots, { recursive: true });
    const views = { phone: { width: 390, height: 844 }, laptop: { width: 1280, height: 800 } };
    for (const [vname, viewport] of Object.entries(views)) {
      const ctx = await browser.newContext({ viewport, deviceScaleFactor: vname === 'phone' ? 2 : 1,
        isMobile: vname === 'phone', hasTouch: vname === 'phone' });
      const page = await ctx.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
      await lists(page, base, vname);
      await watch(page, base, vname);
      for (const [name, url] of [['home', '/'], ['search', '/search?q=lighthouse'],
        ['watch', '/watch/2025-09-01-lighthouse-keeping']]) {
        await page.goto(base + url);
        await pictures(page);
        await qa.settled(page);
        await page.screenshot({ path: path.join(shots, `pictures-${vname}-${name}.png`), fullPage: name !== 'watch' });
        await a11y.audit(page, `${vname} ${name} with pictures`);
      }
      check(errors.length === 0, `${vname}: no errors: ${errors}`);
      await ctx.close();
    }
    await textFirst(browser, base);
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
