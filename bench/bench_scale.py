#!/usr/bin/env python3
"""Replicas behind nginx, measured (issue 19): short wrk runs on 127.0.0.1.

  search:  /api/search through nginx with 1 and with 2 replicas in its
           upstream (wrk rotating through bench_http.sh's 8 queries), and
           one replica directly, over a synthetic archive of --hours hours
           (bench_index_gen.py);
  media:   /media/<id> of a ~100 MB file through nginx (qarchive checks,
           then X-Accel-Redirect) against qarchive sending it itself:
           64 KiB ranges at random offsets (16 connections) and full GETs
           (4 connections);
  lag:     an upload's replication lag (201 from the writer until each
           replica's search finds it, polled every 20 ms), and a full
           rebuild's (`index --force` done until each replica has
           installed the new copy).

Every process is started here on free ports and stopped by PID. wrk,
nginx, the writer, its replication server and the replicas share the
machine: read the figures as a lower bound and as ratios.

usage: bench_scale.py [--build DIR] [--hours N] [--secs N] [--work DIR]
  --build  a configured build directory with qarchive (default build-bench:
           Release, as bench_http.sh makes it)
  --hours  the synthetic archive's hours of speech (default 100)
  --secs   each wrk run (default 10)
needs: wrk, nginx, xapian-tools, ffmpeg
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import time
import urllib.parse

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
import qa_test  # noqa: E402

QUERIES = ["memory", "checkpoint", "backhulgret", "torch.compile", "dynamo", '"graph break"',
           "fully sharded data parallel", "inductor OR triton"]
MEDIA_MB = 100


def sh(*argv, env=None, timeout=3600):
    r = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
    if r.returncode != 0:
        sys.exit("bench_scale: %s failed: %s" % (" ".join(argv), r.stderr[-2000:]))
    return r.stdout


def changesets_env():
    e = dict(os.environ)
    e["XAPIAN_MAX_CHANGESETS"] = "10"
    return e


def get(port, path, headers=None):
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read()
    except OSError:
        return 0, b""
    finally:
        c.close()


def wait(what, fn, bound=120):
    deadline = time.monotonic() + bound
    while not fn():
        if time.monotonic() > deadline:
            sys.exit("bench_scale: %s: not within %d s" % (what, bound))
        time.sleep(0.02)


class Procs:
    def __init__(self, work):
        self.work = work
        self.all = []

    def start(self, name, argv, env=None, own_group=False):
        log = open(os.path.join(self.work, name + ".log"), "ab")
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log, env=env,
                             start_new_session=own_group)
        self.all.append(p)
        return p

    def stop_all(self):
        for p in reversed(self.all):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.all:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()


def make_archive(qarchive, work, hours):
    archive = os.path.join(work, "archive-%d" % hours)
    if os.path.exists(os.path.join(archive, ".complete")):
        return archive
    shutil.rmtree(archive, ignore_errors=True)
    sh(sys.executable, os.path.join(SRC, "bench", "bench_index_gen.py"), "--hours", str(hours),
       archive)
    # One recording gets a ~100 MB media file: a real 2 s MP4, then a
    # top-level "free" box of random bytes (bench_http.sh's trick:
    # playable for libavformat, incompressible).
    rec = sorted(d for d in os.listdir(archive) if os.path.isdir(os.path.join(archive, d)))[0]
    head = os.path.join(work, "head.mp4")
    qa_test.ffmpeg("bench_scale", "-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10",
                   "-c:v", "libx264", "-pix_fmt", "yuv420p", head)
    n = MEDIA_MB * 1024 * 1024
    with open(os.path.join(archive, rec, "media.mp4"), "wb") as out:
        with open(head, "rb") as f:
            out.write(f.read())
        out.write(struct.pack(">I", n + 8) + b"free")
        with open("/dev/urandom", "rb") as r:
            for _ in range(n // (1 << 20)):
                out.write(r.read(1 << 20))
    t = time.monotonic()
    sh(qarchive, "index", "--quiet", "--archive", archive, env=changesets_env())
    print("indexed %d hours in %.1f s" % (hours, time.monotonic() - t), file=sys.stderr)
    open(os.path.join(archive, ".complete"), "w").close()
    return archive


def nginx_conf(prefix, port, writer_port, replica_ports, archive):
    servers = "\n".join("        server 127.0.0.1:%d max_fails=2 fail_timeout=10s;" % p
                        for p in replica_ports)
    user = "user root root;" if os.geteuid() == 0 else ""
    return """%s
