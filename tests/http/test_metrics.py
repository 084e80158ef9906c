#!/usr/bin/env python3
"""What operators watch (issue #19): /metrics in the Prometheus text format
and `serve --log-format json`.

usage: test_metrics.py QARCHIVE WORKDIR

Builds a one-recording archive with an API token, starts `qarchive serve`
on a free 127.0.0.1 port with --log-format json, --metrics-allow 127.0.0.2
and --metrics-token-file, and checks:
  - who may read /metrics: 127.0.0.2 (allowed address), the token's bearer;
    127.0.0.1 without the token and a wrong token get 403;
  - the exposition is well formed (every sample line parses, histograms
    are cumulative and end in +Inf = _count);
  - scraped before and after a few searches, a 404 and an upload, the
    counters move by what was done (requests by route and status,
    searches, uploads and their bytes, the duration histogram) and the
    index gauges follow the upload (documents, the generation served);
  - every line of the log is one JSON object; access lines carry the route,
    status and duration; client bytes that are not UTF-8 stay valid JSON;
  - a server started without --metrics-allow answers 127.0.0.1 only, and a
    request relayed by a proxy (X-Forwarded-For) only with the token;
  - --trusted-proxy: the proxy's last X-Forwarded-For address is the client.
Servers are stopped by PID. The last line is "N passed, N failed".
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, free_port  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
WORK = os.path.abspath(sys.argv[2])
ENV = qa_test.sanitizer_env()
METRICS_TOKEN = "metrics-token-0123456789abcdef"
TRANSCRIPT = ("WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nThe lighthouse keeper counts ships.\n\n"
              "00:00:02.000 --> 00:00:03.000\nEvery ship gets a lantern.\n")
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"'
                    r'(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*)?\})? (-?[0-9.e+-]+|NaN|\+Inf)$')


def run(*args):
    p = subprocess.run([QARCHIVE] + list(args), capture_output=True, text=True, timeout=120,
                       env=ENV)
    return p.returncode, p.stdout, p.stderr


class Server:
    def __init__(self, archive, log_path, *extra):
        self.port = free_port()
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(
            [QARCHIVE, "serve", "--archive", archive, "--port", str(self.port), "--threads",
             "2", *extra], stdout=subprocess.DEVNULL, stderr=self.log, env=ENV)
        deadline = time.time() + 60
        while time.time() < deadline and self.proc.poll() is None:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start:\n" + self.text())

    def text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, headers=None, body=None, source="127.0.0.1"):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60,
                                       source_address=(source, 0))
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.log.close()
        return rc


def parse(text):
    """{(name, frozenset(labels)): value}; every non-comment line must parse."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not check(m, "a well-formed sample line: %r" % line):
            continue
        labels = frozenset(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"', m.group(3) or ""))
        samples[(m.group(1), labels)] = float(m.group(5))
    return samples


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def check_histograms(samples):
    """Per route: buckets never decrease with le, and +Inf equals _count."""
    routes = {dict(k[1]).get("route") for k in samples
              if k[0] == "qarchive_http_request_duration_seconds_bucket"}
    check(len(routes) >= 2, "durations for several routes: %s" % routes)
    for route in routes:
        buckets = sorted(((float(dict(k[1])["le"]), v) for k, v in samples.items()
                          if k[0] == "qarchive_http_request_duration_seconds_bucket"
                          and dict(k[1]).get("route") == route), key=lambda b: b[0])
        counts = [v for _, v in buckets]
        check(counts == sorted(counts), "%s: cumulative buckets: %s" % (route, counts))
        check(buckets[-1][0] == float("inf") and buckets[-1][1] ==
              value(samples, "qarchive_http_request_duration_seconds_count", route=route),
              "%s: +Inf bucket equals _count" % route)


def scrape(srv):
    st, h, b = srv.request("GET", "/metrics", {"Authorization": "Bearer " + METRICS_TOKEN})
    check(st == 200 and h.get("content-type", "").startswith("text/plain; version=0.0.4"),
          "/metrics with the token: %s %s" % (st, h.get("content-type")))
    return parse(b.decode("utf-8"))


def test_access(srv):
    st, h, b = srv.request("GET", "/metrics")
    check(st == 403 and "metrics" in json.loads(b).get("error", ""),
          "127.0.0.1, not in --metrics-allow, no token: 403: %s %s" % (st, b[:200]))
    st, h, b = srv.request("GET", "/metrics", {"Authorization": "Bearer wrong-token-000000000"})
    check(st == 403, "a wrong token: 403: %s" % st)
    st, h, b = srv.request("GET", "/metrics", {"Authorization": "Bearer " + METRICS_TOKEN})
    check(st == 200 and b"qarchive_http_requests_total" in b, "the token: 200: %s" % st)
    try:
        st, h, b = srv.request("GET", "/metrics", source="127.0.0.2")
        check(st == 200, "127.0.0.2, in --metrics-allow: 200: %s" % st)
    except OSError as e:
        print("SKIP: 127.0.0.2 as a source address: %s" % e)


def do_work(srv, token):
    """Four searches (one a page), a 404 and an upload; returns the
    upload's body size."""
    for q in ["lighthouse", "lantern", "ships"]:
        st, h, b = srv.request("GET", "/api/search?q=" + q)
        check(st == 200, "search %s: %s" % (q, st))
    st, h, b = srv.request("GET", "/search?q=keeper")
    check(st == 200, "the search page: %s" % st)
    st, h, b = srv.request("GET", "/no/such/page")
    check(st == 404, "a 404: %s" % st)
    fields = [("title", "Metrics upload"), ("kind", "other"), ("date", "2026-07-01")]
    files = [("media", "talk.m4a", open(os.path.join(WORK, "talk.m4a"), "rb").read()),
             ("transcript", "talk.vtt", TRANSCRIPT.encode())]
    body, ctype = qa_test.multipart(fields, files, "metricsBoundary7")
    st, h, b = srv.request("POST", "/api/recordings", {
        "Authorization": "Bearer " + token, "Content-Type": ctype}, body)
    check(st == 201, "the upload: %s %s" % (st, b[:200]))
    return len(body)


def test_counters(srv, token):
    before = scrape(srv)
    size = do_work(srv, token)
    # A request is counted when libmicrohttpd reports it complete, just
    # after its last byte is sent: the client can be faster. So scrape
    # until the upload's 201 shows (the signal), within a bound.
    deadline = time.time() + 30
    while True:
        after = scrape(srv)
        if (value(after, "qarchive_http_requests_total", route="/api/recordings", status="201")
                > value(before, "qarchive_http_requests_total", route="/api/recordings",
                        status="201") or time.time() > deadline):
            break
        time.sleep(0.05)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    check(moved("qarchive_http_requests_total", route="/api/search", status="200") == 3,
          "3 more /api/search 200s")
    check(moved("qarchive_http_requests_total", route="/search", status="200") == 1,
          "1 more /search 200")
    check(moved("qarchive_http_requests_total", route="(none)", status="404") >= 1,
          "the 404 counted under no route")
    check(moved("qarchive_http_requests_total", route="/api/recordings", status="201") == 1,
          "the upload's 201")
    check(moved("qarchive_searches_total", result="ok") == 4, "4 more searches: %s" %
          moved("qarchive_searches_total", result="ok"))
    check(moved("qarchive_uploads_total") == 1, "1 more upload")
    check(moved("qarchive_upload_bytes_total") >= size, "upload bytes grew by the body (%d): %s"
          % (size, moved("qarchive_upload_bytes_total")))
    check(moved("qarchive_http_request_duration_seconds_count", route="/api/search") == 3,
          "3 more search durations")
    check(value(after, "qarchive_index_documents") > value(before, "qarchive_index_documents")
          > 0, "the index's documents grew with the upload: %s -> %s" %
          (value(before, "qarchive_index_documents"), value(after, "qarchive_index_documents")))
    check(value(after, "qarchive_index_size_bytes") > 0, "the index's size")
    gens = [k for k in after if k[0] == "qarchive_index_generation_info"]
    check(len(gens) == 1 and dict(gens[0][1])["generation"].startswith("index-"),
          "the generation served: %s" % gens)
    check(value(after, "qarchive_replication_lag_seconds") == 0 and
          not any(k[0] == "qarchive_replication_lag_seconds" for k in after),
          "no replication lag on a writer")
    check_histograms(after)


def test_json_log(srv):
    # Bytes that are not UTF-8 in the target: answered 400, and logged as
    # valid JSON all the same.
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    s.sendall(b"GET /api/search?q=caf\xe9\x01\" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    while s.recv(65536):
        pass
    s.close()
    srv.request("GET", "/healthz")  # its line is written after the one above
    lines = srv.text().splitlines()
    objs = []
    for line in lines:
        try:
            objs.append(json.loads(line))
        except ValueError:
            check(False, "a log line that is not JSON: %r" % line[:200])
    access = [o for o in objs if o.get("type") == "access"]
    check(any(o.get("source") == "serve" and " on http://" in o.get("msg", "") for o in objs),
          "the start line is JSON with its message")
    search = [o for o in access if o.get("route") == "/api/search" and o.get("status") == 200]
    check(search and all(isinstance(o.get("duration_ms"), (int, float)) and o.get("time")
                         and o.get("remote") == "127.0.0.1" for o in search),
          "access lines: route, status, duration, time, remote: %s" % search[:1])
    check(any(o.get("status") == 400 and "caf" in o.get("target", "") for o in access),
          "the non-UTF-8 request is logged as JSON")
    check(not any(METRICS_TOKEN in line for line in lines), "the metrics token is not logged")


def test_default_allow(archive):
    srv = Server(archive, os.path.join(WORK, "default.log"))
    try:
        st, h, b = srv.request("GET", "/metrics")
        check(st == 200, "default --metrics-allow: 127.0.0.1 reads /metrics: %s" % st)
        try:
            st, h, b = srv.request("GET", "/metrics", source="127.0.0.2")
            check(st == 403, "default --metrics-allow: 127.0.0.2 does not: %s" % st)
        except OSError as e:
            print("SKIP: 127.0.0.2 as a source address: %s" % e)
        for h in ["X-Forwarded-For", "X-Real-IP", "Forwarded"]:
            st, _, _ = srv.request("GET", "/metrics", {h: "203.0.113.9"})
            check(st == 403, "relayed by a proxy (%s), no token: 403: %s" % (h, st))
        check("GET /metrics HTTP/1.1\" 200" in srv.text(), "the default log is text (CLF)")
    finally:
        check(srv.stop() == 0, "the default server stopped cleanly")


def test_trusted_proxy(archive):
    """--trusted-proxy: from the proxy, the last X-Forwarded-For address is
    the client (the log shows it, the sign-in throttle counts it); from
    anyone else the header is ignored."""
    srv = Server(archive, os.path.join(WORK, "proxy.log"), "--trusted-proxy", "127.0.0.1/32")
    try:
        srv.request("GET", "/healthz", {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"})
        srv.request("GET", "/healthz", {"X-Forwarded-For": "not-an-address"})
        try:
            srv.request("GET", "/healthz", {"X-Forwarded-For": "203.0.113.99"},
                        source="127.0.0.2")
        except OSError as e:
            print("SKIP: 127.0.0.2 as a source address: %s" % e)
        # The access lines are written as each request completes: wait for
        # the third (or give up after a bound).
        deadline = time.time() + 30
        while srv.text().count("GET /healthz") < 4 and time.time() < deadline:
            time.sleep(0.05)
        log = srv.text()
        check(re.search(r"^203\.0\.113\.7 - - .*GET /healthz", log, re.M),
              "a trusted proxy's request is logged as its last X-Forwarded-For: %s" % log[-600:])
        check(not re.search(r"^198\.51\.100\.1 ", log, re.M),
              "the entries a client wrote before the proxy's are not believed")
        check(not re.search(r"^not-an-address", log, re.M), "a forwarded value that is not "
              "an address is ignored")
        check(not re.search(r"^203\.0\.113\.99 ", log, re.M),
              "X-Forwarded-For from an untrusted peer (127.0.0.2) is ignored")
    finally:
        check(srv.stop() == 0, "the proxied server stopped cleanly")
    rc, out, err = run("serve", "--archive", archive, "--trusted-proxy", "10.0.0.0/33")
    check(rc == 2 and "--trusted-proxy" in err, "a bad --trusted-proxy: exit 2: %s" % err)


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    qa_test.ffmpeg("test_metrics", "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
                   "-c:a", "aac", "talk.m4a", cwd=WORK)
    qa_test.write(os.path.join(WORK, "talk.vtt"), TRANSCRIPT)
    archive = os.path.join(WORK, "archive")
    os.makedirs(archive)
    rc, out, err = run("add", "--archive", archive, "--title", "Seed", "--kind", "other",
                       "--date", "2025-01-10", "--transcript", os.path.join(WORK, "talk.vtt"))
    if rc != 0:
        sys.exit("test_metrics: add failed: " + err)
    rc, out, err = run("token", "add", "ci", "--archive", archive)
    token = out.strip().split()[-1]
    token_file = os.path.join(WORK, "metrics.token")
    qa_test.write(token_file, METRICS_TOKEN + "\n")
    rc, out, err = run("serve", "--archive", archive, "--metrics-allow", "300.1.2.3")
    check(rc == 2 and "--metrics-allow" in err, "a bad --metrics-allow: exit 2: %s" % err)
    rc, out, err = run("serve", "--archive", archive, "--log-format", "xml")
    check(rc == 2 and "--log-format" in err, "a bad --log-format: exit 2: %s" % err)

    srv = Server(archive, os.path.join(WORK, "json.log"), "--log-format", "json",
                 "--metrics-allow", "127.0.0.2/32", "--metrics-token-file", token_file)
    try:
        test_access(srv)
        test_counters(srv, token)
        test_json_log(srv)
    finally:
        check(srv.stop() == 0, "the server stopped cleanly")
    test_default_allow(archive)
    test_trusted_proxy(archive)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
