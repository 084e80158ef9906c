#!/usr/bin/env python3
"""Pictures (issue #17) end to end: posters, storyboards, waveforms and the
frames at moments, made by the server's background worker and by
`qarchive pictures`, served at /pictures/<id>/ with validators.

The media is made here with ffmpeg: a test pattern with its timestamp burnt
in (so every second's frame differs) and a tone. A frame at a moment must
match what `ffmpeg -ss T -i media -frames:v 1` extracts (PSNR over 35 dB),
and must not match the frame a second later (under 30 dB), so the
comparison can fail.

usage: test_pictures.py QARCHIVE
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, write  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
WORK = tempfile.mkdtemp(prefix="qa-pictures-")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
servers = []


def run(*args):
    r = subprocess.run([QARCHIVE, *args], capture_output=True, text=True, timeout=300,
                       env=qa_test.sanitizer_env(exitcode=99))
    return r.returncode, r.stdout, r.stderr


def ffmpeg(*args):
    qa_test.ffmpeg("test_pictures", *args, cwd=WORK, timeout=300)


class Server:
    def __init__(self, archive, *flags):
        self.port = qa_test.free_port()
        self.log_path = os.path.join(WORK, "serve-%d.log" % self.port)
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [QARCHIVE, "serve", "--archive", archive, "--port", str(self.port), "--threads", "4",
             *flags], stdout=subprocess.DEVNULL, stderr=self.log,
            env=qa_test.sanitizer_env(exitcode=99))
        servers.append(self)
        if not self.wait(lambda: " on http://" in self.stderr(), 60):
            sys.exit("test_pictures: the server did not start:\n" + self.stderr())

    def stderr(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait(self, predicate, seconds):
        """Polls the server's own log (a signal it writes), never a timing window."""
        end = time.time() + seconds
        while time.time() < end:
            if predicate():
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.1)
        return predicate()

    def request(self, method, path, headers=None, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.msg, r.read()
        finally:
            c.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)
            check(self.proc.returncode == 0, "serve exited cleanly on SIGTERM (rc %s):\n%s" %
                  (self.proc.returncode, self.stderr()[-3000:]))
        self.log.close()


def make_media():
    # 95 s at 25 fps, a key frame every 2 s, the time burnt in at the top.
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=95", "-f", "lavfi",
           "-i", "sine=frequency=440:duration=95",
           "-vf", "drawtext=fontfile=%s:text='%%{pts\\:hms}':fontsize=40:x=20:y=20:"
                  "fontcolor=white:box=1:boxcolor=black" % FONT,
           "-c:v", "libx264", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
           "video.mp4")
    # Sound only, louder and softer by turns: its poster is a waveform.
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=30",
           "-af", "volume='0.2+0.8*abs(sin(t))':eval=frame", "-c:a", "libmp3lame", "sound.mp3")
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=3", "-f", "lavfi",
           "-i", "sine=frequency=440:duration=3", "-c:v", "mpeg4", "-c:a", "aac", "-shortest",
           "upload.mp4")


def recording(a, rid, title, media, transcript=None):
    write(os.path.join(a, rid, "recording.json"),
          json.dumps({"title": title, "kind": "webinar", "date": "2025-03-0%d" % len(title)}))
    if media:
        ext = os.path.splitext(media)[1]
        shutil.copy(os.path.join(WORK, media), os.path.join(a, rid, "media" + ext))
    if transcript:
        write(os.path.join(a, rid, "transcript.vtt"), transcript)


def jpeg_size(data):
    """(width, height) of a baseline JPEG, from its SOF0 segment."""
    if not data.startswith(b"\xff\xd8"):
        return None
    m = re.search(b"\xff\xc0..\x08(..)(..)", data, re.S)
    if not m:
        return None
    return int.from_bytes(m.group(2), "big"), int.from_bytes(m.group(1), "big")


