#!/usr/bin/env python3
"""Tests of `qarchive user` and `qarchive token` (issue #8) on archives made
in a temporary folder (Python 3 standard library only).

    test_accounts_cli.py QARCHIVE

Passwords are given on stdin, and once through a pseudo-terminal to test
the prompts. Stored password hashes are checked with libsodium's own
crypto_pwhash_str_verify through ctypes when libsodium can be loaded (it is
a dependency of qarchive), token hashes with hashlib's BLAKE2b.

Prints one line per failure and, last, "N passed, M failed"; exits 0 only
when M is 0.
"""

import ctypes
import ctypes.util
import hashlib
import json
import os
import pty
import re
import select
import stat
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60  # seconds per run: argon2id under ASan
QARCHIVE = None
TOKEN_RE = re.compile(r"^qat_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$")
CREATED_RE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"

passed = failed = 0


def check(name, problems):
    global passed, failed
    if problems:
        failed += 1
        print(f"FAIL {name}: " + "; ".join(problems))
    else:
        passed += 1


def run(args, stdin=b"", cwd=None, env=None):
    e = dict(os.environ)
    e.pop("QARCHIVE_ARCHIVE", None)
    e.update(env or {})
    p = subprocess.run([QARCHIVE] + args, input=stdin, capture_output=True, timeout=TIMEOUT,
                       cwd=cwd, env=e)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def expect(args, status, stdin=b"", stdout_has=(), stderr_has=(), stdout_empty=False,
           cwd=None, env=None):
    """Problems with `qarchive ARGS`, and its stdout."""
    got, out, err = run(args, stdin, cwd, env)
    problems = []
    if got != status:
        problems.append(f"exit status {got}, expected {status} (stderr: {err.strip()[:300]!r})")
    for s in stdout_has:
        if s not in out:
            problems.append(f"stdout lacks {s!r}: {out[:300]!r}")
    for s in stderr_has:
        if s not in err:
            problems.append(f"stderr lacks {s!r}: {err[:300]!r}")
    if stdout_empty and out:
        problems.append(f"stdout should be empty: {out[:300]!r}")
    return problems, out


def load_sodium():
    name = ctypes.util.find_library("sodium")
    if not name:
        return None
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    if lib.sodium_init() < 0:
        return None
    lib.crypto_pwhash_str_verify.argtypes = [ctypes.c_char_p, ctypes.c_char_p,
                                             ctypes.c_ulonglong]
    return lib


SODIUM = None


def verifies(stored, password):
    """Whether password matches the stored argon2id string; None when
    libsodium is not available to say."""
    if SODIUM is None:
        return None
    pw = password.encode()
    return SODIUM.crypto_pwhash_str_verify(stored.encode(), pw, len(pw)) == 0


def accounts(archive):
    with open(os.path.join(archive, ".qarchive", "accounts.json"), encoding="utf-8") as f:
        return json.load(f)


def user_hash(archive, name):
    for u in accounts(archive).get("users", []):
        if u.get("name") == name:
            return u.get("password")
    return None


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def help_and_usage():
    for cmd in ("user", "token"):
        p, out = expect([cmd, "--help"], 0, stdout_has=(f"usage: qarchive {cmd}", "Exit status"))
        check(f"{cmd} --help", p)
        p, _ = expect(["help", cmd], 0, stdout_has=(f"usage: qarchive {cmd}",))
        check(f"help {cmd}", p)
        p, _ = expect([cmd, "list", "-h"], 0, stdout_has=(f"usage: qarchive {cmd}",))
        check(f"{cmd} list -h", p)
        p, _ = expect([cmd], 2, stderr_has=(f"usage: qarchive {cmd}",), stdout_empty=True)
        check(f"{cmd} without action", p)
        p, _ = expect([cmd, "frob", "x"], 2, stderr_has=(f"usage: qarchive {cmd}",),
                      stdout_empty=True)
        check(f"{cmd} unknown action", p)
        p, _ = expect([cmd, "add"], 2, stderr_has=(f"usage: qarchive {cmd}",), stdout_empty=True)
        check(f"{cmd} add without NAME", p)
        p, _ = expect([cmd, "list", "x"], 2, stderr_has=(f"usage: qarchive {cmd}",),
                      stdout_empty=True)
        check(f"{cmd} list with NAME", p)
        p, _ = expect([cmd, "remove", "x", "y"], 2, stdout_empty=True)
        check(f"{cmd} remove with two NAMEs", p)
        p, _ = expect([cmd, "list", "--bogus"], 2, stderr_has=("--bogus",), stdout_empty=True)
        check(f"{cmd} unknown option", p)
        p, _ = expect([cmd, "list", "--archive"], 2, stdout_empty=True)
        check(f"{cmd} --archive without DIR", p)
    p, out = expect(["help"], 0, stdout_has=("user ", "token "))
    check("help lists user and token", p)


