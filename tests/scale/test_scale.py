"""Read replicas behind nginx (issue 19), on 127.0.0.1 with free ports:

  a writer (`qarchive serve --accel-redirect /_archive` on a copy of the
  bundled archive, keeping Xapian changesets), its replication server
  (`xapian-replicate-server` on <archive>/.qarchive, exporting the stub
  `index`), two replicas (`serve --replica-of`, reading the same archive
  folder and their own copies of the index) and nginx in front, run as
  this user with a temporary prefix and a config that includes
  deploy/qarchive-routes.conf itself, with the replicas as its read
  upstream and an X-Upstream header saying which one answered.

Checked:
  - an upload through nginx reaches the writer (POST goes there) and is
    searchable through nginx from both replicas within LAG_BOUND_S;
  - a replica refuses an upload and the sign-in page with a 403 naming the
    writer; media through nginx comes from the archive by X-Accel-Redirect
    (the replica's own answer is an empty 200 with the header), with
    nginx's Range and validators; /_archive/ is not reachable from outside;
    JSON is gzip-compressed;
  - with one replica killed (SIGKILL) searches through nginx keep
    answering, all of them, with the right totals;
  - restarted, that replica catches up with an upload made while it was
    down, within LAG_BOUND_S;
  - during full rebuilds on the writer (`qarchive index --force`, each a
    new generation and so a full copy to each replica) searches through
    nginx never see an empty or partial index: every answer is a 200 with
    the totals from before, until both replicas have installed the last
    rebuild's copy.

Every wait polls for a status, a log line or a file; nothing sleeps into
a timing window. All processes are started here and stopped by PID.

usage: test_scale.py QARCHIVE TRANSCRIPTS_DIR WORKDIR ROUTES_CONF
Exits 77 (SKIP) without nginx, xapian-replicate(-server), espeak-ng or
ffmpeg. The last line is "N passed, N failed".
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import re
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, free_port  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
SOURCE = os.path.abspath(sys.argv[2])
WORK = os.path.abspath(sys.argv[3])
ROUTES = os.path.abspath(sys.argv[4])

LAG_BOUND_S = 30      # an upload is searchable on every replica within this
START_BOUND_S = 60    # a process is up within this (ASan builds are slow)
REBUILDS = 2          # full rebuilds during the continuous searches
INTERVAL = "1"        # --replica-interval for the test's replicas
# A word the bundled archive holds in many recordings: its total is the
# "not partial" check on every search during the rebuilds.
COMMON_QUERY = "compile"


def writer_env():
    """The writer and `qarchive index` keep changesets, so that an
    incremental change replicates as one (docs/deploy.md)."""
    e = qa_test.sanitizer_env()
    e["XAPIAN_MAX_CHANGESETS"] = "10"
    return e


def wait_until(what, fn, bound, proc=None, log=None):
    """Polls fn() until it returns a true value; exits the test if bound
    seconds pass or proc dies first."""
    deadline = time.monotonic() + bound
    while True:
        v = fn()
        if v:
            return v
        if proc is not None and proc.poll() is not None:
            sys.exit("test_scale: %s: the process exited %s\n%s" %
                     (what, proc.returncode, log() if log else ""))
        if time.monotonic() > deadline:
            sys.exit("test_scale: %s: not within %d s\n%s" % (what, bound, log() if log else ""))
        time.sleep(0.05)


def request(port, method, path, headers=None, body=None, timeout=60):
    """(status, headers, body) or (0, None, error text) when the connection fails."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.msg, r.read()
    except OSError as e:
        return 0, None, str(e).encode()
    finally:
        c.close()


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


class Proc:
    """A process of ours, its stderr in a file, stopped by PID."""

    def __init__(self, name, argv, env=None, own_group=False):
        self.own_group = own_group
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = os.path.join(WORK, name + ".log")
        self.start()

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=self.log,
                                     env=self.env, start_new_session=self.own_group)

    def text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, expect_zero=True):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.log.close()
        if expect_zero:
            check(rc == 0, "%s: exit 0 after SIGTERM (got %s): %s" %
                  (self.name, rc, self.text()[-2000:]))
        return rc


class Serve(Proc):
    """`qarchive serve`, up once its "listening" line is on stderr."""

    def __init__(self, name, archive, extra, env):
        self.port = free_port()
        super().__init__(name, [QARCHIVE, "serve", "--archive", archive, "--port",
                                str(self.port), "--threads", "2", *extra], env)
        self.wait_listening()

    def wait_listening(self):
        want = ":%d/ with" % self.port
        wait_until(self.name + " listening", lambda: want in self.text(), START_BOUND_S,
                   self.proc, self.text)

    def restart(self):
        self.start()
        self.wait_listening()

    def stop(self, sig=signal.SIGTERM, expect_zero=True):
        rc = super().stop(sig, expect_zero)
        if expect_zero:
            log = self.text()
            check("Sanitizer" not in log and "runtime error" not in log,
                  "%s: no sanitizer report: %s" % (self.name, log[-3000:]))
        return rc


def nginx_conf(prefix, nginx_port, writer, replicas, archive):
    mime = "/etc/nginx/mime.types"
    types = ("include %s;" % mime if os.path.exists(mime) else
             "types { audio/mp4 m4a; video/mp4 mp4; }")
    # As root (a container), the workers would switch to "nobody" and not
    # read the test's files: keep them as this user.
    user = "user root root;" if os.geteuid() == 0 else ""
    upstream = "\n".join("        server 127.0.0.1:%d max_fails=1 fail_timeout=3s;" % r.port
                         for r in replicas)
    return """
%(user)s
worker_processes 1;
pid %(prefix)s/nginx.pid;
error_log %(prefix)s/error.log warn;
daemon off;
events { worker_connections 256; }
http {
    %(types)s
    default_type application/octet-stream;
    access_log %(prefix)s/access.log;
    client_body_temp_path %(prefix)s/client_body;
    proxy_temp_path %(prefix)s/proxy;
    fastcgi_temp_path %(prefix)s/fastcgi;
    uwsgi_temp_path %(prefix)s/uwsgi;
    scgi_temp_path %(prefix)s/scgi;
    upstream qarchive_writer { server 127.0.0.1:%(writer)d; keepalive 4; }
    upstream qarchive_replicas {
%(upstream)s
        keepalive 8;
    }
    server {
        listen 127.0.0.1:%(port)d;
        gzip on;
        gzip_proxied any;
        gzip_min_length 256;
        gzip_types application/json text/css application/javascript text/vtt;
        add_header X-Upstream $upstream_addr always;
        set $qarchive_archive %(archive)s;
        include %(routes)s;
    }
}
""" % {"user": user, "prefix": prefix, "types": types, "writer": writer.port,
       "upstream": upstream, "port": nginx_port, "archive": archive, "routes": ROUTES}


def start_nginx(writer, replicas, archive):
    prefix = os.path.join(WORK, "nginx")
    os.makedirs(prefix, exist_ok=True)
    port = free_port()
    conf = os.path.join(prefix, "nginx.conf")
    qa_test.write(conf, nginx_conf(prefix, port, writer, replicas, archive))
    p = Proc("nginx", ["nginx", "-p", prefix, "-e", os.path.join(prefix, "error.log"),
                       "-c", conf])
    p.port = port
    p.errlog = lambda: open(os.path.join(prefix, "error.log"), errors="replace").read()
    wait_until("nginx up", lambda: request(port, "GET", "/healthz")[0] == 200,
               START_BOUND_S, p.proc, p.errlog)
    return p


def search(port, query):
    """(status, total or None, the upstream that answered)."""
    st, h, b = request(port, "GET", "/api/search?q=" + urllib.parse.quote(query))
    total = None
    if st == 200:
        try:
            total = json.loads(b)["total"]
        except (ValueError, KeyError):
            pass
    return st, total, (h.get("X-Upstream", "") if h else "")


def make_media(word):
    wav = os.path.join(WORK, word + ".wav")
    m4a = os.path.join(WORK, word + ".m4a")
    r = subprocess.run(["espeak-ng", "-s", "170", "-w", wav, "a replica test recording"],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        sys.exit("test_scale: espeak-ng failed: " + r.stderr)
    # moov first: the archive keeps it byte for byte (else +faststart).
    qa_test.ffmpeg("test_scale", "-i", wav, "-c:a", "aac", "-b:a", "32k", "-movflags", "+faststart",
                   m4a)
    with open(m4a, "rb") as f:
        return f.read()


def upload(port, token, word, media):
    vtt = "WEBVTT\n\n00:00:00.500 --> 00:00:02.500\nthe replica word %s is said here\n" % word
    body, ctype = qa_test.multipart(
        [("title", "Replica test " + word), ("kind", "webinar"), ("date", "2026-03-01")],
        [("media", "talk.m4a", media), ("transcript", "talk.vtt", vtt.encode())],
        "scaleBoundary" + word)
    st, h, b = request(port, "POST", "/api/recordings",
                       {"Content-Type": ctype, "Authorization": "Bearer " + token}, body, 120)
    rid = ""
    if st == 201:
        rid = json.loads(b).get("id", "")
    return st, rid, b


def seen_on_both(nginx, replicas, query, want_total, bound):
    """Polls search through nginx until every replica has answered it with
    want_total; returns {upstream: seconds} of the first such answer."""
    addrs = {"127.0.0.1:%d" % r.port for r in replicas}
    first = {}
    t0 = time.monotonic()

    def done():
        st, total, up = search(nginx.port, query)
        if st == 200 and total == want_total and up in addrs and up not in first:
            first[up] = time.monotonic() - t0
        return len(first) == len(addrs)

    deadline = t0 + bound
    while not done():
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return first


def check_replica_refuses(replica, writer_url):
    st, h, b = request(replica.port, "POST", "/api/recordings",
                       {"Content-Type": "application/json"}, b"{}")
    check(st == 403 and writer_url.encode() in b,
          "a replica refuses an upload with a 403 naming the writer: %s %r" % (st, b[:300]))
    st, h, b = request(replica.port, "GET", "/login")
    check(st == 403 and writer_url.encode() in b,
          "a replica refuses the sign-in page with a 403 naming the writer: %s" % st)
    st, h, b = request(replica.port, "GET", "/api/recordings")
    check(st == 200, "a replica answers reads (/api/recordings): %s" % st)


def check_media(nginx, replica, rid, media):
    path = "/media/" + rid
    st, h, b = request(replica.port, "GET", path)
    check(st == 200 and b == b"" and
          h.get("X-Accel-Redirect", "").startswith("/_archive/%s/media." % rid),
          "a replica answers media with an empty 200 and X-Accel-Redirect: %s %s %r" %
          (st, h and h.get("X-Accel-Redirect"), b[:100]))
    st, h, b = request(nginx.port, "GET", path)
    check(st == 200 and b == media, "media through nginx: the file (%s, %d of %d bytes)" %
          (st, len(b), len(media)))
    check(h and h.get("Content-Type", "").startswith("audio/mp4"),
          "media through nginx: audio/mp4 (%s)" % (h and h.get("Content-Type")))
    etag = h.get("ETag", "") if h else ""
    st, h, b = request(nginx.port, "GET", path, {"Range": "bytes=10-109"})
    check(st == 206 and b == media[10:110] and
          h.get("Content-Range") == "bytes 10-109/%d" % len(media),
          "media through nginx: a range (%s %s, %d bytes)" %
          (st, h and h.get("Content-Range"), len(b)))
    st, h, b = request(nginx.port, "GET", path, {"Range": "bytes=-50"})
    check(st == 206 and b == media[-50:], "media through nginx: the last 50 bytes (%s)" % st)
    st, h, b = request(nginx.port, "GET", path, {"If-None-Match": etag})
    check(etag != "" and st == 304, "media through nginx: If-None-Match %s -> 304 (%s)" %
          (etag, st))
    name = "/_archive/%s/media.m4a" % rid
    st, h, b = request(nginx.port, "GET", name)
    check(st == 404, "nginx's internal archive location is not reachable: %s %s" % (name, st))
    st, h, b = request(nginx.port, "GET", "/media/no-such-recording")
    check(st == 404, "media of no recording through nginx: 404 (%s)" % st)


def check_gzip(nginx):
    st, h, b = request(nginx.port, "GET", "/api/search?q=" + COMMON_QUERY,
                       {"Accept-Encoding": "gzip"})
    check(st == 200 and h.get("Content-Encoding") == "gzip",
          "JSON through nginx is gzip-compressed (%s %s)" % (st, h and h.get("Content-Encoding")))


def searches_survive_a_dead_replica(nginx, victim, query, want):
    victim.stop(signal.SIGKILL, expect_zero=False)
    bad = []
    for _ in range(40):
        st, total, up = search(nginx.port, query)
        if st != 200 or total != want:
            bad.append((st, total, up))
    check(not bad, "with a replica killed, 40 searches through nginx all answer %d hits: %r" %
          (want, bad[:5]))


class Searcher(threading.Thread):
    """Searches through nginx, without pause, until stopped; every answer
    must be a 200 with the expected totals (not empty, not partial)."""

    def __init__(self, port, expect):
        super().__init__()
        self.port = port
        self.expect = expect  # {query: total}
        self.stop_flag = threading.Event()
        self.count = 0
        self.bad = []
        self.upstreams = set()

    def run(self):
        while not self.stop_flag.is_set():
            for q, want in self.expect.items():
                st, total, up = search(self.port, q)
                self.count += 1
                self.upstreams.add(up)
                if st != 200 or total != want:
                    self.bad.append((q, st, total, up))


def replica_generation(replica_dir):
    """The replica_N the replica directory's stub names (Xapian writes it
    when a copy is complete)."""
    try:
        with open(os.path.join(replica_dir, "XAPIANDB")) as f:
            return [l for l in f.read().splitlines() if l.startswith("auto ")][-1]
    except (OSError, IndexError):
        return ""


def sessions(replica):
    st, h, b = request(replica.port, "GET", "/healthz")
    try:
        return json.loads(b)["replica"]["sessions"] if st == 200 else -1
    except (ValueError, KeyError):
        return -1


def rebuilds_under_search(archive, nginx, replicas, expect):
    s = Searcher(nginx.port, expect)
    s.start()
    for i in range(REBUILDS):
        before = [replica_generation(r.dir) for r in replicas]
        r = subprocess.run([QARCHIVE, "index", "--force", "--quiet", "--archive", archive],
                           capture_output=True, text=True, timeout=600, env=writer_env())
        check(r.returncode == 0, "index --force #%d: %s" % (i + 1, r.stderr))
        # Each replica installs the new generation as a new full copy: its
        # stub names another replica_N once the copy is complete.
        for rep, gen in zip(replicas, before):
            wait_until("%s installs rebuild #%d" % (rep.name, i + 1),
                       lambda: replica_generation(rep.dir) not in ("", gen),
                       LAG_BOUND_S, rep.proc, rep.text)
    # And a session after that, so searches have run on the new copies.
    now = [sessions(r) for r in replicas]
    for rep, n in zip(replicas, now):
        wait_until(rep.name + " one more session", lambda: sessions(rep) > n, LAG_BOUND_S,
                   rep.proc, rep.text)
    s.stop_flag.set()
    s.join()
    check(s.count > 0 and not s.bad,
          "during %d full rebuilds, %d searches through nginx all had the totals %r: %r" %
          (REBUILDS, s.count, expect, s.bad[:5]))
    addrs = {"127.0.0.1:%d" % r.port for r in replicas}
    check(addrs <= s.upstreams, "both replicas answered during the rebuilds: %r" % s.upstreams)
    print("test_scale: %d searches through nginx during %d rebuilds, none empty or partial"
          % (s.count, REBUILDS))


def check_deploy_conf():
    """deploy/nginx.conf as shipped passes `nginx -t`, with its snippet and
    certificate paths pointed at this test's (a self-signed pair from
    openssl) and inside an http block as Debian's nginx.conf has it."""
    if shutil.which("openssl") is None:
        print("SKIP: nginx -t of deploy/nginx.conf needs openssl")
        return
    d = os.path.join(WORK, "deploy-check")
    os.makedirs(d, exist_ok=True)
    key, cert = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        key, "-out", cert, "-subj", "/CN=qarchive-test", "-days", "1"],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        sys.exit("test_scale: openssl failed: " + r.stderr)
    with open(os.path.join(os.path.dirname(ROUTES), "nginx.conf")) as f:
        conf = (f.read().replace("/etc/nginx/snippets/qarchive-routes.conf", ROUTES)
                .replace("/etc/ssl/qarchive/fullchain.pem", cert)
                .replace("/etc/ssl/qarchive/privkey.pem", key))
    qa_test.write(os.path.join(d, "qarchive.conf"), conf)
    qa_test.write(os.path.join(d, "top.conf"),
                  "pid %s/nginx.pid;\nevents {}\nhttp {\n include %s/qarchive.conf;\n}\n" %
                  (d, d))
    r = subprocess.run(["nginx", "-t", "-p", d, "-e", os.path.join(d, "error.log"), "-c",
                        os.path.join(d, "top.conf")], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, "deploy/nginx.conf passes nginx -t: " + r.stderr)


