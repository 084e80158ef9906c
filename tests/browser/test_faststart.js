#!/usr/bin/env node
/* Read from near t, not from byte 0 (issue #17), in headless Chromium.
 *
 * An MP4 written by ffmpeg's default muxer has its index (moov) after the
 * media data; `qarchive index` makes it +faststart. The test then opens
 * /watch/<id>?t=<late t> and counts, with the DevTools protocol's
 * Network.dataReceived events, the bytes the page received for /media/
 * until the player is playing at t: far less than the whole file. The
 * same file left as it came (a symlinked media file, which the index does
 * not replace) is measured too, for the log only: how much it costs
 * depends on Chromium's buffering, which the test does not promise.
 *
 * usage: node test_faststart.js --qarchive PATH --work DIR [--chromium PATH]
 */
'use strict';

const fs = require('fs');
const path = require('path');
const qa = require('../lib/qa_test');
const { check, run, stopServer } = qa;

const USAGE = 'usage: test_faststart.js --qarchive PATH --work DIR [--chromium PATH]';
const argument = (name, fallback) => qa.argument(name, fallback, USAGE);
const QARCHIVE = path.resolve(argument('qarchive'));
const WORK = path.resolve(argument('work'));
const CHROMIUM = argument('chromium', '/usr/bin/chromium');
const HERE = __dirname;
const SECONDS = 90;
const LATE_T = 75;

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/* The top-level boxes of an MP4, in order. */
function boxes(file) {
  const d = fs.readFileSync(file);
  const out = [];
  for (let at = 0; at + 8 <= d.length;) {
    let size = d.readUInt32BE(at);
    if (size === 1) size = Number(d.readBigUInt64BE(at + 8));
    else if (size === 0) size = d.length - at;
    out.push(d.toString('latin1', at + 4, at + 8));
    if (size < 8) break;
    at += size;
  }
  return out;
}

function moovFirst(file) {
  const b = boxes(file);
  return b.includes('moov') && b.indexOf('moov') < b.indexOf('mdat');
}

/* Noise costs bits: a 90 s video of a few MB, with a keyframe every 2 s so
 * that a seek lands near t. */
function buildArchive(root) {
  fs.rmSync(root, { recursive: true, force: true });
  const media = path.join(WORK, 'faststart-source.mp4');
  run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi',
    '-i', `testsrc2=size=320x180:rate=25:duration=${SECONDS}`, '-f', 'lavfi', '-i', `sine=frequency=300:duration=${SECONDS}`,
    '-vf', 'noise=alls=40:allf=t', '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '600k', '-g', '50',
    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', media]);
  const vtt = 'WEBVTT\n\n00:01:14.000 --> 00:01:18.000\nLate in the talk, the point it came to make.\n';
  for (const [id, link] of [['2025-10-01-seek-faststart', false], ['2025-10-02-seek-as-it-came', true]]) {
    const dir = path.join(root, id);
    write(path.join(dir, 'recording.json'), JSON.stringify({ title: id, kind: 'webinar', date: id.slice(0, 10) }));
    write(path.join(dir, 'transcript.vtt'), vtt);
    if (link) fs.symlinkSync(media, path.join(dir, 'media.mp4'));
    else fs.copyFileSync(media, path.join(dir, 'media.mp4'));
  }
  return media;
}

/* Bytes received for /media/ from opening /watch/<id>?t=LATE_T until the
 * player plays at t. */
async function mediaBytes(browser, base, id) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  /* A phone on a slow link (the case): on a loopback link any
   * read-ahead fills in no time, which says nothing about what a t= link
   * costs. 2 Mbit/s down, 100 ms. */
  await cdp.send('Network.emulateNetworkConditions',
    { offline: false, latency: 100, downloadThroughput: 250000, uploadThroughput: 100000 });
  const media = new Set();
  const ranges = [];
  let bytes = 0;
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.includes('/media/')) {
      media.add(e.requestId);
      ranges.push(e.request.headers.Range || e.request.headers.range || '(whole)');
    }
  });
  cdp.on('Network.dataReceived', (e) => { if (media.has(e.requestId)) bytes += e.encodedDataLength || e.dataLength; });
  await page.goto(`${base}/watch/${id}?t=${LATE_T}`);
  const playing = await page.waitForFunction((t) => {
    const v = document.getElementById('player');
    return v && v.currentTime >= t && v.readyState >= 3 && !v.paused;
  }, LATE_T, { timeout: 60000 }).then(() => true, () => false);
  const at = await page.evaluate(() => document.getElementById('player').currentTime);
  await ctx.close();
  return { playing, at, bytes, ranges };
}

async function main() {
  const { chromium } = qa.loadPinned(HERE, WORK, 'playwright-core', { env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
  const archive = path.join(WORK, 'faststart-archive');
  const source = buildArchive(archive);
  const size = fs.statSync(source).size;
  check(!moovFirst(source), 'ffmpeg wrote moov last: ' + boxes(source).join(' '));
  run(QARCHIVE, ['index', '--archive', archive]);
  const stored = path.join(archive, '2025-10-01-seek-faststart', 'media.mp4');
  check(moovFirst(stored), 'qarchive index made it +faststart: ' + boxes(stored).join(' '));
  const { proc, port } = await qa.startServer(QARCHIVE, archive, path.join(WORK, 'faststart-serve.log'), ['--no-pictures']);
  let browser = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: qa.CHROMIUM_ARGS });
    const base = `http://127.0.0.1:${port}`;
    const fast = await mediaBytes(browser, base, '2025-10-01-seek-faststart');
    check(fast.playing, `playing at t=${LATE_T}: at ${fast.at}`);
    console.log(`+faststart: ${fast.bytes} bytes (ranges ${fast.ranges.join(', ')})`);
    check(fast.bytes > 0 && fast.bytes < size / 3,
      `+faststart: ${fast.bytes} of ${size} bytes fetched to play at t=${LATE_T} (ranges ${fast.ranges.join(', ')})`);
    const slow = await mediaBytes(browser, base, '2025-10-02-seek-as-it-came');
    console.log(`moov last (for comparison): ${slow.bytes} of ${size} bytes, playing ${slow.playing} ` +
      `(ranges ${slow.ranges.join(', ')})`);
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