def users(tmp):
    archive = os.path.join(tmp, "archive")
    os.mkdir(archive)
    A = ["--archive", archive]
    state = os.path.join(archive, ".qarchive")
    file = os.path.join(state, "accounts.json")

    p, _ = expect(["user", "add", "alice"] + A, 0, stdin=b"correct horse\n", stdout_empty=True)
    check("user add from stdin", p)
    problems = []
    if not os.path.isfile(file):
        problems.append("no accounts.json")
    else:
        if mode(state) != 0o700:
            problems.append(f".qarchive mode {oct(mode(state))}")
        if mode(file) != 0o600:
            problems.append(f"accounts.json mode {oct(mode(file))}")
        with open(file, encoding="utf-8") as f:
            text = f.read()
        if "correct horse" in text:
            problems.append("the password is in the file")
        stored = user_hash(archive, "alice") or ""
        if not stored.startswith("$argon2id$"):
            problems.append(f"stored password is not argon2id: {stored[:20]!r}")
        # The line ending is not part of the password.
        if verifies(stored, "correct horse") is False:
            problems.append("the stored hash does not verify 'correct horse'")
        if verifies(stored, "correct horse\n"):
            problems.append("the stored hash verifies the password with its newline")
    check("user add stores an argon2id hash, 0600 in a 0700 folder", problems)

    p, _ = expect(["user", "add", "alice"] + A, 1, stdin=b"another password\n",
                  stderr_has=("already exists",))
    check("user add existing", p)
    p, _ = expect(["user", "add", "bob"] + A, 1, stdin=b"", stderr_has=("no password",))
    check("user add, empty stdin", p)
    p, _ = expect(["user", "add", "bob"] + A, 1, stdin=b"\n", stderr_has=("no password",))
    check("user add, empty line", p)
    p, _ = expect(["user", "add", "bob"] + A, 1, stdin=b"short\n", stderr_has=("at least 8",))
    check("user add, short password", p)
    p, _ = expect(["user", "add", "bob"] + A, 1, stdin=b"nul\0in the password\n")
    check("user add, NUL in the password", p)
    p, _ = expect(["user", "add", "bad name"] + A, 1, stdin=b"long enough\n",
                  stderr_has=("'bad name' is not a valid name",))
    check("user add, invalid name", p)
    p, _ = expect(["user", "add", ".hidden"] + A, 1, stdin=b"long enough\n",
                  stderr_has=("not a valid name",))
    check("user add, name starting with '.'", p)

    # Only the first line counts; a CR before the newline is a line ending.
    p, _ = expect(["user", "add", "carol"] + A, 0, stdin=b"carol's password\r\nsecond line\n")
    check("user add reads one line", p)
    if verifies(user_hash(archive, "carol") or "", "carol's password") is False:
        check("user add strips CRLF", ["the stored hash does not verify the first line"])

    p, out = expect(["user", "list"] + A, 0)
    lines = out.splitlines()
    if len(lines) != 2 or not re.fullmatch(r"alice +" + CREATED_RE, lines[0]) or \
            not re.fullmatch(r"carol +" + CREATED_RE, lines[1]):
        p.append(f"unexpected list: {out!r}")
    if "argon2" in out:
        p.append("list shows a hash")
    check("user list", p)

    p, _ = expect(["user", "passwd", "alice"] + A, 0, stdin=b"battery staple\n")
    check("user passwd", p)
    stored = user_hash(archive, "alice") or ""
    if verifies(stored, "battery staple") is False or verifies(stored, "correct horse"):
        check("user passwd changes the hash", ["the stored hash is not the new password's"])
    p, _ = expect(["user", "passwd", "nobody"] + A, 1, stdin=b"long enough\n",
                  stderr_has=("no user named 'nobody'",))
    check("user passwd, unknown user", p)
    p, _ = expect(["user", "passwd", "alice"] + A, 1, stdin=b"short\n",
                  stderr_has=("at least 8",))
    check("user passwd, short password", p)

    p, _ = expect(["user", "remove", "carol"] + A, 0, stdout_empty=True)
    check("user remove", p)
    p, out = expect(["user", "list"] + A, 0)
    if "carol" in out or "alice" not in out:
        p.append(f"unexpected list: {out!r}")
    check("user list after remove", p)
    p, _ = expect(["user", "remove", "carol"] + A, 1, stderr_has=("no user named 'carol'",))
    check("user remove, unknown user", p)
    p, _ = expect(["user", "remove", "-x"] + A, 2)  # an option, not a name
    check("user remove, option-like name", p)

    # Where the archive is: $QARCHIVE_ARCHIVE, then ./archive.
    p, out = expect(["user", "list"], 0, cwd="/", env={"QARCHIVE_ARCHIVE": archive})
    if "alice" not in out:
        p.append(f"unexpected list: {out!r}")
    check("user list in $QARCHIVE_ARCHIVE", p)
    p, out = expect(["user", "list"], 0, cwd=tmp)
    if "alice" not in out:
        p.append(f"unexpected list: {out!r}")
    check("user list in ./archive", p)

    missing = os.path.join(tmp, "no-such-archive")
    p, _ = expect(["user", "list", "--archive", missing], 2,
                  stderr_has=("no such archive directory",))
    check("user list, missing archive", p)
    p, _ = expect(["user", "add", "dave", "--archive", missing], 2, stdin=b"long enough\n",
                  stderr_has=("no such archive directory",))
    if os.path.exists(missing):
        p.append("the missing archive was created")
    check("user add, missing archive", p)
    return archive