def check_usage_errors(archive):
    """The replica's options go together and are checked before anything
    starts: exit 2 with a message that says what is wrong."""
    cases = [(["--replica-of", "127.0.0.1:7010"], "go together"),
             (["--replica-of", "nonsense"], "HOST:PORT"),
             (["--replica-of", "127.0.0.1:0"], "HOST:PORT"),
             (["--accel-redirect", "_archive/"], "--accel-redirect"),
             (["--replica-of", "127.0.0.1:7010", "--replica-dir", os.path.join(WORK, "x"),
               "--writer-url", "http://w/", "--transcriber", "true"], "no --transcriber")]
    for extra, want in cases:
        r = subprocess.run([QARCHIVE, "serve", "--archive", archive, "--port", "1", *extra],
                           capture_output=True, text=True, timeout=60,
                           env=qa_test.sanitizer_env())
        check(r.returncode == 2 and want in r.stderr,
              "serve %s: exit 2 saying %r (%s: %s)" % (" ".join(extra), want, r.returncode,
                                                      r.stderr.strip()))


def check_replica_without_writer(archive, token):
    """A replica whose writer cannot be reached holds no copy: it answers
    503 saying so, not an empty index, and keeps trying."""
    rep = start_replica("r-orphan", archive, free_port(), "http://127.0.0.1:1/")
    st, h, b = request(rep.port, "GET", "/healthz")
    check(st == 503 and b"first copy" in b, "a replica without its writer: 503 (%s %r)" %
          (st, b[:200]))
    st, h, b = request(rep.port, "GET", "/api/search?q=" + COMMON_QUERY)
    check(st == 503, "a replica without its writer: searches 503 (%s)" % st)
    wait_until("r-orphan reports a failed session", lambda: "did not complete" in rep.text(),
               START_BOUND_S, rep.proc, rep.text)
    rep.stop()


