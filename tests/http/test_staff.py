#!/usr/bin/env python3
"""End-to-end tests of the staff side of `qarchive serve` (issue #8): sign
in and out, --private, POST /api/recordings, crash safety with a real
kill -9, and (with --big) the peak memory of a 1 GB upload.

usage: test_staff.py QARCHIVE [--big]

Python 3 standard library plus the ffmpeg CLI (media is generated at test
time). Each server runs on a free 127.0.0.1 port and is stopped by PID.
Each failed check prints a "FAIL:" line; the last line is
"N passed, N failed" and the exit status is non-zero on any failure.
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
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, free_port  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
BIG = "--big" in sys.argv[2:]
PASSWORD = "pw12345678"
servers = []
WORK = None

# The hooks are for this test to set on purpose, never inherited.
for hook in ("QARCHIVE_INDEX_PAUSE", "QARCHIVE_INGEST_PAUSE", "QARCHIVE_PAUSE_FLAG"):
    os.environ.pop(hook, None)


def write(p, text, mode="w"):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, mode) as f:
        f.write(text)


def read(p):
    with open(p, "rb") as f:
        return f.read()


def ffmpeg(*args, timeout=300):
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", *args]
    r = subprocess.run(cmd, cwd=WORK, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        sys.exit("test_staff: ffmpeg failed: %s\n%s" % (" ".join(cmd), r.stderr))


def run(*args, stdin=None, env=None):
    p = subprocess.run([QARCHIVE, *args], input=stdin, capture_output=True, text=True,
                       timeout=120, env=env)
    return p.returncode, p.stdout, p.stderr


def wait_for(predicate, seconds=30, step=0.1):
    end = time.time() + seconds
    while time.time() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def state(archive, *names):
    return os.path.join(archive, ".qarchive", *names)


def recordings(archive):
    return sorted(n for n in os.listdir(archive)
                  if not n.startswith(".") and os.path.isdir(os.path.join(archive, n)))


def new_archive(name):
    """An archive with one indexed recording, an account and a token."""
    a = os.path.join(WORK, name)
    write(os.path.join(a, "2025-01-10-seed", "recording.json"),
          json.dumps({"title": "Seed recording", "kind": "other", "date": "2025-01-10"}))
    write(os.path.join(a, "2025-01-10-seed", "transcript.vtt"),
          "WEBVTT\n\n00:00:03.000 --> 00:00:05.000\nthe seed word marmalade\n")
    rc, out, err = run("index", "--archive", a)
    if rc != 0:
        sys.exit("test_staff: index failed: %s %s" % (out, err))
    rc, out, err = run("user", "add", "alice", "--archive", a, stdin=PASSWORD + "\n")
    if rc != 0:
        sys.exit("test_staff: user add failed: %s %s" % (out, err))
    rc, out, err = run("token", "add", "ci", "--archive", a)
    token = out.strip().split()[-1] if out.strip() else ""
    if rc != 0 or not token:
        sys.exit("test_staff: token add failed: %r %r" % (out, err))
    return a, token


class Server:
    def __init__(self, archive, *flags, env=None):
        self.archive = archive
        self.port = free_port()
        self.log_path = os.path.join(WORK, "serve-%d.log" % self.port)
        self.log = open(self.log_path, "wb")
        e = dict(os.environ)
        e.update(env or {})
        self.proc = subprocess.Popen(
            [QARCHIVE, "serve", "--archive", archive, "--port", str(self.port),
             "--threads", "4", *flags], stdout=subprocess.DEVNULL, stderr=self.log, env=e)
        servers.append(self)
        if not wait_for(self.healthy, 30):
            self.stop()
            sys.exit("test_staff: the server did not start:\n" + self.stderr())

    @property
    def pid(self):
        return self.proc.pid

    def healthy(self):
        if self.proc.poll() is not None:
            return False
        try:
            return self.request("GET", "/healthz")[0] == 200
        except OSError:
            return False

    def stderr(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, headers=None, body=None, timeout=60):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.msg, r.read()
        finally:
            c.close()

    def json(self, method, path, headers=None, body=None):
        st, h, b = self.request(method, path, headers, body)
        try:
            return st, h, json.loads(b)
        except ValueError:
            return st, h, None

    def search(self, q):
        st, h, j = self.json("GET", "/api/search?q=" + urllib.parse.quote(q))
        return st, j

    def found_at(self, q, rid):
        st, j = self.search(q)
        for hit in (j or {}).get("hits", []) if st == 200 else []:
            if hit.get("recording") == rid:
                return hit.get("t")
        return None

    def kill9(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            # LeakSanitizer and friends report on stderr with a non-zero exit.
            check(self.proc.returncode == 0,
                  "serve exited cleanly on SIGTERM (rc %s):\n%s" %
                  (self.proc.returncode, self.stderr()[-3000:]))
        if not self.log.closed:
            self.log.close()


def multipart(fields, files=(), boundary="qarchiveTestBoundary7MA4YWxk"):
    return qa_test.multipart(fields, files, boundary)


def post_upload(srv, fields, files=(), headers=None):
    body, ctype = multipart(fields, files)
    h = {"Content-Type": ctype}
    h.update(headers or {})
    return srv.json("POST", "/api/recordings", h, body)


def bearer(token):
    return {"Authorization": "Bearer " + token}


def meta(title, date="2026-02-01"):
    return [("title", title), ("kind", "webinar"), ("date", date)]


# ---------------------------------------------------------------- inputs

def make_inputs():
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=2", "-f", "lavfi",
           "-i", "sine=frequency=440:duration=2", "-map", "0:v", "-map", "1:a",
           "-c:v", "mpeg4", "-c:a", "aac", "talk.mp4")
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", "audio.m4a")
    # ~300 KB: 48000 Hz mono 16-bit for 3.2 s.
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=3.2:sample_rate=48000",
           "-ac", "1", "-c:a", "pcm_s16le", "big300k.wav")
    write(os.path.join(WORK, "notmedia.txt"), "just some words, not a recording\n" * 20)


def media(name):
    return read(os.path.join(WORK, name))


def vtt(word, start="00:00:07.000"):
    return ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello there\n\n"
            "%s --> 00:00:09.000\nthe word %s is said here\n" % (start, word)).encode()


# ---------------------------------------------------------------- sign in

def cookies(h):
    jar = {}
    for c in h.get_all("Set-Cookie") or []:
        name, _, rest = c.partition("=")
        jar[name.strip()] = c
    return jar


def cookie_value(set_cookie):
    return set_cookie.split(";", 1)[0].split("=", 1)[1]


def login_form(srv, next_path=None):
    st, h, body = srv.request("GET", "/login" + ("?next=" + urllib.parse.quote(next_path, safe="")
                                                  if next_path else ""))
    jar = cookies(h)
    m = re.search(rb'name="csrf" value="([^"]*)"', body)
    return st, jar, (m.group(1).decode() if m else None), body


def post_login(srv, name, password, csrf, login_cookie, next_path=None):
    form = [("name", name), ("password", password)]
    if csrf is not None:
        form.append(("csrf", csrf))
    if next_path is not None:
        form.append(("next", next_path))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if login_cookie:
        headers["Cookie"] = "qarchive_login=" + login_cookie
    return srv.request("POST", "/login", headers, urllib.parse.urlencode(form))


def sign_in(srv, next_path="/upload"):
    """A session cookie value, or None."""
    st, jar, csrf, _ = login_form(srv)
    if "qarchive_login" not in jar or not csrf:
        return None
    st, h, _ = post_login(srv, "alice", PASSWORD, csrf, cookie_value(jar["qarchive_login"]),
                          next_path)
    c = cookies(h).get("qarchive_session")
    return cookie_value(c) if st == 303 and c else None


def test_login(a):
    srv = Server(a)
    try:
        st, jar, csrf, body = login_form(srv)
        lc = jar.get("qarchive_login", "")
        check(st == 200 and csrf, "GET /login: 200 with a csrf field: %s" % st)
        check("HttpOnly" in lc and "SameSite=Strict" in lc,
              "qarchive_login cookie HttpOnly SameSite=Strict: %r" % lc)
        login_cookie = cookie_value(lc) if lc else ""
        check(login_cookie == csrf, "the login cookie carries the form's token")

        evil = 'al"<b>x</b>ice'
        st, h, body = post_login(srv, evil, "wrong-password", csrf, login_cookie)
        check(st == 401 and b"Wrong name or password" in body,
              "wrong password: 401 'Wrong name or password': %s" % st)
        check(b'value="al&quot;&lt;b&gt;x&lt;/b&gt;ice"' in body and b"<b>x</b>" not in body,
              "the name is kept in the input, escaped: %r" %
              re.findall(rb'id="login-name"[^>]*>', body))
        check("qarchive_session" not in cookies(h), "no session after a wrong password")

        st, jar, csrf, _ = login_form(srv)
        login_cookie = cookie_value(jar["qarchive_login"])
        st, h, _ = post_login(srv, "alice", PASSWORD, None, login_cookie)
        check(st == 403, "POST /login without the csrf field: 403 (%s)" % st)
        # A token that differs in its first character ("x" + csrf[1:] was
        # the token itself whenever it began with "x": one run in 64).
        wrong = ("y" if csrf[0] == "x" else "x") + csrf[1:]
        st, h, _ = post_login(srv, "alice", PASSWORD, wrong, login_cookie)
        check(st == 403, "POST /login with a wrong csrf: 403 (%s)" % st)
        st, h, _ = post_login(srv, "alice", PASSWORD, csrf, None)
        check(st == 403, "POST /login without the login cookie: 403 (%s)" % st)

        for nxt, where in [("/search?q=x", "/search?q=x"), ("//evil.example", "/upload"),
                           ("http://evil", "/upload"), ("/\\evil.example", "/upload")]:
            st, jar, csrf, _ = login_form(srv)
            st, h, _ = post_login(srv, "alice", PASSWORD, csrf,
                                  cookie_value(jar["qarchive_login"]), nxt)
            check(st == 303 and h.get("Location") == where,
                  "next=%s: 303 to %s, got %s %s" % (nxt, where, st, h.get("Location")))
            sc = cookies(h).get("qarchive_session", "")
            parts = [p.strip() for p in sc.split(";")]
            check(sc and "HttpOnly" in parts and "SameSite=Strict" in parts and
                  "Path=/" in parts and "Secure" not in parts,
                  "session cookie attributes: %r" % sc)

        session = sign_in(srv)
        check(session, "signed in")
        st, h, _ = srv.request("GET", "/login", {"Cookie": "qarchive_session=%s" % session})
        check(st == 303, "GET /login while signed in goes on: %s" % st)

        # Logout needs the session's CSRF token; no page shows it yet, so
        # only the refusal is checked here.
        st, h, _ = srv.request("POST", "/logout",
                               {"Cookie": "qarchive_session=" + session,
                                "Content-Type": "application/x-www-form-urlencoded"}, "")
        check(st == 403, "POST /logout without csrf: 403 (%s)" % st)
        st, h, _ = srv.request("POST", "/logout",
                               {"Cookie": "qarchive_session=" + session,
                                "Content-Type": "application/x-www-form-urlencoded"},
                               "csrf=wrong")
        check(st == 403, "POST /logout with a wrong csrf: 403 (%s)" % st)

        # Removing the account ends its sessions.
        st, h, j = srv.json("POST", "/api/recordings",
                            {"Cookie": "qarchive_session=" + session,
                             "Content-Type": "application/json"}, "{}")
        check(st != 401, "signed in before the removal (%s)" % st)
        rc, out, err = run("user", "remove", "alice", "--archive", a)
        check(rc == 0, "user remove: %s %s" % (out, err))
        st, h, _ = srv.request("GET", "/login", {"Cookie": "qarchive_session=" + session})
        check(st == 200, "after user remove the session is gone: GET /login %s" % st)
        st, h, j = srv.json("POST", "/api/recordings",
                            {"Cookie": "qarchive_session=" + session,
                             "Content-Type": "application/json"}, "{}")
        check(st == 401, "after user remove the API refuses the cookie: %s" % st)
        rc, out, err = run("user", "add", "alice", "--archive", a, stdin=PASSWORD + "\n")
        check(rc == 0, "user add again: %s" % err)
    finally:
        srv.stop()

    srv = Server(a, "--secure-cookies")
    try:
        st, jar, csrf, _ = login_form(srv)
        check("Secure" in jar.get("qarchive_login", ""), "--secure-cookies: login cookie Secure")
        st, h, _ = post_login(srv, "alice", PASSWORD, csrf, cookie_value(jar["qarchive_login"]))
        sc = cookies(h).get("qarchive_session", "")
        check(st == 303 and "Secure" in [p.strip() for p in sc.split(";")],
              "--secure-cookies: session cookie Secure: %r" % sc)
    finally:
        srv.stop()


def test_throttle(a):
    srv = Server(a)
    try:
        statuses = []
        retry = None
        for i in range(8):
            st, jar, csrf, _ = login_form(srv)
            st, h, _ = post_login(srv, "alice", "bad-%d" % i, csrf,
                                  cookie_value(jar["qarchive_login"]))
            statuses.append(st)
            if st == 429:
                retry = h.get("Retry-After")
                break
        check(statuses[:5] == [401] * 5, "5 failures are free: %s" % statuses)
        check(statuses[-1] == 429 and len(statuses) <= 7 and retry and retry.isdigit() and
              int(retry) >= 1, "then 429 with Retry-After: %s %r" % (statuses, retry))
        refused_at = time.monotonic()
        st, jar, csrf, _ = login_form(srv)
        st, h, body = post_login(srv, "alice", PASSWORD, csrf, cookie_value(jar["qarchive_login"]))
        # Only meaningful while the wait lasts (a loaded machine may be slower than 1 s).
        if retry and retry.isdigit() and time.monotonic() - refused_at < int(retry) - 0.2:
            check(st == 429 and "qarchive_session" not in cookies(h),
                  "a correct password is refused while throttled: %s" % st)
        if retry and retry.isdigit() and int(retry) <= 8:
            time.sleep(int(retry) + 0.5)
            st, jar, csrf, _ = login_form(srv)
            st, h, _ = post_login(srv, "alice", PASSWORD, csrf,
                                  cookie_value(jar["qarchive_login"]))
            check(st == 303, "after Retry-After the right password signs in: %s" % st)
    finally:
        srv.stop()


# ---------------------------------------------------------------- --private

def test_private(a, token):
    srv = Server(a, "--private")
    try:
        st, h, _ = srv.request("GET", "/")
        check(st == 303 and (h.get("Location") or "").startswith("/login?next="),
              "--private: GET / → 303 to /login?next=: %s %s" % (st, h.get("Location")))
        st, h, j = srv.json("GET", "/api/search?q=marmalade")
        check(st == 401 and isinstance(j, dict) and "error" in j and
              h.get("Content-Type") == "application/json",
              "--private: /api/search → 401 JSON: %s %s" % (st, j))
        for p in ["/healthz", "/static/style.css", "/login"]:
            st, h, _ = srv.request("GET", p)
            check(st == 200, "--private: %s stays public: %s" % (p, st))
        session = sign_in(srv)
        check(session, "--private: sign in")
        for hdr, what in [({"Cookie": "qarchive_session=%s" % session}, "session"),
                          (bearer(token), "token")]:
            st, h, _ = srv.request("GET", "/", hdr)
            check(st == 200, "--private: GET / with a %s: %s" % (what, st))
            st, h, j = srv.json("GET", "/api/search?q=marmalade", hdr)
            check(st == 200 and j and j.get("hits"),
                  "--private: /api/search with a %s: %s" % (what, st))
        st, h, j = srv.json("POST", "/api/uploads")
        check(st == 401 and h.get("Tus-Resumable") == "1.0.0",
              "--private: a tus request without credentials: 401 with Tus-Resumable: %s %s" %
              (st, h.get("Tus-Resumable")))
        st, h, _ = srv.request("GET", "/", {"Authorization": "Bearer nope"})
        check(st in (303, 401), "--private: a bad token is not let in: %s" % st)
    finally:
        srv.stop()


# ---------------------------------------------------------------- uploads

def raw_request(port, head, body_part=b"", timeout=10):
    """Send a request head (and maybe part of a body); the socket stays open."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(head.encode() + body_part)
    return s