worker_processes 1;
daemon off;
pid %s/nginx.pid;
error_log %s/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    client_body_temp_path %s/body; proxy_temp_path %s/proxy; fastcgi_temp_path %s/fcgi;
    uwsgi_temp_path %s/uwsgi; scgi_temp_path %s/scgi;
    upstream qarchive_writer { server 127.0.0.1:%d; keepalive 8; }
    upstream qarchive_replicas {
%s
        keepalive 32;
    }
    server {
        listen 127.0.0.1:%d;
        gzip on; gzip_proxied any; gzip_types application/json;
        set $qarchive_archive %s;
        include %s;
    }
}
""" % (user, prefix, prefix, prefix, prefix, prefix, prefix, prefix, writer_port, servers, port,
       archive, os.path.join(SRC, "deploy", "qarchive-routes.conf"))


def start_nginx(procs, work, name, writer_port, replica_ports, archive):
    prefix = os.path.join(work, name)
    os.makedirs(prefix, exist_ok=True)
    port = qa_test.free_port()
    conf = os.path.join(prefix, "nginx.conf")
    qa_test.write(conf, nginx_conf(prefix, port, writer_port, replica_ports, archive))
    procs.start(name, ["nginx", "-p", prefix, "-e", os.path.join(prefix, "error.log"),
                       "-c", conf])
    wait(name, lambda: get(port, "/healthz")[0] == 200)
    return port


def wrk(secs, conns, url, script=None, args=()):
    t = 1 if conns < 2 else 2
    argv = ["wrk", "-t%d" % t, "-c%d" % conns, "-d%ds" % secs, "--timeout", "10s", "--latency"]
    if script:
        argv += ["-s", script]
    argv.append(url)
    if args:
        argv += ["--", *args]
    out = sh(*argv, timeout=secs + 120)

    def ms(v):
        m = re.match(r"([\d.]+)(us|ms|s|m)", v)
        k = {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[m.group(2)]
        return float(m.group(1)) * k

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    tr = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out)
    mbs = float(tr.group(1)) * {"B": 1, "KB": 1024, "MB": 1 << 20, "GB": 1 << 30}[tr.group(2)] / 1e6
    errs = sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errs += sum(int(x) for x in sock.groups())
    return rps, p50, p99, mbs, errs


def search_lua(work):
    path = os.path.join(work, "search.lua")
    paths = ",\n".join('  "/api/search?q=%s"' % urllib.parse.quote(q, safe="") for q in QUERIES)
    qa_test.write(path, """paths = {
%s
}
local i = 0
function init(args) i = math.random(#paths) - 1 end
function request()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
""" % paths)
    return path


def range_lua(work):
    path = os.path.join(work, "range.lua")
    qa_test.write(path, """local size
local n = 0
function setup(thread) n = n + 1; thread:set("seed", n) end
function init(args) size = tonumber(args[1]); math.randomseed(os.time() * 100 + seed) end
function request()
  local off = math.random(0, size - 65536)
  return wrk.format("GET", nil, { Range = "bytes=" .. off .. "-" .. (off + 65535) })
end
""")
    return path


def upload(port, token, word, media):
    import http.client
    vtt = "WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nthe lag word %s\n" % word
    body, ctype = qa_test.multipart(
        [("title", "Lag " + word), ("kind", "webinar"), ("date", "2026-03-01")],
        [("media", "lag.m4a", media), ("transcript", "lag.vtt", vtt.encode())], "b" + word)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request("POST", "/api/recordings", body=body,
              headers={"Content-Type": ctype, "Authorization": "Bearer " + token})
    r = c.getresponse()
    r.read()
    c.close()
    if r.status != 201:
        sys.exit("bench_scale: upload: %d" % r.status)


def found(port, word):
    st, b = get(port, "/api/search?q=" + word)
    return st == 200 and json.loads(b).get("total") == 1


def stub(d):
    try:
        with open(os.path.join(d, "XAPIANDB")) as f:
            return f.read().split()[-1]
    except OSError:
        return ""


def lag_runs(nginx_port, replicas, token, work, n=5):
    wav, m4a = os.path.join(work, "lag.wav"), os.path.join(work, "lag.m4a")
    qa_test.ffmpeg("bench_scale", "-f", "lavfi", "-i", "sine=duration=2", wav)
    qa_test.ffmpeg("bench_scale", "-i", wav, "-c:a", "aac", "-b:a", "32k", m4a)
    media = open(m4a, "rb").read()
    lags = []
    for i in range(n):
        word = "lagword%s%d" % (os.urandom(3).hex(), i)
        upload(nginx_port, token, word, media)
        t0 = time.monotonic()
        pending = dict(replicas)
        while pending:
            for name, port in list(pending.items()):
                if found(port, word):
                    lags.append(time.monotonic() - t0)
                    del pending[name]
            if time.monotonic() - t0 > 120:
                sys.exit("bench_scale: an upload not replicated in 120 s")
            time.sleep(0.02)
    return lags


def writer_generation(archive):
    try:
        with open(os.path.join(archive, ".qarchive", "index")) as f:
            return f.read().split()[-1]
    except OSError:
        return ""


def rebuild_lag(qarchive, archive, dirs):
    """(seconds to build, seconds from its publication, the stub renamed
    over, until every replica's stub names a new copy)."""
    before = [stub(d) for d in dirs]
    gen = writer_generation(archive)
    t0 = time.monotonic()
    p = subprocess.Popen([qarchive, "index", "--force", "--quiet", "--archive", archive],
                         env=changesets_env(), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    wait("rebuild published", lambda: writer_generation(archive) not in ("", gen), 3600)
    published = time.monotonic()
    wait("rebuild replicated", lambda: all(stub(d) not in ("", b) for d, b in zip(dirs, before)),
         600)
    copied = time.monotonic() - published
    if p.wait() != 0:
        sys.exit("bench_scale: index --force failed")
    return published - t0, copied


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(SRC, "build-bench"))
    ap.add_argument("--hours", type=int, default=100)
    ap.add_argument("--secs", type=int, default=10)
    ap.add_argument("--work", default=os.path.join(SRC, "bench", "work", "scale"))
    a = ap.parse_args()
    for tool in ("wrk", "nginx", "xapian-replicate", "xapian-replicate-server", "ffmpeg"):
        if not shutil.which(tool):
            sys.exit("bench_scale: missing " + tool)
    qarchive = os.path.join(a.build, "qarchive")
    os.makedirs(a.work, exist_ok=True)
    run = os.path.join(a.work, "run")
    shutil.rmtree(run, ignore_errors=True)
    os.makedirs(run)
    archive = make_archive(qarchive, a.work, a.hours)
    token = sh(qarchive, "token", "add", "bench-%d" % os.getpid(), "--archive",
               archive).split()[-1]
    procs = Procs(run)
    try:
        wport = qa_test.free_port()
        procs.start("writer", [qarchive, "serve", "--archive", archive, "--port", str(wport)],
                    env=changesets_env())
        wait("writer", lambda: get(wport, "/healthz")[0] == 200)
        rport = qa_test.free_port()
        procs.start("replicate-server", ["xapian-replicate-server", "-I", "127.0.0.1", "-p",
                                         str(rport), os.path.join(archive, ".qarchive")],
                    own_group=True)
        reps, dirs = {}, []
        for name in ("r1", "r2"):
            port = qa_test.free_port()
            d = os.path.join(run, name, "index")
            os.makedirs(os.path.dirname(d))
            procs.start(name, [qarchive, "serve", "--archive", archive, "--port", str(port),
                               "--replica-of", "127.0.0.1:%d" % rport, "--replica-dir", d,
                               "--writer-url", "http://127.0.0.1:%d/" % wport,
                               "--replica-interval", "1", "--accel-redirect", "/_archive"])
            t0 = time.monotonic()
            wait(name, lambda: get(port, "/healthz")[0] == 200, 600)
            print("%s: first copy in %.1f s" % (name, time.monotonic() - t0), file=sys.stderr)
            reps[name] = port
            dirs.append(d)
        n1 = start_nginx(procs, run, "nginx-1", wport, [reps["r1"]], archive)
        n2 = start_nginx(procs, run, "nginx-2", wport, [reps["r1"], reps["r2"]], archive)
        lua = search_lua(run)
        for path in ["/api/search?q=" + urllib.parse.quote(q, safe="") for q in QUERIES]:
            for port in (n2, n2, reps["r1"], reps["r2"]):
                get(port, path)
        print("machine: %d cores (shared with other jobs; load average %.1f), %s; %s" %
              (os.cpu_count(), os.getloadavg()[0], os.uname().release,
               time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime())))
        size = os.path.getsize(os.path.join(archive, sorted(
            d for d in os.listdir(archive) if os.path.isdir(os.path.join(archive, d)) and
            d != ".qarchive")[0], "media.mp4"))
        print("\n| search path | connections | requests/s | p50 ms | p99 ms | errors |")
        print("|---|---|---|---|---|---|")
        for label, port in (("replica r1 directly", reps["r1"]), ("nginx, 1 replica", n1),
                            ("nginx, 2 replicas", n2)):
            for c in (1, 16):
                rps, p50, p99, _, err = wrk(a.secs, c, "http://127.0.0.1:%d/api/search" % port,
                                            lua)
                print("| %s | %d | %.1f | %.1f | %.1f | %d |" % (label, c, rps, p50, p99, err))
        rec = sorted(d for d in os.listdir(archive)
                     if os.path.isdir(os.path.join(archive, d)) and d != ".qarchive")[0]
        rlua = range_lua(run)
        print("\n| media (%.0f MB) | server | requests/s | p50 ms | p99 ms | MB/s | errors |" %
              (size / 1e6))
        print("|---|---|---|---|---|---|---|")
        for test, c in (("64 KiB range, random offset", 16), ("full file GET", 4)):
            for label, port in (("qarchive directly (writer)", wport),
                                ("nginx via X-Accel-Redirect", n2)):
                url = "http://127.0.0.1:%d/media/%s" % (port, rec)
                if c == 16:
                    r = wrk(a.secs, c, url, rlua, [str(size)])
                else:
                    r = wrk(a.secs, c, url)
                print("| %s, %d conn | %s | %.1f | %.1f | %.1f | %.0f | %d |" %
                      (test, c, label, r[0], r[1], r[2], r[3], r[4]))
        lags = lag_runs(n2, reps, token, run)
        print("\nupload → searchable on a replica (interval 1 s), %d samples: median %.2f s, "
              "max %.2f s" % (len(lags), statistics.median(lags), max(lags)))
        built, copied = rebuild_lag(qarchive, archive, dirs)
        print("index --force of %d hours: published after %.1f s; both replicas had installed "
              "the full copy %.2f s after that" % (a.hours, built, copied))
        gen = os.path.join(archive, ".qarchive", writer_generation(archive))
        du = sum(os.path.getsize(os.path.join(gen, f)) for f in os.listdir(gen))
        print("index size (the generation in use, fresh from --force): %.1f MB for %d hours"
              % (du / 1e6, a.hours))
        print("load average at the end: %.1f %.1f %.1f" % os.getloadavg())
    finally:
        procs.stop_all()


if __name__ == "__main__":
    main()