def check_private_replica(archive, repl_port, writer_url, token, rid):
    """--private holds with X-Accel-Redirect: a reader without credentials
    gets no redirect header, one with a token (accounts.json, read from the
    shared archive) does."""
    rep = start_replica("r-private", archive, repl_port, writer_url, ["--private"])
    wait_until("r-private has its copy", lambda: request(rep.port, "GET", "/healthz")[0] == 200,
               START_BOUND_S, rep.proc, rep.text)
    st, h, b = request(rep.port, "GET", "/media/" + rid)
    check(st in (401, 403) and h and not h.get("X-Accel-Redirect"),
          "--private replica: media without credentials is refused, no X-Accel-Redirect (%s)"
          % st)
    st, h, b = request(rep.port, "GET", "/media/" + rid, {"Authorization": "Bearer " + token})
    check(st == 200 and h.get("X-Accel-Redirect", "").startswith("/_archive/" + rid + "/"),
          "--private replica: with a token, X-Accel-Redirect (%s)" % st)
    rep.stop()


def check_one_writer_per_replica_dir(archive, repl_port, writer_url, base_total):
    """A second replica on the same --replica-dir does not write it beside
    the first (which a replica killed mid-session and restarted would
    otherwise do with its orphaned session): it waits for the lock, says
    so, and serves the whole copy that is there."""
    rep = start_replica("r-dup", archive, repl_port, writer_url, dir_of="r2")
    wait_until("r-dup says it waits", lambda: "being written by another process" in rep.text(),
               START_BOUND_S, rep.proc, rep.text)
    st, total, _ = search(rep.port, COMMON_QUERY)
    check(st == 200 and total == base_total,
          "a replica waiting for its directory serves the copy there (%s %s)" % (st, total))
    rep.stop()