def read_response(s):
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


def test_upload(a, token):
    srv = Server(a)
    try:
        tmp = state(a, "uploads", "tmp")
        # Refused before the body: headers only, Expect: 100-continue.
        s = raw_request(srv.port,
                        "POST /api/recordings HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Content-Type: multipart/form-data; boundary=xyz\r\n"
                        "Content-Length: 500000000\r\nExpect: 100-continue\r\n\r\n")
        resp = read_response(s)
        s.close()
        head = resp.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        check(head.startswith("HTTP/1.1 401"), "no credentials: 401 before the body: %r" % head)
        check("www-authenticate: bearer" in head.lower(), "401 carries WWW-Authenticate")

        st, h, j = post_upload(srv, meta("No creds"), [("media", "talk.mp4", media("talk.mp4"))])
        check(st == 401 and isinstance(j, dict) and "error" in j and
              h.get("WWW-Authenticate"), "no credentials: 401 JSON: %s %s" % (st, j))
        st, h, j = post_upload(srv, meta("Bad token"), [("media", "talk.mp4", media("talk.mp4"))],
                               bearer("not-a-token"))
        check(st == 401 and "invalid_token" in (h.get("WWW-Authenticate") or ""),
              "bad token: 401 invalid_token: %s %s" % (st, h.get("WWW-Authenticate")))

        st, h, j = post_upload(srv, meta("Xylophone talk"),
                               [("media", "talk.mp4", media("talk.mp4")),
                                ("transcript", "talk.vtt", vtt("xylophonic"))], bearer(token))
        ok = check(st == 201 and isinstance(j, dict) and set(j) == {"id", "url", "indexed"} and
                   j["indexed"] is True, "upload with a token: 201 %s %s" % (st, j))
        if ok:
            rid = j["id"]
            check(h.get("Location") == "/api/recordings/" + rid and j["url"] == "/watch/" + rid,
                  "Location and url: %s %s" % (h.get("Location"), j["url"]))
            check(srv.found_at("xylophonic", rid) == 7.0,
                  "found by search at the cue's start: %s" % (srv.search("xylophonic"),))
            st2, _, j2 = srv.json("GET", "/api/recordings/" + rid)
            check(st2 == 200 and j2 and j2.get("title") == "Xylophone talk",
                  "GET /api/recordings/<id>: %s %s" % (st2, j2))

        def refused(fields, files, status, what, error_re=None, field=None, hdr=None):
            before, tmp_before = recordings(a), sorted(os.listdir(tmp))
            st, h, j = post_upload(srv, fields, files, hdr or bearer(token))
            check(st == status, "%s: %s expected, got %s %s" % (what, status, st, j))
            if error_re:
                check(isinstance(j, dict) and re.search(error_re, j.get("error", "")),
                      "%s: error %r matches %r" % (what, j, error_re))
            if field:
                check(isinstance(j, dict) and j.get("field") == field,
                      "%s: field %r: %s" % (what, field, j))
            check(recordings(a) == before, "%s: nothing new in the archive" % what)
            check(wait_for(lambda: sorted(os.listdir(tmp)) == tmp_before, 5),
                  "%s: uploads/tmp as before: %s" % (what, os.listdir(tmp)))

        bad_vtt = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n00:00:03.000 --> soon\nbad\n"
        refused(meta("Bad timing"), [("media", "talk.mp4", media("talk.mp4")),
                                     ("transcript", "t.vtt", bad_vtt)], 400,
                "malformed timing", r"^transcript: line \d+: ", "transcript")
        refused(meta("Text media"), [("media", "notes.mp4", media("notmedia.txt"))], 400,
                "text as media", r"^media: not a media file", "media")
        refused([("kind", "webinar"), ("date", "2026-02-01")],
                [("media", "talk.mp4", media("talk.mp4"))], 400, "missing title", "title",
                "title")
        refused(meta("No media"), [("transcript", "t.vtt", vtt("nomedia"))], 400,
                "no media", "media", "media")
        st, h, j = srv.json("POST", "/api/recordings",
                            dict(bearer(token), **{"Content-Type": "application/json"}),
                            json.dumps({"title": "json"}))
        check(st == 415 and isinstance(j, dict) and "error" in j, "JSON body: 415 %s %s" % (st, j))

        ids = []
        for _ in range(2):
            st, h, j = post_upload(srv, meta("Same title twice"),
                                   [("media", "talk.mp4", media("talk.mp4"))], bearer(token))
            check(st == 201, "same title upload: %s %s" % (st, j))
            ids.append((j or {}).get("id"))
        check(None not in ids and len(set(ids)) == 2, "same title twice: two ids %s" % ids)

        # Four uploads at once, with searches running meanwhile.
        results, searches = [], []
        stop = threading.Event()

        def upload(i):
            try:
                results.append(post_upload(srv, meta("Parallel upload"),
                                           [("media", "talk.mp4", media("talk.mp4")),
                                            ("transcript", "p.vtt", vtt("quokka%d" % i))],
                                           bearer(token))[:3:2])
            except Exception as e:  # noqa: BLE001 - reported as a failure
                results.append((repr(e), None))

        def searching():
            while not stop.is_set():
                try:
                    searches.append(srv.search("marmalade")[0])
                except Exception as e:  # noqa: BLE001
                    searches.append(repr(e))

        ups = [threading.Thread(target=upload, args=(i,)) for i in range(4)]
        finds = [threading.Thread(target=searching) for _ in range(2)]
        for t in ups + finds:
            t.start()
        for t in ups:
            t.join()
        stop.set()
        for t in finds:
            t.join()
        check([r[0] for r in results] == [201] * 4, "4 parallel uploads: %s" % results)
        pids = [r[1].get("id") for r in results if isinstance(r[1], dict)]
        check(len(set(pids)) == 4, "4 parallel uploads: distinct ids %s" % pids)
        check(searches and all(s == 200 for s in searches),
              "searches during the uploads: %d, not 200: %s" %
              (len(searches), [s for s in searches if s != 200][:5]))

        # A browser session must send its CSRF token.
        session = sign_in(srv)
        st, h, j = post_upload(srv, meta("Session no csrf"),
                               [("media", "talk.mp4", media("talk.mp4"))],
                               {"Cookie": "qarchive_session=%s" % session})
        check(st == 403, "session upload without a CSRF token: 403 (%s %s)" % (st, j))
        st, h, j = post_upload(srv, meta("Session wrong csrf") + [("csrf", "wrong")],
                               [("media", "talk.mp4", media("talk.mp4"))],
                               {"Cookie": "qarchive_session=%s" % session,
                                "X-CSRF-Token": "wrong"})
        check(st == 403, "session upload with a wrong CSRF token: 403 (%s %s)" % (st, j))
        # The upload page hands the session's token to its script.
        st, h, page = srv.request("GET", "/upload", {"Cookie": "qarchive_session=%s" % session})
        m = re.search(rb'<meta name="csrf-token" content="([^"]+)"', page or b"")
        check(st == 200 and m, "/upload shows the session's CSRF token: %s" % st)
        if m:
            token_csrf = m.group(1).decode()
            for how, extra, hdrs in [("X-CSRF-Token header", [], {"X-CSRF-Token": token_csrf}),
                                     ("csrf field", [("csrf", token_csrf)], {})]:
                hdrs = dict(hdrs, Cookie="qarchive_session=%s" % session)
                st, h, j = post_upload(srv, meta("Session " + how) + extra,
                                       [("media", "talk.mp4", media("talk.mp4"))], hdrs)
                check(st == 201 and isinstance(j, dict) and j.get("id"),
                      "session upload with the %s: 201 (%s %s)" % (how, st, j))

        st, h, j = post_upload(srv, meta("Audio only"), [("media", "a.m4a", media("audio.m4a"))],
                               bearer(token))
        check(st == 201, "audio only, no transcript: 201 (%s %s)" % (st, j))
        if st == 201:
            st, h, j = srv.json("GET", "/api/recordings/" + j["id"])
            check(st == 200 and j and j.get("has_transcript") is False,
                  "audio only: has_transcript false: %s" % j)
    finally:
        srv.stop()

    srv = Server(a, "--max-upload", "100K")
    try:
        before = recordings(a)
        st, h, j = post_upload(srv, meta("Too big"), [("media", "big.wav", media("big300k.wav"))],
                               bearer(token))
        check(st == 413 and isinstance(j, dict) and "error" in j,
              "--max-upload 100K, 300 KB media: 413 (%s %s)" % (st, j))
        check(recordings(a) == before, "413: nothing new in the archive")
        st, h, j = post_upload(srv, meta("Small enough"), [("media", "a.m4a", media("audio.m4a"))],
                               bearer(token))
        check(st == 201, "--max-upload 100K, a small file still goes in: %s %s" % (st, j))
    finally:
        srv.stop()


