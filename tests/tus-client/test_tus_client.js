#!/usr/bin/env node
/* qarchive's tus endpoint driven by the reference tus client,
 * tus-js-client, unchanged, on Node (18 or later) with file input.
 *
 * usage: node test_tus_client.js --qarchive PATH --work DIR
 *
 * Installs tus-js-client (pinned in package-lock.json) into WORK when it
 * is missing, builds an archive in WORK/archive (one recording, indexed, an
 * API token), makes a ten-second video with ffmpeg and starts `qarchive
 * serve` on a free 127.0.0.1 port. Then:
 *   - a whole upload in one go becomes a recording whose media is the file
 *     byte for byte and whose transcript (sent in the metadata) is found;
 *   - without credentials, or without a title, the client hears 401 / 400;
 *   - the resume case: a first Node process uploads in small chunks with a
 *     tus.FileUrlStorage, stops half-way and is killed (SIGKILL); a second,
 *     new process finds the upload (findPreviousUploads), resumes it
 *     (resumeFromPreviousUpload) from where the server says it stands, and
 *     finishes it; the stored media is compared with the source.
 * The server is stopped by PID. Each failed check prints a line; the last
 * line is "N passed, N failed".
 *
 * The same file runs the two client processes of the resume case, with
 * --role first and --role second.
 */
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const http = require('http');
const path = require('path');
const qa = require('../lib/qa_test');
const { check, run, freePort, sleep } = qa;

const argument = (name, fallback) => qa.argument(name, fallback, 'usage: test_tus_client.js --qarchive PATH --work DIR');

const HERE = __dirname;
const WORK = path.resolve(argument('work'));
const ROLE = argument('role', 'main');
const CHUNK = 32 * 1024;
const RETRY = [0, 200, 1000, 3000];
const TRANSCRIPT = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nWelcome to the upload session.\n\n' +
  '00:00:04.000 --> 00:00:05.500\nNext: the quince compiler pass.\n';
const META = {
  title: 'Resumed over a flaky link',
  kind: 'webinar',
  date: '2025-11-06',
  speakers: 'Ann Host (Host)\nBo Dev',
  filename: 'talk.mp4',
  transcript: TRANSCRIPT,
};

/* tus-js-client, installed with `npm ci` from the committed lock file into
 * WORK (never into the source tree). */
function loadTus() {
  return qa.loadPinned(HERE, WORK, 'tus-js-client', { install: ROLE === 'main' });
}

function options(tus, endpoint, token, extra) {
  return {
    endpoint,
    metadata: META,
    headers: token ? { Authorization: 'Bearer ' + token } : {},
    retryDelays: RETRY,
    ...extra,
  };
}

/* ---- the two client processes of the resume case ---- */

/* First: upload in small chunks, remembering the upload in a file; stop
 * half-way and wait to be killed. */
function roleFirst(tus) {
  const file = argument('file');
  const storage = new tus.FileUrlStorage(argument('storage'));
  const upload = new tus.Upload(fs.createReadStream(file), options(tus, argument('endpoint'), argument('token'), {
    chunkSize: CHUNK,
    urlStorage: storage,
    onChunkComplete(chunk, accepted, total) {
      if (accepted >= total / 2) {
        upload.abort();
        console.log(`HALF ${upload.url} ${accepted}`);
        setInterval(() => {}, 1000); /* until SIGKILL */
      }
    },
    onSuccess() { console.log('DONE too early'); process.exit(1); },
    onError(err) { console.log('ERROR ' + err.message.replace(/\n/g, ' ')); process.exit(1); },
  }));
  upload.start();
}

/* Second: a new process finds the previous upload and finishes it. */
function roleSecond(tus) {
  const file = argument('file');
  const storage = new tus.FileUrlStorage(argument('storage'));
  let resumedFrom = null;
  const upload = new tus.Upload(fs.createReadStream(file), options(tus, argument('endpoint'), argument('token'), {
    chunkSize: CHUNK,
    urlStorage: storage,
    onBeforeRequest(req) {
      if (req.getMethod() === 'PATCH' && resumedFrom === null) resumedFrom = Number(req.getHeader('Upload-Offset'));
    },
    onSuccess({ lastResponse }) {
      console.log('DONE ' + JSON.stringify({
        url: upload.url,
        resumedFrom,
        id: lastResponse.getHeader('Qarchive-Recording-Id'),
        watch: lastResponse.getHeader('Qarchive-Recording-Url'),
      }));
      process.exit(0);
    },
    onError(err) { console.log('ERROR ' + err.message.replace(/\n/g, ' ')); process.exit(1); },
  }));
  upload.findPreviousUploads().then((previous) => {
    console.log(`PREVIOUS ${previous.length}`);
    if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0]);
    upload.start();
  });
}

/* ---- the test ---- */

function request(port, method, urlPath, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: headers || {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/* Start a client process of the resume case; resolves with its output
 * lines as they come through onLine, and with the exit when it ends. */
function spawnRole(role, args, onLine) {
  const child = childProcess.spawn(process.execPath, [__filename, '--role', role, '--work', WORK, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  let buffered = '';
  child.stdout.on('data', (d) => {
    buffered += d.toString();
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

function upload(tus, file, opts) {
  return new Promise((resolve) => {
    const u = new tus.Upload(fs.createReadStream(file), {
      ...opts,
      onSuccess: ({ lastResponse }) => resolve({ ok: true, response: lastResponse, url: u.url }),
      onError: (err) => resolve({ ok: false, err }),
    });
    u.start();
  });
}

function mediaOf(archive, id) {
  const dir = path.join(archive, id || 'none');
  if (!id || !fs.existsSync(dir)) return null;
  const media = fs.readdirSync(dir).filter((f) => f.startsWith('media.'));
  return media.length === 1 ? fs.readFileSync(path.join(dir, media[0])) : null;
}

async function main() {
  const qarchive = path.resolve(argument('qarchive'));
  const tus = loadTus();
  const archive = path.join(WORK, 'archive');
  fs.rmSync(archive, { recursive: true, force: true });
  fs.mkdirSync(path.join(archive, '2025-01-10-first'), { recursive: true });
  fs.writeFileSync(path.join(archive, '2025-01-10-first', 'recording.json'),
    JSON.stringify({ title: 'First', kind: 'other', date: '2025-01-10' }));
  fs.writeFileSync(path.join(archive, '2025-01-10-first', 'transcript.vtt'),
    'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello\n');
  run(qarchive, ['index', '--archive', archive]);
  const token = run(qarchive, ['token', 'add', 'tus-js-client', '--archive', archive]).trim();
  check(/^qat_[0-9a-f]{16}_/.test(token), 'a token: ' + token.slice(0, 21));

  const file = path.join(WORK, 'talk.mp4');
  run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25:duration=10',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=10', '-c:v', 'mpeg4', '-q:v', '4', '-c:a', 'aac',
    '-movflags', '+faststart', file]); /* moov first: stored byte for byte */
  const source = fs.readFileSync(file);
  check(source.length > 6 * CHUNK, `the video spans several chunks: ${source.length} bytes`);

  const port = await freePort();
  const logPath = path.join(WORK, 'serve.log');
  const log = fs.openSync(logPath, 'w');
  const server = childProcess.spawn(qarchive, ['serve', '--archive', archive, '--port', String(port), '--threads', '4'],
    { stdio: ['ignore', 'ignore', log] });
  const endpoint = `http://127.0.0.1:${port}/api/uploads`;
  try {
    let up = false;
    for (let i = 0; i < 300 && !up; i++) {
      try { up = (await request(port, 'GET', '/healthz')).status === 200; } catch (e) { await sleep(100); }
    }
    check(up, 'the server answers');

    /* A whole upload, one PATCH. */
    let r = await upload(tus, file, options(tus, endpoint, token, { storeFingerprintForResuming: false }));
    const id = r.ok ? r.response.getHeader('Qarchive-Recording-Id') : null;
    check(r.ok && id && r.response.getHeader('Qarchive-Recording-Url') === '/watch/' + id,
      'a whole upload becomes a recording: ' + (r.ok ? id : r.err && r.err.message));
    const stored = mediaOf(archive, id);
    check(stored && stored.equals(source), 'its media is the file, byte for byte');
    let res = await request(port, 'GET', '/api/search?q=quince');
    const hits = res.status === 200 ? JSON.parse(res.body).hits : [];
    check(hits.length === 1 && hits[0].recording === id && hits[0].t === 4,
      'the transcript from the metadata is searchable: ' + res.body.slice(0, 300));

    /* Refusals reach the client as they are. */
    r = await upload(tus, file, options(tus, endpoint, null, { storeFingerprintForResuming: false }));
    check(!r.ok && r.err.originalResponse && r.err.originalResponse.getStatus() === 401,
      'without credentials: 401: ' + (r.err && r.err.message));
    r = await upload(tus, file, options(tus, endpoint, token, {
      storeFingerprintForResuming: false, metadata: { ...META, title: '' },
    }));
    check(!r.ok && r.err.originalResponse && r.err.originalResponse.getStatus() === 400 &&
      /title/.test(r.err.originalResponse.getBody()), 'without a title: 400 naming it: ' + (r.err && r.err.message));

    /* The resume case, across processes. */
    const storage = path.join(WORK, 'tus-urls.json');
    /* proper-lockfile, under FileUrlStorage, locks with a folder beside it. */
    for (const f of [storage, storage + '.lock']) fs.rmSync(f, { recursive: true, force: true });
    const common = ['--file', file, '--storage', storage, '--endpoint', endpoint, '--token', token];
    let half = null;
    const first = spawnRole('first', common, (line) => {
      const m = /^HALF (\S+) (\d+)$/.exec(line);
      if (m) half = { url: m[1], accepted: Number(m[2]) };
      else console.log('first: ' + line);
    });
    for (let i = 0; i < 600 && !half; i++) await sleep(100);
    check(half !== null, 'the first process got half-way');
    first.kill('SIGKILL');
    const firstExit = await first.exited;
    check(firstExit.signal === 'SIGKILL', 'the first process was killed: ' + JSON.stringify(firstExit));
    if (half) {
      res = await request(port, 'HEAD', new URL(half.url).pathname, { 'Tus-Resumable': '1.0.0', Authorization: 'Bearer ' + token });
      const offset = Number(res.headers['upload-offset']);
      check(res.status === 200 && offset === half.accepted && offset < source.length,
        `the server holds the first half: ${res.status} ${offset} of ${source.length}`);
      const stored = JSON.parse(fs.readFileSync(storage, 'utf8'));
      check(Object.values(stored).some((u) => u.uploadUrl === half.url), 'the URL storage remembers the upload');
    }
    let done = null;
    const second = spawnRole('second', common, (line) => {
      if (line.startsWith('DONE ')) done = JSON.parse(line.slice(5));
      else if (line !== 'PREVIOUS 1') console.log('second: ' + line);
    });
    const secondExit = await second.exited;
    check(secondExit.code === 0 && done, 'the second process finished the upload: ' + JSON.stringify(secondExit));
    if (done && half) {
      check(done.url === half.url, `it resumed the same upload: ${done.url}`);
      check(done.resumedFrom === half.accepted, `from where the first stopped: ${done.resumedFrom} (${half.accepted})`);
      check(done.id && done.id !== id && done.watch === '/watch/' + done.id, 'it became a recording: ' + done.id);
      const media = mediaOf(archive, done.id);
      check(media && media.equals(source), 'the resumed upload\'s media is the file, byte for byte');
      res = await request(port, 'GET', '/api/recordings/' + done.id);
      check(res.status === 200 && JSON.parse(res.body).title === META.title, 'GET /api/recordings/' + done.id + ': ' + res.status);
      res = await request(port, 'HEAD', new URL(done.url).pathname, { 'Tus-Resumable': '1.0.0', Authorization: 'Bearer ' + token });
      check(res.status === 200 && res.headers['qarchive-recording-id'] === done.id, 'HEAD names the recording');
    }
  } finally {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
      server.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(60000).then(() => 'timeout')]);
      if (code === 'timeout') server.kill('SIGKILL');
      check(code === 0, 'SIGTERM: exit 0, got ' + code);
    }
    fs.closeSync(log);
    const text = fs.readFileSync(logPath, 'utf8');
    check(!/LeakSanitizer|ERROR: AddressSanitizer|runtime error/.test(text), 'no sanitizer report: ' + text.slice(-3000));
    fs.rmSync(archive, { recursive: true, force: true });
  }
}

if (ROLE === 'first') {
  roleFirst(loadTus());
} else if (ROLE === 'second') {
  roleSecond(loadTus());
} else {
  main().catch((e) => {
    console.log(e.stack);
    check(false, 'raised ' + e.message);
  }).finally(() => qa.report());
}