def tokens(archive):
    A = ["--archive", archive]
    file = os.path.join(archive, ".qarchive", "accounts.json")
    p, out = expect(["token", "add", "ci-upload"] + A, 0,
                    stderr_has=("only time the token is shown",))
    token = out[:-1] if out.endswith("\n") else out
    if not out.endswith("\n") or out.count("\n") != 1 or not TOKEN_RE.match(token):
        p.append(f"stdout is not one token line: {out!r}")
    check("token add prints qat_<16 hex>_<43 chars>", p)

    problems = []
    with open(file, encoding="utf-8") as f:
        text = f.read()
    if token[21:] in text:
        problems.append("the token's secret is in the file")
    entry = next((t for t in accounts(archive).get("tokens", []) if t.get("name") == "ci-upload"),
                 None)
    if not entry:
        problems.append("no entry for the token")
    else:
        if entry.get("id") != token[4:20]:
            problems.append(f"id {entry.get('id')!r} is not the token's {token[4:20]!r}")
        want = hashlib.blake2b(token.encode(), digest_size=32).hexdigest()
        if entry.get("hash") != want:
            problems.append("hash is not BLAKE2b-256 of the token")
    if mode(file) != 0o600:
        problems.append(f"accounts.json mode {oct(mode(file))}")
    check("token add stores only the id and BLAKE2b-256 of the token", problems)

    p, out2 = expect(["token", "add", "laptop"] + A, 0)
    if out2.strip() == token or not TOKEN_RE.match(out2.strip()):
        p.append(f"second token: {out2!r}")
    check("token add, a second token", p)
    p, _ = expect(["token", "add", "ci-upload"] + A, 1, stderr_has=("already exists",),
                  stdout_empty=True)
    check("token add existing", p)
    p, _ = expect(["token", "add", "my token"] + A, 1, stderr_has=("not a valid name",),
                  stdout_empty=True)
    check("token add, invalid name", p)

    p, out = expect(["token", "list"] + A, 0)
    lines = out.splitlines()
    if len(lines) != 2 or not re.fullmatch(r"ci-upload +" + token[4:20] + "  " + CREATED_RE,
                                           lines[0]) or not lines[1].startswith("laptop "):
        p.append(f"unexpected list: {out!r}")
    if entry and entry.get("hash", "x") in out or token[21:] in out:
        p.append("list shows the hash or the secret")
    check("token list", p)

    p, _ = expect(["token", "remove", "ci-upload"] + A, 0, stdout_empty=True)
    check("token remove", p)
    p, out = expect(["token", "list"] + A, 0)
    if "ci-upload" in out or "laptop" not in out:
        p.append(f"unexpected list: {out!r}")
    check("token list after remove", p)
    p, _ = expect(["token", "remove", "ci-upload"] + A, 1, stderr_has=("no token named",))
    check("token remove, unknown token", p)
    # Users and tokens are separate: the users are still there.
    p, out = expect(["user", "list"] + A, 0, stdout_has=("alice",))
    check("users survive token changes", p)