# ---------------------------------------------------------------- crashes

def test_kill_mid_upload(a, token):
    srv = Server(a)
    tmp = state(a, "uploads", "tmp")
    before = recordings(a)
    try:
        data = os.urandom(4 << 20)
        boundary = "killBoundary"
        pre = ("--%s\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nKilled\r\n"
               "--%s\r\nContent-Disposition: form-data; name=\"media\"; filename=\"m.mp4\"\r\n"
               "Content-Type: video/mp4\r\n\r\n" % (boundary, boundary)).encode()
        total = len(pre) + 2 * len(data) + 64
        s = raw_request(srv.port,
                        "POST /api/recordings HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Authorization: Bearer %s\r\n"
                        "Content-Type: multipart/form-data; boundary=%s\r\n"
                        "Content-Length: %d\r\n\r\n" % (token, boundary, total), pre + data)

        def half_written():
            return any(os.path.getsize(os.path.join(tmp, n)) >= len(data) // 2
                       for n in os.listdir(tmp) if os.path.isfile(os.path.join(tmp, n)))
        check(wait_for(half_written, 20), "half the body reached uploads/tmp: %s" %
              os.listdir(tmp))
        srv.kill9()
        s.close()
        check(recordings(a) == before, "killed mid-upload: no new folder in the archive")
        check(len(os.listdir(tmp)) >= 1, "killed mid-upload: the half file is in uploads/tmp")
    finally:
        srv.stop()
    srv = Server(a)
    try:
        check(os.listdir(tmp) == [], "restart: uploads/tmp emptied: %s" % os.listdir(tmp))
        check(srv.found_at("marmalade", "2025-01-10-seed") == 3.0, "restart: the index works")
        check(recordings(a) == before, "restart: the archive is as before")
    finally:
        srv.stop()


