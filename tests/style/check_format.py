#!/usr/bin/env python3
"""Every C, C++ and header file of the tree is as clang-format writes it
(the repository's .clang-format), so a change's diff holds its own lines
only, never a neighbour's reformatting.

usage: check_format.py SOURCE_DIR

Only Debian 12's clang-format 14 is trusted: another major version formats
some constructs differently, so with none or another one this says SKIP
(exit 77) rather than fail or pass.
"""
import os
import re
import shutil
import subprocess
import sys

FOLDERS = ("indexer", "server", "cli", "tests", "bench")
SUFFIXES = (".c", ".h", ".cc")
SKIP_DIRS = {"node_modules", "corpus", "build"}
WANTED_MAJOR = 14


def clang_format():
    """The clang-format 14 binary, or None."""
    for name in ("clang-format-14", "clang-format"):
        path = shutil.which(name)
        if not path:
            continue
        out = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
        m = re.search(r"version (\d+)\.", out)
        if m and int(m.group(1)) == WANTED_MAJOR:
            return path
    return None


def sources(root):
    for folder in FOLDERS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, folder)):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in sorted(filenames):
                if name.endswith(SUFFIXES):
                    yield os.path.join(dirpath, name)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    tool = clang_format()
    if not tool:
        print(f"SKIP: no clang-format {WANTED_MAJOR} (Debian 12's clang-format package)")
        sys.exit(77)
    files = list(sources(root))
    bad = []
    for path in files:
        with open(path, "rb") as f:
            text = f.read()
        formatted = subprocess.run([tool, "--style=file", f"--assume-filename={path}"],
                                   input=text, capture_output=True, check=True).stdout
        if formatted != text:
            bad.append(os.path.relpath(path, root))
    for path in bad:
        print(f"FAIL: {path} is not as clang-format writes it: run `clang-format -i {path}`")
    print(f"{len(files) - len(bad)} passed, {len(bad)} failed")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