def lag_gauge(port):
    st, h, b = request(port, "GET", "/metrics")
    m = re.search(rb"^qarchive_replication_lag_seconds ([0-9.e+-]+)$", b, re.M) if st == 200 else None
    return float(m.group(1)) if m else None


def check_lag_metric(writer, replicas):
    """/metrics: a replica's qarchive_replication_lag_seconds (how far its
    copy can be behind: since its last completed session began) stays
    under a few intervals once it follows; a writer has none."""
    bound = 5 * float(INTERVAL) + 5
    for r in replicas:
        lag = lag_gauge(r.port)
        check(lag is not None and 0 <= lag < bound,
              "%s: replication lag gauge under %.0f s (%s)" % (r.name, bound, lag))
    check(lag_gauge(writer.port) is None, "the writer has no replication lag gauge")


def tools_missing():
    need = ["nginx", "xapian-replicate", "xapian-replicate-server", "espeak-ng", "ffmpeg"]
    return [t for t in need if shutil.which(t) is None]


def setup_archive():
    archive = os.path.join(WORK, "archive")
    shutil.copytree(SOURCE, archive)
    r = subprocess.run([QARCHIVE, "index", "--quiet", "--archive", archive],
                       capture_output=True, text=True, timeout=600, env=writer_env())
    if r.returncode != 0:
        sys.exit("test_scale: index failed: " + r.stderr)
    r = subprocess.run([QARCHIVE, "token", "add", "scale", "--archive", archive],
                       capture_output=True, text=True, timeout=60, env=qa_test.sanitizer_env())
    token = r.stdout.strip().split()[-1] if r.stdout.strip() else ""
    if r.returncode != 0 or not token:
        sys.exit("test_scale: token add failed: %r %r" % (r.stdout, r.stderr))
    return archive, token


def start_replica(name, archive, repl_port, writer_url, extra=(), dir_of=None):
    d = os.path.join(WORK, dir_of or name)
    os.makedirs(d, exist_ok=True)
    rep = Serve(name, archive,
                ["--replica-of", "127.0.0.1:%d" % repl_port, "--replica-dir",
                 os.path.join(d, "index"), "--writer-url", writer_url, "--replica-interval",
                 INTERVAL, "--accel-redirect", "/_archive", *extra], qa_test.sanitizer_env())
    rep.dir = os.path.join(d, "index")
    return rep


