#!/usr/bin/env node
/* Browser tests of qarchive's pages in headless Chromium (Debian's
 * /usr/bin/chromium, driven by playwright-core).
 *
 * usage: node test_browser.js --qarchive PATH --source DIR --work DIR [--chromium PATH]
 *
 * Installs playwright-core (pinned in package-lock.json) into WORK when it
 * is missing, builds a small archive in WORK/archive (the bundled
 * transcripts without media, a one-minute demo recording with video made by
 * ffmpeg, and a recording full of markup), indexes it, starts
 * `qarchive serve` on a free 127.0.0.1 port and checks what a person does:
 * search from the home page and land on the moment, click a cue, watch the
 * highlighted cue follow playback, click an agenda item, clips, and that
 * planted markup never runs or shows unescaped. Screenshots of every page
 * on a phone and a laptop go to WORK/screenshots/, and each of those pages
 * is audited (a11y.js: axe-core, no horizontal overflow). The server and the
 * browser are stopped by PID at the end.
 *
 * Each failed check prints a line; the last line is "N passed, N failed".
 */
'use strict';

const fs = require('fs');
const { spawn, spawnSync } = require('child_process');
const path = require('path');
const qa = require('../lib/qa_test');
const a11y = require('./a11y');
const { check, run, get, sleep, stopServer } = qa;

const USAGE = 'usage: test_browser.js --qarchive PATH --source DIR --work DIR [--chromium PATH]';
const argument = (name, fallback) => qa.argument(name, fallback, USAGE);

const QARCHIVE = path.resolve(argument('qarchive'));
const SOURCE = path.resolve(argument('source'));
const WORK = path.resolve(argument('work'));
const CHROMIUM = argument('chromium', '/usr/bin/chromium');
const HERE = __dirname;
const DEMO = '2025-12-01-zephyr-checkpoints';
const XSS = '2025-12-02-markup';
const MACHINE = '2025-11-05-machine-transcribed';
const FAILED = '2025-11-06-transcription-failed';
const LIVE = '2025-11-07-being-transcribed';
const PAYLOAD = `<img src=x onerror="window.__pwned='img'"><script>window.__pwned='script'</script>`;

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/* playwright-core, installed with `npm ci` from the committed lock file
 * into WORK (never into the source tree). */