def psnr(a_path, b_path):
    r = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-i", a_path, "-i", b_path,
                        "-lavfi", "psnr", "-f", "null", "-"], capture_output=True, text=True)
    m = re.search(r"average:(\S+)", r.stderr)
    if not m:
        return None
    return float("inf") if m.group(1) == "inf" else float(m.group(1))


def ffmpeg_frame(t, w, h, out):
    ffmpeg("-ss", "%.3f" % t, "-i", "video.mp4", "-frames:v", "1", "-vf", "scale=%d:%d" % (w, h),
           out)


def test_files(srv):
    st, h, poster = srv.request("GET", "/pictures/vid/poster.jpg")
    check(st == 200 and h.get("Content-Type") == "image/jpeg" and jpeg_size(poster) == (640, 360),
          "video poster: 200 JPEG 640x360: %s %s %s" % (st, h.get("Content-Type"),
                                                       jpeg_size(poster)))
    etag, modified = h.get("ETag"), h.get("Last-Modified")
    check(bool(etag) and bool(modified), "poster has ETag and Last-Modified")
    st, _, body = srv.request("GET", "/pictures/vid/poster.jpg", {"If-None-Match": etag})
    check(st == 304 and body == b"", "If-None-Match → 304: %s" % st)
    st, _, _ = srv.request("GET", "/pictures/vid/poster.jpg", {"If-Modified-Since": modified})
    check(st == 304, "If-Modified-Since → 304: %s" % st)
    st, h, body = srv.request("HEAD", "/pictures/vid/poster.jpg")
    check(st == 200 and body == b"" and h.get("Content-Length") == str(len(poster)),
          "HEAD poster: %s %s" % (st, h.get("Content-Length")))

    st, h, body = srv.request("GET", "/pictures/vid/storyboard.json")
    sb = json.loads(body) if st == 200 else {}
    check(st == 200 and h.get("Content-Type") == "application/json" and h.get("ETag"),
          "storyboard.json: 200 JSON with an ETag: %s" % st)
    check(set(sb) == {"interval", "width", "height", "columns", "rows", "sprites"},
          "storyboard.json has the contract's keys: %s" % sorted(sb))
    tiles = -(-95 // sb.get("interval", 1))
    check(sb.get("interval") == 2 and sb.get("width") == 160 and sb.get("height") == 90,
          "storyboard: a 160x90 tile every 2 s for 95 s: %s" % sb)
    per = sb.get("columns", 0) * sb.get("rows", 0)
    check(per > 0 and len(sb.get("sprites", [])) == -(-tiles // per),
          "storyboard: %d tiles in %d sprites" % (tiles, len(sb.get("sprites", []))))
    for i, url in enumerate(sb.get("sprites", [])):
        check(url == "/pictures/vid/storyboard-%d.jpg" % i, "sprite URL %d: %s" % (i, url))
        st, h, data = srv.request("GET", url)
        in_it = min(per, tiles - i * per)
        rows = -(-in_it // sb["columns"])
        check(st == 200 and jpeg_size(data) == (sb["columns"] * 160, rows * 90) and
              h.get("ETag"), "sprite %d: %s %s" % (i, st, jpeg_size(data)))
    # The first tile is the frame at 0 s: compare it with ffmpeg's.
    if sb.get("sprites"):
        _, _, data = srv.request("GET", sb["sprites"][0])
        write(os.path.join(WORK, "sprite0.jpg"), data, "wb")
        ffmpeg("-i", "sprite0.jpg", "-vf", "crop=160:90:0:0", "tile0.png")
        ffmpeg("-i", "sprite0.jpg", "-vf", "crop=160:90:160:0", "tile1.png")
        ffmpeg_frame(0, 160, 90, "ref0.png")
        near, far = psnr(os.path.join(WORK, "tile0.png"), os.path.join(WORK, "ref0.png")), \
            psnr(os.path.join(WORK, "tile1.png"), os.path.join(WORK, "ref0.png"))
        # Small tiles of fine print, in a JPEG: close, not exact.
        check(near is not None and near > 20 and far is not None and far < near - 6,
              "sprite tile 0 is the frame at 0 s (%s dB; tile 1: %s dB)" % (near, far))
    st, _, _ = srv.request("GET", "/pictures/vid/storyboard-%d.jpg" % len(sb.get("sprites", [])))
    check(st == 404, "a sprite past the last: 404: %s" % st)

    st, h, wave = srv.request("GET", "/pictures/snd/poster.jpg")
    check(st == 200 and jpeg_size(wave) == (640, 360), "sound: its waveform as poster: %s %s" %
          (st, jpeg_size(wave)))
    check(srv.request("GET", "/pictures/snd/storyboard.json")[0] == 404,
          "sound: no storyboard (404)")
    check(srv.request("GET", "/pictures/snd/at/3.jpg")[0] == 404, "sound: no frames (404)")
    for path in ["/pictures/nope/poster.jpg", "/pictures/vid/other.jpg", "/pictures/vid/",
                 "/pictures/vid", "/pictures/../x/poster.jpg", "/pictures/vid/storyboard-x.jpg",
                 "/pictures/vid/at/1/2.jpg", "/pictures/text/poster.jpg"]:
        st, _, _ = srv.request("GET", path)
        check(st in (400, 404), "%s: 4xx, not %s" % (path, st))


def test_moments(srv):
    for t in ["12.5", "0", "33.333", "61.04", "94"]:
        st, h, data = srv.request("GET", "/pictures/vid/at/%s.jpg" % t)
        ok = check(st == 200 and jpeg_size(data) == (320, 180),
                   "frame at %s: 200 320x180 JPEG: %s %s" % (t, st, jpeg_size(data)))
        if not ok:
            continue
        ours = os.path.join(WORK, "at-%s.jpg" % t)
        write(ours, data, "wb")
        ref, later = os.path.join(WORK, "ref-%s.png" % t), os.path.join(WORK, "later-%s.png" % t)
        ffmpeg_frame(float(t), 320, 180, ref)
        ffmpeg_frame(float(t) + 1 if float(t) < 93 else float(t) - 1, 320, 180, later)
        same, other = psnr(ours, ref), psnr(ours, later)
        check(same is not None and same >= 35,
              "frame at %s matches ffmpeg -ss %s: PSNR %s dB" % (t, t, same))
        check(other is not None and other < 30,
              "frame at %s differs from the one a second away: PSNR %s dB" % (t, other))
        # Kept: the same file again, and 304 with its ETag.
        st2, h2, data2 = srv.request("GET", "/pictures/vid/at/%s.jpg" % t)
        check(st2 == 200 and data2 == data and h2.get("ETag") == h.get("ETag"),
              "frame at %s: kept and served again" % t)
        st3, _, _ = srv.request("GET", "/pictures/vid/at/%s.jpg" % t,
                                {"If-None-Match": h.get("ETag")})
        check(st3 == 304, "frame at %s: 304: %s" % (t, st3))
    for t in ["95", "200", "-1", "1e3", "abc", ".5", "5.", "360001"]:
        st, _, _ = srv.request("GET", "/pictures/vid/at/%s.jpg" % t)
        check(st == 404, "frame at %s: 404: %s" % (t, st))


def test_pages(srv):
    _, _, body = srv.request("GET", "/watch/vid")
    html = body.decode()
    check('poster="/pictures/vid/poster.jpg"' in html, "watch: <video poster=…>")
    check('data-storyboard="/pictures/vid/storyboard.json"' in html, "watch: data-storyboard")
    _, _, body = srv.request("GET", "/watch/snd")
    check("poster=" not in body.decode() and "data-storyboard" not in body.decode(),
          "watch: a sound's <audio> has no poster or storyboard")
    _, _, body = srv.request("GET", "/")
    imgs = re.findall(r'<img class="pic"[^>]*>', body.decode())
    check(any('src="/pictures/vid/poster.jpg"' in i for i in imgs) and
          any('src="/pictures/snd/poster.jpg"' in i for i in imgs),
          "home: each recording's poster: %s" % imgs)
    check(imgs and all('loading="lazy"' in i and re.search(r'width="\d+" height="\d+"', i)
                       for i in imgs), "home: pictures lazy, with width and height")
    check(not any("/pictures/text/" in i for i in imgs), "home: no picture without media")
    _, _, body = srv.request("GET", "/search?q=marmalade")
    imgs = re.findall(r'<img class="pic"[^>]*>', body.decode())
    check(any('src="/pictures/vid/at/33.500.jpg"' in i for i in imgs),
          "search: the hit's moment as its picture: %s" % imgs)
    check(imgs and all('loading="lazy"' in i and 'width="160" height="90"' in i for i in imgs),
          "search: pictures lazy, 160x90: %s" % imgs)
    m = re.search(r'src="(/pictures/vid/at/[^"]+)"', body.decode())
    if m:
        st, _, data = srv.request("GET", m.group(1))
        check(st == 200 and jpeg_size(data) == (320, 180), "search: the picture loads: %s" % st)


def test_upload(srv, token):
    boundary = "qarchivePicturesBoundary"
    with open(os.path.join(WORK, "upload.mp4"), "rb") as f:
        media = f.read()
    body, ctype = qa_test.multipart(
        [("title", "Uploaded"), ("kind", "webinar"), ("date", "2025-04-01")],
        [("media", "upload.mp4", media)], boundary)
    st, _, b = srv.request("POST", "/api/recordings",
                           {"Content-Type": ctype, "Authorization": "Bearer " + token}, body)
    rid = json.loads(b).get("id") if st == 201 else None
    check(st == 201 and rid, "upload: 201: %s %s" % (st, b[:200]))
    if not rid:
        return
    made = srv.wait(lambda: "pictures of %s made" % rid in srv.stderr(), 120)
    check(made, "upload: the worker made its pictures after the upload:\n" + srv.stderr()[-2000:])
    st, _, data = srv.request("GET", "/pictures/%s/poster.jpg" % rid)
    check(st == 200 and jpeg_size(data) == (160, 120), "upload: its poster: %s %s" %
          (st, jpeg_size(data)))


def test_private(a, token):
    srv = Server(a, "--private", "--no-pictures")
    try:
        for path in ["/pictures/vid/poster.jpg", "/pictures/vid/storyboard.json",
                     "/pictures/vid/at/1.jpg"]:
            st, h, _ = srv.request("GET", path)
            check(st == 401, "--private: %s without credentials: 401: %s %s" %
                  (path, st, h.get("Location")))
            st, _, _ = srv.request("GET", path, {"Authorization": "Bearer " + token})
            check(st == 200, "--private: %s with a token: 200: %s" % (path, st))
    finally:
        srv.stop()


def test_cli(a):
    rc, out, err = run("pictures", "--archive", a, "--id", "vid")
    check(rc == 0 and "up to date" in out, "cli: made already: %s %r %r" % (rc, out, err))
    rc, out, err = run("pictures", "--archive", a, "--id", "snd", "--force")
    check(rc == 0 and "pictures made" in out, "cli: --force makes them again: %s %r %r" %
          (rc, out, err))
    rc, out, err = run("pictures", "--archive", a, "--id", "bad id")
    check(rc == 2 and "not a recording id" in err, "cli: a bad id: %s %r" % (rc, err))
    rc, out, err = run("pictures", "--archive", a, "--id", "broken", "--force")
    check(rc == 1 and "broken" in err, "cli: media that is not media fails: %s %r" % (rc, err))
    job = os.path.join(a, ".qarchive", "pictures", "broken.job.json")
    with open(job) as f:
        state = json.load(f)
    check(state.get("state") == "failed" and state.get("error"),
          "cli: the failure is kept: %s" % state)
    rc, out, err = run("pictures", "--archive", a, "--id", "broken")
    check(rc == 0 and "up to date" in out, "cli: a failure is not tried again for the same "
          "media: %s %r %r" % (rc, out, err))
    rc, out, err = run("pictures", "--archive", a)
    check(rc == 0, "cli: the whole archive, all up to date: %s %r" % (rc, err))
    leftovers = [n for n in os.listdir(os.path.join(a, ".qarchive", "pictures"))
                 if n.startswith(".new-")]
    check(not leftovers, "cli: no half-made set left: %s" % leftovers)
    # A video cut in half (its index at the front, its frames past the cut
    # gone): the tiles past the cut repeat the last frame, or it fails
    # cleanly; never a crash (a sanitizer report exits 99).
    ffmpeg("-i", "video.mp4", "-c", "copy", "-movflags", "+faststart", "whole.mp4")
    with open(os.path.join(WORK, "whole.mp4"), "rb") as f:
        data = f.read()
    write(os.path.join(a, "trunc", "recording.json"),
          json.dumps({"title": "Cut", "kind": "other", "date": "2025-03-09"}))
    write(os.path.join(a, "trunc", "media.mp4"), data[:len(data) // 2], "wb")
    rc, out, err = run("pictures", "--archive", a, "--id", "trunc")
    check(rc in (0, 1) and ("pictures made" in out or "trunc" in err),
          "cli: a video cut in half: made or refused, no crash: %s %r %r" % (rc, out, err[-500:]))
    rc, out, err = run("remove", "snd", "--archive", a)
    check(rc == 0, "cli: remove snd: %s %r" % (rc, err))
    rc, out, err = run("pictures", "--archive", a)
    left = sorted(os.listdir(os.path.join(a, ".qarchive", "pictures")))
    check(rc == 0 and "1 deleted recording removed" in out and
          not any(n.startswith("snd") for n in left) and "vid" in left,
          "cli: a deleted recording's pictures go, the others stay: %s %r %s" % (rc, out, left))


def main():
    if not shutil.which("ffmpeg") or not os.path.exists(FONT):
        print("SKIP: ffmpeg with drawtext and DejaVu fonts are needed")
        return 0
    make_media()
    a = os.path.join(WORK, "archive")
    recording(a, "vid", "Video", "video.mp4",
              "WEBVTT\n\n00:00:33.500 --> 00:00:36.000\nthe marmalade moment\n")
    recording(a, "snd", "Sound", "sound.mp3",
              "WEBVTT\n\n00:00:03.000 --> 00:00:05.000\na quiet word\n")
    recording(a, "text", "Text only", None,
              "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nno media here\n")
    rc, out, err = run("index", "--archive", a)
    if rc != 0:
        sys.exit("test_pictures: index failed: %s %s" % (out, err))
    # Not indexable (index refuses it), but a folder the worker meets.
    recording(a, "broken", "Broken", None)
    write(os.path.join(a, "broken", "media.mp4"), "not a video at all\n" * 50)
    rc, out, err = run("token", "add", "ci", "--archive", a)
    token = out.strip().split()[-1] if rc == 0 and out.strip() else ""
    srv = Server(a)
    try:
        made = srv.wait(lambda: "pictures of vid made" in srv.stderr() and
                        "pictures of snd made" in srv.stderr(), 240)
        check(made, "the worker made the pictures at start:\n" + srv.stderr()[-3000:])
        check("pictures of broken: " in srv.stderr(), "the worker says why media fails")
        test_files(srv)
        test_moments(srv)
        test_pages(srv)
        test_upload(srv, token)
    finally:
        srv.stop()
    test_private(a, token)
    test_cli(a)
    return qa_test.report()


if __name__ == "__main__":
    try:
        rc = main()
    finally:
        for s in servers:
            if s.proc.poll() is None:
                s.proc.kill()
                s.proc.wait()
    if rc == 0:
        shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(rc)