def test_kill_while_indexing(a, token):
    # Each index run pauses, holding the writer's lock, until the test
    # removes the pause flag (test_pause.h); the flag's appearance is the
    # signal that a run is in its pause.
    flag = os.path.join(os.path.dirname(a), "pause-flag")
    if os.path.exists(flag):
        os.unlink(flag)
    srv = Server(a, env={"QARCHIVE_INDEX_PAUSE": "600", "QARCHIVE_PAUSE_FLAG": flag})
    before = recordings(a)
    try:
        # The start-up catch-up index pauses too: let it go first.
        check(wait_for(lambda: os.path.exists(flag), 120), "the start-up index run paused")
        os.unlink(flag)
        result = []
        def upload():
            try:
                result.append(post_upload(
                    srv, meta("Killed while indexing", "2026-03-03"),
                    [("media", "talk.mp4", media("talk.mp4")),
                     ("transcript", "k.vtt", vtt("zanzibarian"))], bearer(token)))
            except (OSError, http.client.HTTPException):
                pass  # the server was killed under it, as intended
        t = threading.Thread(target=upload)
        t.start()

        def new():
            return [n for n in recordings(a) if n not in before]
        check(wait_for(lambda: new() and os.path.exists(flag), 120),
              "the upload reached the archive and its indexing paused, the lock held")
        check(not result, "the request is still inside the indexing pause: %s" % result)
        srv.kill9()
        t.join()
        added = new()
        check(len(added) == 1, "exactly one new recording: %s" % added)
    finally:
        srv.stop()
    srv = Server(a)
    try:
        rid = added[0] if added else None
        check(rid and wait_for(lambda: srv.found_at("zanzibarian", rid) == 7.0, 10),
              "after the restart the start-up catch-up makes it searchable: %s" %
              (srv.search("zanzibarian"),))
        check([n for n in recordings(a) if n not in before] == added,
              "the archive has exactly one copy: %s" % recordings(a))
        st, j = srv.search("zanzibarian")
        check(st == 200 and len([x for x in j["hits"] if x["recording"] == rid]) == 1,
              "one hit for it: %s" % j)
    finally:
        srv.stop()