function loadPlaywright() {
  return qa.loadPinned(HERE, WORK, 'playwright-core', { env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
}

/* The demo recording: a minute of test pattern and tone, 20 cues of three
 * seconds, an agenda, and notes with markup that must not run. */
function demoVtt() {
  const lines = [
    ['Ana Ruiz', 'Welcome to the Zephyr checkpoints session.'],
    ['Ana Ruiz', 'Today we look at saving sharded state without stalls.'],
    ['Ben Okafor', 'Thanks Ana. Zephyr writes each shard from its own rank.'],
    ['Ben Okafor', 'The writes overlap with the next training step.'],
    ['Ben Okafor', 'So the GPU never waits for the file system.'],
    ['Ana Ruiz', 'How does loading work when the world size changes?'],
    ['Ben Okafor', 'Resharding happens on load, from the saved metadata.'],
    ['Ben Okafor', 'You can save on eight ranks and load on sixteen.'],
    ['Ana Ruiz', 'Let us move to the second topic, incremental saves.'],
    ['Ben Okafor', 'Only the tensors that changed since the last save are written.'],
    ['Ben Okafor', 'Optimizer state usually dominates the bytes on disk.'],
    ['Ana Ruiz', 'Is there a checksum on every shard?'],
    ['Ben Okafor', 'Yes, a digest per shard, verified when it is read.'],
    ['Ana Ruiz', 'Now the audience questions.'],
    ['Ana Ruiz', 'Does Zephyr work with FSDP two?'],
    ['Ben Okafor', 'It does, through the distributed state dict helpers.'],
    ['Ana Ruiz', 'What about object storage such as S3?'],
    ['Ben Okafor', 'A storage writer plugin handles that case.'],
    ['Ana Ruiz', 'That is all the time we have.'],
    ['Ana Ruiz', 'Thanks everyone for joining.'],
  ];
  const stamp = (s) => `00:00:${String(Math.floor(s)).padStart(2, '0')}.${String(Math.round((s % 1) * 1000)).padStart(3, '0')}`;
  let out = 'WEBVTT\n\n';
  lines.forEach(([voice, text], i) => {
    out += `${stamp(i * 3)} --> ${stamp(i * 3 + 2.9)}\n<v ${voice}>${text}\n\n`;
  });
  return { vtt: out, count: lines.length };
}

function buildArchive(root) {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const bundled = path.join(SOURCE, 'transcripts');
  for (const id of fs.readdirSync(bundled)) {
    const src = path.join(bundled, id);
    if (!fs.statSync(src).isDirectory()) {
      fs.copyFileSync(src, path.join(root, id));
      continue;
    }
    fs.mkdirSync(path.join(root, id));
    for (const f of fs.readdirSync(src))
      if (/^(recording\.json|transcript\.(vtt|srt)|agenda\.md|notes\.md|qa\.md)$/.test(f))
        fs.copyFileSync(path.join(src, f), path.join(root, id, f));
  }

  const demo = path.join(root, DEMO);
  write(path.join(demo, 'recording.json'), JSON.stringify({
    title: 'Webinar: Zephyr checkpoints',
    kind: 'webinar',
    release: '2.9',
    date: '2025-12-01',
    speakers: [{ name: 'Ana Ruiz', role: 'Host' }, { name: 'Ben Okafor', role: 'Distributed checkpointing' }],
    description: 'Saving and loading **sharded** checkpoints with Zephyr.',
  }));
  write(path.join(demo, 'transcript.vtt'), demoVtt().vtt);
  write(path.join(demo, 'agenda.md'), '# Agenda\n\n- 00:00:00 Welcome\n- 00:00:24 Incremental saves\n- 00:00:39 Audience questions\n');
  write(path.join(demo, 'notes.md'), '## Links\n\n- [Zephyr design doc](https://example.org/zephyr)\n- [a trap](javascript:window.__pwned=1)\n\n' +
    PAYLOAD + '\n\nInline <b onmouseover="window.__pwned=2">raw html</b> is dropped.\n');
  run('ffmpeg', ['-nostdin', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=60',
    '-f', 'lavfi', '-i', 'sine=frequency=330:beep_factor=2:duration=60',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-profile:v', 'baseline',
    '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', 'media.mp4'], { cwd: demo });

  const xss = path.join(root, XSS);
  write(path.join(xss, 'recording.json'), JSON.stringify({
    title: 'Markup ' + PAYLOAD + ' & co',
    kind: 'other',
    date: '2025-12-02',
    speakers: [{ name: 'Eve <b>Bold</b>', role: '"quoted" <i>role</i>' }],
    description: 'Description ' + PAYLOAD,
  }));
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  write(path.join(xss, 'transcript.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Mallory>zebrafish ' + esc(PAYLOAD) + '\n\n' +
    '00:00:04.000 --> 00:00:06.000\n<v Mallory>second zebrafish cue\n');
  write(path.join(xss, 'notes.md'), 'Notes ' + PAYLOAD + '\n');

  /* Speech recognition: a machine transcript, and a job that failed with
   * markup in the engine's message (it must show as text). */
  const machine = path.join(root, MACHINE);
  write(path.join(machine, 'recording.json'), JSON.stringify({
    title: 'Office hours: tracing the scheduler', kind: 'other', date: '2025-11-05' }));
  write(path.join(machine, 'transcript.machine.vtt'), 'WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n' +
    'so the scheduler traces every quillwort kernel\n\n00:00:04.000 --> 00:00:08.000\n' +
    'and then the profiler shows where time goes\n');
  const failed = path.join(root, FAILED);
  write(path.join(failed, 'recording.json'), JSON.stringify({
    title: 'Office hours: a recording without a transcript', kind: 'other', date: '2025-11-06' }));
  run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=300:duration=3',
    '-c:a', 'aac', 'media.m4a'], { cwd: failed });
  const live = path.join(root, LIVE);
  write(path.join(live, 'recording.json'), JSON.stringify({
    title: 'Office hours: being transcribed', kind: 'other', date: '2025-11-07' }));
  fs.copyFileSync(path.join(failed, 'media.m4a'), path.join(live, 'media.m4a'));
  write(path.join(root, '.qarchive', 'transcribe', LIVE + '.json'), JSON.stringify({
    state: 'queued', queued_at: 2, started_at: 0, message: '' }));
  write(path.join(root, '.qarchive', 'transcribe', FAILED + '.json'), JSON.stringify({
    state: 'failed', queued_at: 1, started_at: 0,
    message: 'the transcriber exited with status 2: error: failed to open <b>ggml-base.en.bin</b>' }));
}

/* Watches a page for what must never happen: a dialog, a script the CSP
 * had to block, a JavaScript error, or a planted payload running. */
function guard(page, problems) {
  page.on('dialog', (d) => { problems.push('dialog: ' + d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    /* A page that is an error on purpose (404, 400) logs its own status. */
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push('console error: ' + m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document') problems.push(`${r.status()} for ${r.url()}`);
  });
}

const INIT = () => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
};

async function videoState(page) {
  return page.evaluate(() => {
    const v = document.getElementById('player');
    const cur = document.querySelector('.cue[aria-current="true"]');
    const cues = [...document.querySelectorAll('.cue')];
    return {
      t: v ? v.currentTime : NaN,
      paused: v ? v.paused : true,
      ready: v ? v.readyState : 0,
      current: cur ? cues.indexOf(cur) : -1,
      starts: cues.map((c) => parseFloat(c.dataset.start)),
    };
  });
}

async function waitFor(page, fn, arg, timeout) {
  try {
    await page.waitForFunction(fn, arg, { timeout: timeout || 10000, polling: 100 });
    return true;
  } catch (e) {
    return false;
  }
}

/* Issue 13: a question typed as a developer types it lands on the answer;
 * the words found nowhere are named; "N more moments in this recording"
 * leads to that recording's moments. On the bundled recordings. */
async function questionsAndMoments(page, base) {
  const QA26 = '/watch/2025-02-05-pytorch-2-6-release-qa';
  await page.goto(base + '/');
  await page.fill('#q', 'how do I make torch.compile recompile less');
  await Promise.all([page.waitForURL(/\/search\?q=how\+do\+I\+make/), page.press('#q', 'Enter')]);
  const first = await page.locator('.results .result h2 a').first().getAttribute('href');
  const firstMoment = await page.locator('.results .moment').first().getAttribute('href');
  check(first && first.startsWith(QA26 + '?'), 'a question: the first result is the 2.6 Q&A: ' + first);
  check(firstMoment && firstMoment.startsWith(QA26 + '?t='), 'its first moment links into the 2.6 Q&A: ' + firstMoment);
  check(await page.locator('.not-found').count() === 0, 'every word of the question is in the archive');

  /* One word nobody said is named. */
  await page.fill('#q', 'how do I wrangle graph breaks');
  await Promise.all([page.waitForURL(/q=how\+do\+I\+wrangle/), page.press('#q', 'Enter')]);
  const missing = await page.locator('.not-found').textContent().catch(() => '');
  check(/^Not found: wrangle$/.test((missing || '').trim()), 'the word found nowhere is named: ' + missing);
  check(await page.locator('.not-found s', { hasText: /^wrangle$/ }).count() === 1, 'crossed out');
  check(await page.locator('.results .result').count() > 0, 'and the other words still find moments');

  /* A question someone already asked (issue 14): its Q plays from the
   * question, its A from the answer, and ?type=questions lists units only. */
  await page.goto(base + '/search?q=is+it+worth+turning+on+max-autotune+for+serving');
  const unit = page.locator('.results .unit').first();
  const qLink = unit.locator('a.moment').first(), aLink = unit.locator('a.moment.answer');
  const qText = ((await qLink.textContent().catch(() => '')) || '').replace(/\s+/g, ' ');
  const aText = ((await aLink.textContent().catch(() => '')) || '').replace(/\s+/g, ' ');
  check(/Q \(asked at 18:25 by Maya Chen\): Is max-autotune worth it for inference\?/.test(qText), 'a unit hit shows its Q: ' + qText);
  check(/A \(Leila Brandt, 18:28\u201318:56\): Often, yes, if you can afford the compile time\./.test(aText), 'and its A: ' + aText);
  const qHref = (await qLink.getAttribute('href').catch(() => '')) || '';
  const aHref = (await aLink.getAttribute('href').catch(() => '')) || '';
  check(qHref.startsWith(QA26 + '?t=1105&'), 'the Q plays from the question: ' + qHref);
  check(aHref.startsWith(QA26 + '?t=1108.84&'), 'the A from the answer: ' + aHref);
  await Promise.all([page.waitForURL(/\/watch\/2025-02-05-pytorch-2-6-release-qa\?t=1105/), qLink.click()]);
  check(new URL(page.url()).searchParams.get('t') === '1105', 'following the Q opens the recording at the question: ' + page.url());
  /* ... with its answer marked (?answer=, answer_span.h): the note says
   * where, and exactly the cues from the answer's start to its end are
   * marked, the question's not among them. */
  check(/^1108\.84-11[0-9][0-9]/.test(new URL(page.url()).searchParams.get('answer') || ''), 'the Q link names the answer span: ' + page.url());
  const note = page.locator('.answer-note');
  check(/The answer, 18:28\u201318:5[0-9], is marked/.test(((await note.textContent().catch(() => '')) || '').replace(/\s+/g, ' ')), 'the page says where the answer is');
  const span = await page.evaluate(() => {
    const n = document.querySelector('.answer-note');
    const from = +n.dataset.answerStart, to = +n.dataset.answerEnd;
    const cues = [...document.querySelectorAll('#cues .cue')];
    const marked = cues.filter((c) => c.classList.contains('answer')).map((c) => +c.dataset.start);
    const inside = cues.filter((c) => +c.dataset.start >= from && +c.dataset.start < to).map((c) => +c.dataset.start);
    const first = document.querySelector('#cues .cue.answer');
    const r = first.getBoundingClientRect();
    return { marked, inside, from, current: +document.querySelector('#cues .cue[aria-current="true"]').dataset.start,
      shown: getComputedStyle(first).boxShadow !== 'none' && r.height > 0 };
  });
  check(span.marked.length >= 2 && JSON.stringify(span.marked) === JSON.stringify(span.inside), `the answer's cues are marked: ${span.marked} (in span: ${span.inside})`);
  check(span.marked[0] === span.from && span.current < span.from, `from the answer's start, after the question being played (${span.current})`);
  check(span.shown, 'and the mark is drawn');
  /* A TAC meeting's agenda items are units too: listed with the
   * questions, marked as agenda items, with the decision stated. */
  await page.goto(base + '/search?q=accelerator+integration+trial&type=questions');
  const itemTexts = (await page.locator('.results .unit.agenda-unit').allTextContents()).map((t) => t.replace(/\s+/g, ' '));
  check(itemTexts.some((t) => /Agenda item Accelerator integration: out-of-tree/.test(t) && /Discussed 5:17\u20139:0[0-9]/.test(t) && /Decided .*approved as a trial/.test(t)),
    'an agenda item as a unit, with its span and decision: ' + itemTexts.join(' | '));
  await page.goto(base + '/search?q=is+it+worth+turning+on+max-autotune+for+serving');
  await Promise.all([page.waitForURL(/type=questions/), page.locator('.type-toggle a').click()]);
  const items = await page.locator('.results .moments > li').count();
  check(items > 0 && items === await page.locator('.results .moments > li.unit').count(), `type=questions: ${items} hits, every one a question`);

  /* Similar questions across releases (issue 14): under 2.9's question
   * about Python versions, "Also asked in 2.6: ..." opens the 2.6 Q&A
   * where it is asked. */
  await page.goto(base + '/watch/2025-10-22-pytorch-2-9-release-qa');
  const also = page.locator('.asked li').filter({ hasText: 'Python versions' }).locator('.also').first();
  const alsoText = ((await also.textContent().catch(() => '')) || '').replace(/\s+/g, ' ');
  check(/^Also asked in 2\.6: .*Python version/.test(alsoText), 'a question says where it was also asked: ' + alsoText);
  check(await page.locator('.asked .also').count() <= await page.locator('.asked li').count(), 'at most one "also asked" a question');
  await Promise.all([page.waitForURL(/\/watch\/2025-02-05-pytorch-2-6-release-qa\?t=129$/), also.locator('a').click()]);
  /* (The bundled recordings have no media: no player to mark the current
   * question; the question list and the time in the link say where.) */
  const there = page.locator('.asked li[data-start="129"]');
  check(/Python version/.test((await there.textContent().catch(() => '')) || ''),
    'it opens 2.6 at that question (2:09 in its question list): ' + page.url());

  /* A TAC meeting's decisions, under the agenda item they close; one
   * plays from where it is said. */
  await page.goto(base + '/watch/2025-05-13-tac-meeting');
  const decided = page.locator('.agenda .chapters > li').nth(0).locator('.decisions a');
  check(/^Hearing none, the April minutes are approved\.$/.test((await decided.textContent().catch(() => '')) || ''),
    'the first agenda item shows its decision: ' + await decided.textContent().catch(() => ''));
  check(await page.locator('.agenda .chapters > li').count() === 5, 'decisions are not agenda items of their own');
  check(/[?&]t=44\.725/.test((await decided.getAttribute('href')) || ''), 'the decision links to 44.725');

  /* "N more moments in this recording", and where its link goes. */
  await page.goto(base + '/search?q=graph+breaks');
  const group = page.locator('.result').filter({ has: page.locator('.more a') }).first();
  const more = group.locator('.more a');
  const text = (await more.textContent()) || '';
  const m = /^(\d+) more moments? in this recording$/.exec(text.trim());
  check(m !== null && Number(m[1]) >= 1, '"N more moments in this recording": ' + text);
  const id = ((await group.locator('h2 a').getAttribute('href')) || '').replace(/^\/watch\/([^?]+).*/, '$1');
  const shown = await group.locator('.moment').count();
  await Promise.all([page.waitForURL(/recording=/), more.click()]);
  check(new URL(page.url()).searchParams.get('recording') === id && new URL(page.url()).searchParams.get('q') === 'graph breaks',
    'the link keeps the query and names the recording: ' + page.url());
  const listed = await page.locator('.results .moment').count();
  const hrefs = await page.locator('.results .moment').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check(listed > shown && listed > 3, `that recording's moments: ${listed}, more than the ${shown} shown before`);
  check(hrefs.every((h) => h.startsWith('/watch/' + id)), 'all of them in that recording');
  check(await page.locator('.results .result').count() === 1 && await page.locator('.result .more').count() === 0,
    'one recording, no "more" link on its own page');
  check(await page.locator('a.chip').count() === 1, 'a chip removes the recording filter');
  await Promise.all([page.waitForURL((u) => !u.searchParams.has('recording')), page.locator('a.chip').click()]);
  check(await page.locator('.result .more').count() > 0, 'removing it goes back to every recording');
}

async function main() {
  fs.mkdirSync(WORK, { recursive: true });
  const { chromium } = loadPlaywright();
  a11y.setup(WORK, 'browser');
  const archive = path.join(WORK, 'archive');
  buildArchive(archive);
  run(QARCHIVE, ['index', '--archive', archive]);
  const { proc, port } = await qa.startServer(QARCHIVE, archive, path.join(WORK, 'serve.log'));
  const base = `http://127.0.0.1:${port}`;
  let browser = null;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: qa.CHROMIUM_ARGS,
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await context.addInitScript(INIT);
    const page = await context.newPage();
    const problems = [];
    guard(page, problems);

    /* 1. Search from the home page, click the first moment, land on it. */
    await page.goto(base + '/');
    check(await page.title() === 'The archive — qarchive', 'home title: ' + await page.title());
    check(await page.locator('link[rel="search"][href="/opensearch.xml"]').count() === 1, 'home links OpenSearch');
    check(await page.locator('section#webinar a[href="/watch/' + DEMO + '"]').count() === 1, 'the demo is listed under Webinars');
    await page.fill('#q', 'zephyr shard');
    await Promise.all([page.waitForURL(/\/search\?q=zephyr\+shard/), page.press('#q', 'Enter')]);
    const firstResult = await page.locator('.results .result h2 a').first().getAttribute('href');
    check(firstResult && firstResult.startsWith('/watch/' + DEMO), 'first result is the demo: ' + firstResult);
    const moment = page.locator('.results .moment').first();
    const href = await moment.getAttribute('href');
    const hitT = parseFloat(new URL(href, base).searchParams.get('t'));
    check(/^\/watch\/[^?]+\?t=[0-9.]+&q=zephyr%20shard$/.test(href), 'moment link carries t and q: ' + href);
    check(await moment.locator('mark').count() > 0, 'snippet marks the matched words');
    check(!isNaN(hitT) && hitT > 0, 'the hit has a time: ' + hitT);
    await Promise.all([page.waitForURL(/\/watch\//), moment.click()]);
    const landed = await waitFor(page, (t) => {
      const v = document.getElementById('player');
      return v && v.readyState >= 1 && Math.abs(v.currentTime - t) < 1;
    }, hitT);
    let st = await videoState(page);
    check(landed, `player lands within 1 s of the hit: t=${hitT} currentTime=${st.t}`);
    check(st.current >= 0 && st.starts[st.current] <= hitT + 0.01 && (st.current + 1 >= st.starts.length || st.starts[st.current + 1] > hitT),
      'the cue at t is marked: ' + st.current);
    check(await page.locator('.cue .text mark').count() >= 1, 'words of q marked in the transcript');
    check(await page.locator('.cue .text mark', { hasText: /^shard$/i }).count() >= 2, '"shard" marked');
    check((await page.getAttribute('#player', 'src')).endsWith('#t=' + hitT), 'media fragment in src');
    check(await page.locator('#player track[kind="captions"][src="/captions/' + DEMO + '.vtt"]').count() === 1, 'captions track');
    check(await page.locator('#player track[kind="chapters"]').count() === 1, 'chapters track');
    check(await page.locator('.player-tools').isVisible(), 'player tools shown with scripts on');

    /* 2. Clicking a cue seeks there, without loading the page again. */
    await page.evaluate(() => { window.__same = 1; });
    const cue = page.locator('.cue').nth(10);
    const cueStart = parseFloat(await cue.getAttribute('data-start'));
    await cue.locator('a.ts').click();
    const sought = await waitFor(page, (t) => {
      const v = document.getElementById('player');
      return v.currentTime >= t - 0.3 && v.currentTime < t + 2;
    }, cueStart);
    st = await videoState(page);
    check(sought, `cue click seeks to ${cueStart}: currentTime=${st.t}`);
    check(await page.evaluate(() => window.__same === 1), 'cue click did not reload the page');
    check(new URL(page.url()).searchParams.get('t') === String(cueStart), 'URL follows the seek: ' + page.url());

    /* 3. During playback the highlighted cue follows the audio. */
    await page.locator('.cue').nth(2).locator('a.ts').click();
    await waitFor(page, () => !document.getElementById('player').paused && document.getElementById('player').currentTime > 6.2, null, 5000);
    const before = await videoState(page);
    /* A few seconds of playback; under a loaded CI machine allow longer. */
    await waitFor(page, (t0) => document.getElementById('player').currentTime > t0 + 3, before.t, 12000);
    const after = await page.evaluate(() => {
      const v = document.getElementById('player');
      const cues = [...document.querySelectorAll('.cue')];
      const cur = document.querySelector('.cue[aria-current="true"]');
      return { t: v.currentTime, paused: v.paused, current: cues.indexOf(cur), marked: cues.filter((c) => c.hasAttribute('aria-current')).length,
        starts: cues.map((c) => parseFloat(c.dataset.start)) };
    });
    check(!after.paused && after.t > before.t + 2.5, `playback runs: ${before.t} → ${after.t}`);
    check(after.current > before.current, `highlight moved: cue ${before.current} → ${after.current}`);
    check(after.marked === 1, 'exactly one cue is current: ' + after.marked);
    const expect = after.starts.filter((s) => s <= after.t + 0.01).length - 1;
    check(Math.abs(after.current - expect) <= 1, `highlighted cue ${after.current} matches the time ${after.t} (cue ${expect})`);
    const inView = await page.evaluate(() => {
      const list = document.getElementById('cues');
      const cur = document.querySelector('.cue[aria-current="true"]');
      const a = list.getBoundingClientRect(), b = cur.getBoundingClientRect();
      return b.top >= a.top - 1 && b.bottom <= a.bottom + 1;
    });
    check(inView, 'the current cue is kept in view');

    /* 4. An agenda item seeks. */
    const item = page.locator('.agenda .chapters li').nth(2);
    const itemStart = parseFloat(await item.getAttribute('data-start'));
    await item.locator('a').click();
    check(await waitFor(page, (t) => Math.abs(document.getElementById('player').currentTime - t) < 1.5, itemStart),
      `agenda click seeks to ${itemStart}: ${(await videoState(page)).t}`);
    check(await waitFor(page, () => document.querySelectorAll('.agenda .chapters li[aria-current="true"]').length === 1
      && document.querySelectorAll('.agenda .chapters li')[2].getAttribute('aria-current') === 'true', null, 3000), 'agenda item marked current');
    await page.evaluate(() => document.getElementById('player').pause());

    /* 4b. "Questions in this Q&A" (issue 14): a question seeks, and the one
     * being played is marked as playback moves on. */
    const asked = page.locator('.asked .chapters li');
    check(await page.locator('#asked-h').textContent() === 'Questions in this Q&A' && await asked.count() >= 2,
      'the watch page lists the questions asked: ' + await asked.count());
    const q2 = asked.nth(1), q2Start = parseFloat(await q2.getAttribute('data-start'));
    await q2.locator('a').click();
    check(await waitFor(page, (t) => Math.abs(document.getElementById('player').currentTime - t) < 1.5, q2Start),
      `a question click seeks to ${q2Start}: ${(await videoState(page)).t}`);
    check(await waitFor(page, () => document.querySelectorAll('.asked li[aria-current="true"]').length === 1
      && document.querySelectorAll('.asked li')[1].getAttribute('aria-current') === 'true', null, 3000), 'that question is marked current');
    const q1Start = parseFloat(await asked.nth(0).getAttribute('data-start'));
    await page.evaluate((t) => { const v = document.getElementById('player'); v.currentTime = t + 0.5; }, q1Start);
    check(await waitFor(page, () => document.querySelectorAll('.asked li')[0].getAttribute('aria-current') === 'true'
      && document.querySelectorAll('.asked li[aria-current="true"]').length === 1, null, 3000),
      'the current question follows playback (seeked back to the first)');
    await page.evaluate(() => document.getElementById('player').pause());

    /* 5. Follow along can be switched off, and the moment copied. */
    await page.click('#follow');
    check(await page.getAttribute('#follow', 'aria-pressed') === 'false', 'follow-along toggles off');
    await page.click('#follow');
    await page.click('#copy-moment');
    check(await waitFor(page, () => /\/watch\/.*\?t=\d+/.test(document.getElementById('copy-status').textContent), null, 3000),
      'copy link reports the link: ' + await page.textContent('#copy-status'));
    const clip = await page.evaluate(() => navigator.clipboard.readText()).catch(() => '');
    check(/\/watch\/[^?]+\?t=\d+$/.test(clip), 'clipboard holds the moment link: ' + clip);

    /* 6. Selecting a stretch of the transcript offers a clip. */
    await page.evaluate(() => {
      const cues = document.querySelectorAll('.cue .text');
      const r = document.createRange();
      r.setStart(cues[3].firstChild, 2);
      r.setEnd(cues[5].firstChild, 5);
      const s = window.getSelection();
      s.removeAllRanges();
      s.addRange(r);
    });
    check(await waitFor(page, () => !document.querySelector('.clip-offer').hidden, null, 3000), 'a selection offers a clip');
    const clipHref = await page.getAttribute('.clip-offer a', 'href');
    check(/\?t=9&end=17\.9$/.test(clipHref || ''), 'clip link spans the selected cues: ' + clipHref);

    /* 6b. Questions, the words not found, and one recording's moments. */
    await questionsAndMoments(page, base);

    /* 7. A clip link plays just that stretch. */
    await page.goto(base + '/watch/' + DEMO + '?t=0:10&end=14');
    check((await page.getAttribute('#player', 'src')).endsWith('#t=10,14'), 'clip media fragment');
    check(await page.locator('.clip-note').count() === 1, 'clip note shown');
    await waitFor(page, () => document.getElementById('player').readyState >= 1, null, 5000);
    await page.evaluate(() => document.getElementById('player').play());
    const stopped = await waitFor(page, () => {
      const v = document.getElementById('player');
      return v.paused && v.currentTime > 13;
    }, null, 10000);
    st = await videoState(page);
    check(stopped && st.t < 14.8, 'clip pauses at its end: ' + st.t);

    /* t in other spellings. */
    for (const [t, want] of [['12m34s', 754], ['1h2m3s', 3723], ['0:21', 21], ['21.5', 21.5]]) {
      const r = await get(port, '/watch/' + DEMO + '?t=' + t);
      check(r.body.includes('data-start="' + want + '"'), `t=${t} → ${want}`);
    }

    /* 8. Planted markup never runs and never shows unescaped. */
    const pages = ['/', '/watch/' + XSS, '/watch/' + DEMO, '/search?q=zebrafish',
      '/search?q=' + encodeURIComponent(PAYLOAD), '/watch/' + XSS + '?q=' + encodeURIComponent(PAYLOAD),
      '/search?speaker=' + encodeURIComponent('Eve <b>Bold</b>'), '/nope' + encodeURIComponent(PAYLOAD)];
    for (const p of pages) {
      await page.goto(base + p);
      await qa.settled(page);
      const r = await page.evaluate(() => ({
        pwned: window.__pwned,
        csp: window.__csp,
        imgs: document.querySelectorAll('img[src="x"]').length,
        scripts: [...document.scripts].filter((s) => !/^\/static\//.test(s.getAttribute('src') || '')).length,
        bold: document.querySelectorAll('b').length,
        text: document.body.innerText,
      }));
      check(r.pwned === undefined, `${p}: payload ran (${r.pwned})`);
      check(r.csp.length === 0, `${p}: CSP had to block something: ${r.csp.join(', ')}`);
      check(r.imgs === 0 && r.scripts === 0, `${p}: planted elements in the DOM (img ${r.imgs}, script ${r.scripts})`);
      check(r.bold === 0, `${p}: raw <b> from the archive became markup`);
      if (p === '/watch/' + XSS)
        check(r.text.includes('Markup <img src=x') && r.text.includes('zebrafish <img src=x'), 'the title and cue show the markup as text');
    }
    const raw = await get(port, '/watch/' + XSS);
    check(!raw.body.includes('<img src=x') && !raw.body.includes("<script>window"), 'watch page HTML has the payload escaped');
    const notes = await get(port, '/watch/' + DEMO);
    check(!notes.body.includes('javascript:') && !notes.body.includes('onmouseover') && notes.body.includes('href="https://example.org/zephyr"'),
      'notes: cmark safe mode drops raw HTML and javascript: links');
    check(problems.length === 0, 'no dialogs, page errors or console errors: ' + problems.join(' | '));

    /* 9. Without JavaScript the media fragment still starts the player at t. */
    const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    const plain = await nojs.newPage();
    await plain.goto(base + '/watch/' + DEMO + '?t=33');
    check(await plain.locator('.player-tools').isHidden() && await plain.locator('#cues a.ts[href$="?t=33"]').count() === 1,
      'without scripts: tools hidden, times are links');
    await nojs.close();

    /* 9b. Speech recognition: the machine label, a failed job's note. */
    await page.goto(base + '/watch/' + MACHINE);
    check(await page.locator('.transcript .machine-label').count() === 1, 'a machine transcript is labelled');
    await page.goto(base + '/watch/' + FAILED);
    const note = page.locator('.transcription[data-state="failed"]');
    check(await note.count() === 1 && /Transcription failed: .*<b>ggml-base.en.bin<\/b>/.test(await note.innerText()),
      'a failed job says why, its markup as text: ' + (await note.count() ? await note.innerText() : 'none'));
    check(await page.locator('audio#player, video#player').count() === 1, 'and the recording still plays');
    /* A job under way: the page follows it without a reload. A "running"
     * job counts only while its lock is held, as a worker would hold it. */
    await page.goto(base + '/watch/' + LIVE);
    const jobText = page.locator('.transcription[data-state="queued"] .job-text');
    check(await jobText.count() === 1 && await jobText.innerText() === 'Queued for transcription',
      'a queued job is on the page');
    const jobs = path.join(archive, '.qarchive', 'transcribe');
    const holder = spawn('flock', [path.join(jobs, LIVE + '.lock'), 'sleep', '120'], { stdio: 'ignore' });
    try {
      /* Held once a non-blocking flock of the same file fails. */
      for (let i = 0; i < 200 && spawnSync('flock', ['-n', path.join(jobs, LIVE + '.lock'), 'true']).status === 0; i++)
        await sleep(50);
      write(path.join(jobs, LIVE + '.json'), JSON.stringify({
        state: 'running', queued_at: 2, started_at: Math.floor(Date.now() / 1000), progress: 70, message: '' }));
      check(await waitFor(page, () => {
        const t = document.querySelector('.transcription[data-state="running"] .job-text');
        return t && t.textContent === 'Transcribing: 70%';
      }, null, 20000), 'the page follows the job: Transcribing: 70%');
    } finally {
      holder.kill('SIGKILL');
    }
    await page.goto(base + '/search?q=quillwort');
    check(await page.locator('.result .tag.machine').count() === 1, 'results label the machine transcript');

    /* 10. Screenshots, phone and laptop. */
    const shots = path.join(WORK, 'screenshots');
    /* Only this test's own: test_upload.js writes upload-*.png here too. */
    fs.mkdirSync(shots, { recursive: true });
    for (const f of fs.readdirSync(shots)) if (/^(phone|laptop)-/.test(f)) fs.rmSync(path.join(shots, f));
    const views = { phone: { width: 390, height: 844 }, laptop: { width: 1280, height: 800 } };
    const targets = {
      home: '/',
      search: '/search?q=torch.compile',
      watch: '/watch/' + DEMO + '?t=21&q=zephyr',
      'watch-transcript-only': '/watch/2025-06-18-torch-export-webinar?t=7:47&q=AOTInductor',
      'search-empty': '/search?q=kumquats',
      'search-question': '/search?q=how+do+I+wrangle+torch.compile+recompiles',
      'search-unit': '/search?q=is+it+worth+turning+on+max-autotune+for+serving',
      'watch-answer': '/watch/2025-02-05-pytorch-2-6-release-qa?t=1105&answer=1108.84-1136&q=max-autotune',
      'search-agenda-unit': '/search?q=accelerator+integration+trial&type=questions',
      'search-recording': '/search?q=graph+breaks&recording=2025-10-22-pytorch-2-9-release-qa',
      'watch-machine': '/watch/' + MACHINE,
      'watch-transcription-failed': '/watch/' + FAILED,
      'search-machine': '/search?q=quillwort',
      'watch-similar': '/watch/2025-10-22-pytorch-2-9-release-qa',
      'watch-tac': '/watch/2025-05-13-tac-meeting',
      'search-no-query': '/search',
      'search-did-you-mean': '/search?q=checkponts',
      'search-syntax-error': '/search?q=welcome+AND',
      'search-markup': '/search?q=' + encodeURIComponent(PAYLOAD),
      'watch-markup': '/watch/' + XSS + '?q=zebrafish',
      'watch-clip': '/watch/' + DEMO + '?t=0:10&end=14',
      'watch-being-transcribed': '/watch/' + LIVE,
      embed: '/embed/' + DEMO + '?t=21',
      login: '/login',
      'not-found': '/no/such/page',
      'not-found-recording': '/watch/no-such-recording',
    };
    for (const [vname, viewport] of Object.entries(views)) {
      const ctx = await browser.newContext({ viewport, deviceScaleFactor: vname === 'phone' ? 2 : 1, isMobile: vname === 'phone', hasTouch: vname === 'phone' });
      const p = await ctx.newPage();
      await a11y.selfTest(p);
      for (const [tname, url] of Object.entries(targets)) {
        await p.goto(base + url);
        if (tname.startsWith('watch') || tname === 'embed') await waitFor(p, () => { const v = document.getElementById('player'); return !v || v.readyState >= 2; }, null, 5000);
        await qa.settled(p);
        await p.screenshot({ path: path.join(shots, `${vname}-${tname}.png`) });
        await a11y.audit(p, `${vname} ${tname} (${url})`);
        if (tname === 'search-did-you-mean') check(await p.locator('.suggest a').textContent() === 'checkpoints', `${vname}: the page audited offers "did you mean"`);
        if (tname === 'watch-tac') await p.locator('.agenda').screenshot({ path: path.join(shots, `${vname}-${tname}-agenda.png`) });
        if (tname === 'watch-similar') await p.locator('.asked').screenshot({ path: path.join(shots, `${vname}-${tname}-asked.png`) });
        if (tname === 'home' || tname.startsWith('search') || tname === 'watch') await p.screenshot({ path: path.join(shots, `${vname}-${tname}-full.png`), fullPage: true });
      }
      await ctx.close();
    }
    check(fs.readdirSync(shots).filter((f) => /^(phone|laptop)-/.test(f)).length >= 16, 'screenshots saved in ' + shots);
    console.log('screenshots: ' + shots);
  } finally {
    if (browser) await browser.close();
    const code = await stopServer(proc);
    const log = fs.readFileSync(path.join(WORK, 'serve.log'), 'utf8');
    check(code === 0, 'server exits 0 on SIGTERM: ' + code);
    check(!/ERROR: (Address|Leak)Sanitizer|runtime error/.test(log), 'no sanitizer report: ' + log.slice(-2000));
  }
}

main().then(() => qa.report(), (e) => {
  console.error(e && e.stack ? e.stack : e);
  qa.report(1);
});
