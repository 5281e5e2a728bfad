#!/usr/bin/python3
"""The short, deterministic form of `wirecheck fuzz` (fixed seed and runs): against faulty
servers it finds their defect and writes a case file that it confirmed by a replay (fails the
target, passes the reference); against the reference programs it finds nothing. The JSON
summary is read with Python's json. Exit 0 or 1.

  netfuzz.py --wirecheck W --programs DIR --faulty DIR --conformance DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

FAILURES = []


def check(what, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail and not ok else ""))
    if not ok:
        FAILURES.append(what)


def fuzz(args, tmp, suite, cmd, runs, name):
    findings = os.path.join(tmp, name)
    p = subprocess.run([args.wirecheck, "--conformance", args.conformance, "fuzz", suite,
                        "--exec", cmd, "--runs", str(runs), "--seed", "1", "--timeout-scale",
                        "2", "--findings", findings, "--format", "json"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError:
        return p.returncode, None, p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser()
    for a in ("--wirecheck", "--programs", "--faulty", "--conformance"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="wirecheck-netfuzz-")
    os.chmod(tmp, 0o755)
    try:
        for suite, prog, runs, kinds in (
                ("sensor", "faulty-sensor-ack-2dp", 30, ("reply",)),
                ("sensor", "faulty-sensor-no-error", 30, ("reply", "close")),
                ("tcp-echo", "faulty-echo-drop-last", 20, ("reply",))):
            rc, out, err = fuzz(args, tmp, suite, f"{args.faulty}/{prog} --listen {{addr}}",
                                runs, prog)
            found = (out or {}).get("findings", [])
            check(f"{prog}: exit 1 with a finding", rc == 1 and found, f"exit {rc}: {err[-500:]}")
            good = [f for f in found if f["verified"] and f["kind"] in kinds]
            check(f"{prog}: a finding of kind {'/'.join(kinds)} confirmed by a replay",
                  good, str(found))
            if good:
                text = open(good[0]["case_file"]).read()
                check(f"{prog}: its case file holds the exchange and the reference's answer",
                      f"id: {suite}.9" in text and "\nsend a " in text and "\nexpect" in text,
                      text[:400])
        for suite, prog, runs in (("sensor", "sensor-server", 30), ("tcp-echo", "echo-server",
                                                                     20)):
            rc, out, err = fuzz(args, tmp, suite, f"{args.programs}/{prog} --listen {{addr}}",
                                runs, prog)
            check(f"the reference {prog} against itself: exit 0, no finding",
                  rc == 0 and out is not None and out["findings"] == [] and
                  out["exchanges"] == runs, f"exit {rc}: {out} {err[-300:]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"netfuzz.py: {len(FAILURES)} failed" if FAILURES else "netfuzz.py: every check held")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