# ---------------------------------------------------------------- 1 GB

def vm_hwm(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])  # kB
    return -1


def test_upload_1gb(a, token):
    big = os.path.join(WORK, "big.wav")
    t0 = time.time()
    # Silence is the cheapest to generate: 5600 s of 48 kHz stereo 16-bit.
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "5600",
           "-c:a", "pcm_s16le", big, timeout=600)
    size = os.path.getsize(big)
    print("test_staff: made a %.0f MB media file in %.1f s" % (size / 1e6, time.time() - t0),
          flush=True)
    srv = Server(a)
    try:
        srv.search("marmalade")
        before = vm_hwm(srv.pid)
        boundary = "bigBoundary9x"
        pre = ("--%s\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nOne gigabyte\r\n"
               "--%s\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nother\r\n"
               "--%s\r\nContent-Disposition: form-data; name=\"date\"\r\n\r\n2026-04-01\r\n"
               "--%s\r\nContent-Disposition: form-data; name=\"media\"; filename=\"big.wav\"\r\n"
               "Content-Type: audio/wav\r\n\r\n" % ((boundary,) * 4)).encode()
        post = ("\r\n--%s--\r\n" % boundary).encode()

        def body():
            yield pre
            with open(big, "rb") as f:
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        break
                    yield chunk
            yield post

        t0 = time.time()
        c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=600)
        c.putrequest("POST", "/api/recordings")
        c.putheader("Authorization", "Bearer " + token)
        c.putheader("Content-Type", "multipart/form-data; boundary=" + boundary)
        c.putheader("Content-Length", str(len(pre) + size + len(post)))
        c.endheaders()
        for part in body():
            c.send(part)
        r = c.getresponse()
        j = json.loads(r.read() or b"null")
        c.close()
        elapsed = time.time() - t0
        after = vm_hwm(srv.pid)
        print("test_staff: 1 GB upload: %s in %.1f s; server VmHWM %d kB before, %d kB after "
              "(+%d kB)" % (r.status, elapsed, before, after, after - before), flush=True)
        check(r.status == 201, "1 GB upload: 201 (%s %s)" % (r.status, j))
        check(after - before < 64 * 1024,
              "1 GB upload: VmHWM grew by %d kB, 64 MB allowed" % (after - before))
        if r.status == 201:
            copied = os.path.join(a, j["id"])
            sizes = [os.path.getsize(os.path.join(copied, n)) for n in os.listdir(copied)]
            check(size in sizes, "the whole file is in the archive: %s" % sizes)
    finally:
        srv.stop()
        os.remove(big)


def main():
    global WORK
    if not shutil.which("ffmpeg"):
        print("test_staff: ffmpeg is required (apt-get install ffmpeg)")
        return 1
    WORK = tempfile.mkdtemp(prefix="qarchive-staff-")
    try:
        if BIG:
            a, token = new_archive("big")
            test_upload_1gb(a, token)
        else:
            make_inputs()
            a, token = new_archive("main")
            for test in (test_login, test_throttle):
                test(a)
            test_private(a, token)
            test_upload(a, token)
            a2, token2 = new_archive("crash")
            test_kill_mid_upload(a2, token2)
            test_kill_while_indexing(a2, token2)
    finally:
        for srv in servers:
            if srv.proc.poll() is None:
                srv.proc.kill()
                srv.proc.wait()
        shutil.rmtree(WORK, ignore_errors=True)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
