"""What the Python end-to-end tests share (standard library only): check()
and the "N passed, N failed" line ctest's FAIL_REGULAR_EXPRESSION reads,
a free 127.0.0.1 port, ffmpeg at test time, files, multipart/form-data,
and the environment that keeps a sanitizer report from passing unnoticed.

A script imports it through its own location:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import qa_test
"""
import os
import socket
import subprocess
import sys

passed = failed = 0


def check(ok, what):
    """Counts a check; a failed one prints "FAIL: what". Returns ok."""
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what, flush=True)
    return ok


def report():
    """Prints the last line; returns the exit status (1 on any failure)."""
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write(path, text, mode="w", encoding=None):
    """Writes text (or bytes, with mode "wb"), making the folders first."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode, encoding=encoding) as f:
        f.write(text)


def ffmpeg(name, *args, cwd=None, timeout=120):
    """The ffmpeg CLI, quiet; exits the test, named `name`, if it fails."""
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", *args]
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        sys.exit("%s: ffmpeg failed: %s\n%s" % (name, " ".join(cmd), r.stderr))


def sanitizer_env(exitcode=None):
    """os.environ with leak checks on; with `exitcode`, a sanitizer report
    exits with it, so it cannot pass for a status the test expects."""
    env = dict(os.environ)
    code = ":exitcode=%d" % exitcode if exitcode is not None else ""
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + code + ":detect_leaks=1").lstrip(":")
    if exitcode is not None:
        env["UBSAN_OPTIONS"] = (env.get("UBSAN_OPTIONS", "") + code + ":print_stacktrace=1").lstrip(":")
    return env


def multipart(fields, files, boundary):
    """A multipart/form-data body and its Content-Type.
    fields: [(name, text)]; files: [(name, filename, bytes)]."""
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" %
                    (boundary, name)).encode() + value.encode() + b"\r\n")
    for name, filename, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: application/octet-stream\r\n\r\n" %
                    (boundary, name, filename)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary
