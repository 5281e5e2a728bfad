#!/usr/bin/python3
"""Runs one suite against its reference program and checks the verdict and the diagnoses.

  reference.py -- WIRECHECK run SUITE --exec CMD ...

The run must exit 0, and its JSON report (asked for with --report json:FILE, read with Python's
json) must hold no diagnosis at all: a DIAGNOSES entry that matches the reference program is a
false cause, shown to every student whose program behaves as it does. Exit 0 or 1.
"""
import json
import os
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) < 3 or sys.argv[1] != "--":
        sys.exit(__doc__)
    cmd = sys.argv[2:]
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        p = subprocess.run(cmd + ["--report", "json:" + path], stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            print(f"reference.py: the reference run exited {p.returncode}, expected 0")
            return 1
        with open(path) as f:
            report = json.load(f)
    finally:
        os.unlink(path)
    bad = 0
    for d in report["diagnoses"]:
        print(f"reference.py: diagnosis {d['id']} matched the reference program: {d['headline']}"
              f" (cases {' '.join(d['cases'])})")
        bad = 1
    for c in report["cases"]:
        if c["diagnosis"] is not None:
            print(f"reference.py: {c['id']} names diagnosis {c['diagnosis']}")
            bad = 1
    if not bad:
        print(f"reference.py: exit 0, {len(report['cases'])} cases, no diagnosis")
    return bad


if __name__ == "__main__":
    sys.exit(main())