def main():
    missing = tools_missing()
    if missing:
        print("SKIP: test_scale needs " + ", ".join(missing))
        return 77
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    check_deploy_conf()
    archive, token = setup_archive()
    media = [make_media("quokkaone"), make_media("quokkatwo")]
    check_usage_errors(archive)
    check_replica_without_writer(archive, token)
    procs = []
    try:
        writer = Serve("writer", archive, ["--accel-redirect", "/_archive"], writer_env())
        procs.append(writer)
        writer_url = "http://127.0.0.1:%d/" % writer.port
        repl_port = free_port()
        repl = Proc("replicate-server",
                    ["xapian-replicate-server", "-I", "127.0.0.1", "-p", str(repl_port),
                     os.path.join(archive, ".qarchive")],
                    # On SIGTERM it signals its whole process group (its
                    # forked sessions): not this test's.
                    own_group=True)
        procs.append(repl)
        wait_until("replication server up", lambda: port_open(repl_port), START_BOUND_S,
                   repl.proc, repl.text)
        replicas = [start_replica(n, archive, repl_port, writer_url) for n in ("r1", "r2")]
        procs += replicas
        st, base_total, _ = search(writer.port, COMMON_QUERY)
        check(st == 200 and base_total, "the writer finds %r (%s)" % (COMMON_QUERY, base_total))
        for r in replicas:
            wait_until(r.name + " has its first copy",
                       lambda: search(r.port, COMMON_QUERY)[1] == base_total, START_BOUND_S,
                       r.proc, r.text)
        check_one_writer_per_replica_dir(archive, repl_port, writer_url, base_total)
        nginx = start_nginx(writer, replicas, archive)
        procs.append(nginx)

        check_replica_refuses(replicas[0], writer_url)
        # Through nginx: the POST reaches the writer.
        st, rid, b = upload(nginx.port, token, "quokkaone", media[0])
        check(st == 201 and rid, "upload through nginx: 201 (%s %r)" % (st, b[:300]))
        first = seen_on_both(nginx, replicas, "quokkaone", 1, LAG_BOUND_S)
        check(len(first) == 2, "the upload is searchable through nginx from both replicas "
              "within %d s: %r" % (LAG_BOUND_S, first))
        print("test_scale: upload searchable through nginx, per replica after: " +
              ", ".join("%s %.2f s" % kv for kv in sorted(first.items())))
        check_lag_metric(writer, replicas)
        if rid:
            check_media(nginx, replicas[0], rid, media[0])
            check_private_replica(archive, repl_port, writer_url, token, rid)
        check_gzip(nginx)

        searches_survive_a_dead_replica(nginx, replicas[0], COMMON_QUERY, base_total)
        st, rid2, b = upload(nginx.port, token, "quokkatwo", media[1])
        check(st == 201 and rid2, "a second upload through nginx: 201 (%s %r)" % (st, b[:300]))
        t0 = time.monotonic()
        replicas[0].restart()
        wait_until("r1 catches up with the upload made while it was down",
                   lambda: search(replicas[0].port, "quokkatwo")[1] == 1, LAG_BOUND_S,
                   replicas[0].proc, replicas[0].text)
        print("test_scale: r1 restarted and caught up in %.2f s" % (time.monotonic() - t0))
        check(True, "a restarted replica catches up within %d s" % LAG_BOUND_S)
        first = seen_on_both(nginx, replicas, "quokkatwo", 1, LAG_BOUND_S)
        check(len(first) == 2, "after the restart both replicas answer through nginx: %r" % first)

        rebuilds_under_search(archive, nginx, replicas,
                              {COMMON_QUERY: base_total, "quokkaone": 1, "quokkatwo": 1})
    finally:
        for p in reversed(procs):
            p.stop()
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