def corrupt(tmp):
    archive = os.path.join(tmp, "corrupt")
    os.makedirs(os.path.join(archive, ".qarchive"))
    file = os.path.join(archive, ".qarchive", "accounts.json")
    content = '{\n  "users": [\n    {"name": "alice",,}\n  ]\n}\n'
    with open(file, "w") as f:
        f.write(content)
    A = ["--archive", archive]
    for args, stdin in ((["user", "list"], b""), (["token", "list"], b""),
                        (["token", "add", "x"], b""), (["user", "remove", "alice"], b""),
                        (["user", "add", "bob"], b"long enough\n")):
        p, _ = expect(args + A, 2, stdin=stdin, stderr_has=(file, "line 3"), stdout_empty=True)
        with open(file) as f:
            if f.read() != content:
                p.append("the file was changed")
        check(f"{' '.join(args)} on a corrupt file", p)


def read_until(fd, want, deadline):
    """Read from the pty until want appears; returns all that was read."""
    got = b""
    while want not in got and time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            break
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        got += chunk
    return got


def interactive(archive, name, first, second):
    """`user add NAME` on a terminal, typing first and second; returns
    (exit status, everything the terminal showed)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(QARCHIVE, [QARCHIVE, "user", "add", name, "--archive", archive])
    deadline = time.monotonic() + TIMEOUT
    shown = read_until(fd, b"Password: ", deadline)
    os.write(fd, first + b"\n")
    shown += read_until(fd, b"Again: ", deadline)
    os.write(fd, second + b"\n")
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        shown += read_until(fd, b"\0never", min(deadline, time.monotonic() + 0.2))
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        return None, shown
    try:
        shown += read_until(fd, b"\0never", time.monotonic() + 0.2)
    except OSError:
        pass
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown


def terminal(archive):
    rc, shown = interactive(archive, "dave", b"typed on a tty", b"typed on a tty")
    p = []
    if rc != 0:
        p.append(f"exit status {rc}: {shown[-300:]!r}")
    if b"Password: " not in shown or b"Again: " not in shown:
        p.append(f"no prompts: {shown[:300]!r}")
    if b"typed on a tty" in shown:
        p.append("the password was echoed")
    if verifies(user_hash(archive, "dave") or "", "typed on a tty") is False:
        p.append("the stored hash does not verify the typed password")
    check("user add on a terminal asks twice, without echo", p)

    rc, shown = interactive(archive, "erin", b"first try here", b"second try here")
    p = []
    if rc != 1:
        p.append(f"exit status {rc}, expected 1")
    if b"differ" not in shown:
        p.append(f"no word of the mismatch: {shown[-300:]!r}")
    if user_hash(archive, "erin") is not None:
        p.append("the user was added")
    check("user add on a terminal, passwords differ", p)


def main():
    global QARCHIVE, SODIUM
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 2
    QARCHIVE = os.path.abspath(sys.argv[1])
    SODIUM = load_sodium()
    if SODIUM is None:
        print("note: libsodium not loadable through ctypes; stored hashes are not verified")
    help_and_usage()
    with tempfile.TemporaryDirectory() as tmp:
        archive = users(tmp)
        tokens(archive)
        corrupt(tmp)
        terminal(archive)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
