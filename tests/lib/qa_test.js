/* What the Node end-to-end tests (tests/browser, tests/tus-client) share:
 * arguments, check() and the "N passed, N failed" line ctest's
 * FAIL_REGULAR_EXPRESSION reads, installing a pinned package from a
 * committed lock file, and `qarchive serve` on a free 127.0.0.1 port,
 * stopped by PID. Required by relative path: require('../lib/qa_test').
 */
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

/* --NAME VALUE from the command line; without it, `fallback`, or the
 * usage line and exit status 2. */
function argument(name, fallback, usage) {
  const i = process.argv.indexOf('--' + name);
  if (i > 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (fallback !== undefined) return fallback;
  console.error(usage);
  process.exit(2);
}

const counts = { passed: 0, failed: 0 };

function check(ok, what) {
  if (ok) {
    counts.passed++;
  } else {
    counts.failed++;
    console.log('FAIL: ' + what);
  }
}

/* The last line; `extraFailed` counts a crash of the test itself. */
function report(extraFailed) {
  const failed = counts.failed + (extraFailed || 0);
  console.log(`${counts.passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

function run(cmd, args, options) {
  const r = childProcess.spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/* The package `name` at the version `here`/package.json pins, installed
 * with `npm ci` from the committed lock file into `work` (never into the
 * source tree) when it is missing; `install` false only loads it. */
function loadPinned(here, work, name, { install = true, env } = {}) {
  const want = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8')).dependencies[name];
  const installed = path.join(work, 'node_modules', name, 'package.json');
  let have = null;
  try { have = JSON.parse(fs.readFileSync(installed, 'utf8')).version; } catch (e) { have = null; }
  if (have !== want && install) {
    fs.mkdirSync(work, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(here, f), path.join(work, f));
    console.log(`installing ${name} ${want} into ${work}`);
    run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: work, stdio: 'inherit', env: { ...process.env, ...env } });
  }
  return require(path.join(work, 'node_modules', name));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function get(port, p) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* `qarchive serve` on a free 127.0.0.1 port, stderr into `log`, with any
 * further options in `extra`; resolves once /healthz answers 200 (10 s at
 * most). */
async function startServer(qarchive, archive, log, extra = []) {
  const port = await freePort();
  const fd = fs.openSync(log, 'w');
  const proc = childProcess.spawn(qarchive, ['serve', '--archive', archive, '--port', String(port), '--threads', '4', ...extra],
    { stdio: ['ignore', 'ignore', fd] });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await get(port, '/healthz')).status === 200) return { proc, port };
    } catch (e) { /* not listening yet */ }
    await sleep(100);
  }
  proc.kill('SIGTERM');
  throw new Error('qarchive serve did not start: ' + fs.readFileSync(log, 'utf8'));
}

/* SIGTERM by PID (SIGKILL after 10 s); resolves to the exit status. */
function stopServer(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve(proc.exitCode);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
    proc.on('exit', (code) => { clearTimeout(timer); resolve(code); });
    process.kill(proc.pid, 'SIGTERM');
  });
}

/* Resolves once `page` has drawn what it loaded: its fonts ready, its
 * loaded images decoded, and two animation frames after that (the first
 * runs before the next paint, the second after it). What a test waits for
 * before it reads the page or takes a screenshot, instead of a sleep.
 * (A lazy image not loaded yet is left out: its decode() would wait for a
 * scroll that never comes.) */
async function settled(page) {
  await page.evaluate(async () => {
    await document.fonts.ready;
    await Promise.all([...document.images].filter((i) => i.complete)
      .map((i) => i.decode().catch(() => null)));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

/* Debian's chromium, headless, without the network it would reach for by
 * itself, and allowed to autoplay (the players start on a click). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required', '--mute-audio'];

module.exports = {
  argument, check, counts, report, run, loadPinned, freePort, get, sleep,
  startServer, stopServer, settled, CHROMIUM_ARGS,
};
