#!/usr/bin/python3
"""Runs the programs of tests/faulty/ (deliberately faulty and independently written correct
ones, listed in verdicts.tsv) against their suites and judges wirecheck's verdicts.

  verdicts.py TABLE --wirecheck W --bin DIR MODE [--timeout-scale X] [--only NAME...]
  MODE: --check-correct   every correct program passes its suite at every level (exit 0,
                          no failing requirement, no diagnosis of a failure; warnings
                          allowed); exit 1 otherwise
        --matrix          every program against its whole suite with short timeouts: the
                          runner exits 0 or 1, writes a JSON report that parses, and its stderr
                          has no sanitizer report; exit 1 otherwise
        --table           every program, every level: prints detected / attributed to the
                          right requirement / false alarms (bench/verdicts.sh); always exit 0
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "WARNING: ThreadSanitizer",
                   "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer")
FAILING = {"fail", "timeout", "crash"}


def read_table(path):
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 4:
                sys.exit(f"{path}:{n}: want 4 tab-separated columns, got {len(cols)}")
            rows.append(dict(name=cols[0], suite=cols[1], cmd=cols[2], req=cols[3]))
    return rows


def run(args, row, scale, jobs=4):
    src = os.path.dirname(os.path.abspath(args.table_file))
    cmd = row["cmd"].replace("{bin}", args.bin).replace("{src}", src)
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        t0 = time.monotonic()
        p = subprocess.run([args.wirecheck, "run", row["suite"], "--exec", cmd, "--level", "all",
                            "-j", str(jobs), "--timeout-scale", str(scale), "--format", "json",
                            "-o", out.name], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, errors="replace", timeout=600)
        secs = time.monotonic() - t0
        try:
            report = json.load(open(out.name))
        except (OSError, ValueError) as e:
            report = None
            parse_error = str(e)
        else:
            parse_error = None
    res = dict(rc=p.returncode, secs=secs, stderr=p.stdout + p.stderr, report=report,
               parse_error=parse_error, failing=set(), warned=set())
    for c in (report or {}).get("cases", []):
        if c["outcome"] in FAILING:
            res["failing"].add(c["requirement"])
        elif c["outcome"] == "warn":
            res["warned"].add(c["requirement"])
    return res


def check_correct(args, rows):
    bad = 0
    for row in [r for r in rows if r["req"] == "-"]:
        r = run(args, row, args.timeout_scale)
        # A correct program may miss a SHOULD (they print no log lines), and a diagnosis may say
        # so; a diagnosis that explains a failure would be a false cause.
        false_causes = [d["id"] for d in (r["report"] or {}).get("diagnoses", [])
                        if not d["warnings_only"]]
        ok = r["rc"] == 0 and not r["failing"] and r["report"] is not None and not false_causes
        print(f"{'ok  ' if ok else 'FAIL'} {row['name']:32} {row['suite']:18} exit {r['rc']}, "
              f"failing {sorted(r['failing']) or 'none'}, warnings {sorted(r['warned']) or 'none'}"
              f" ({r['secs']:.1f} s)")
        if not ok:
            bad += 1
            print(r["stderr"][-4000:])
    return 1 if bad else 0


def matrix(args, rows):
    bad = 0
    for row in rows:
        r = run(args, row, 0.5, jobs=8)
        marks = [m for m in SANITIZER_MARKS if m in r["stderr"]]
        ok = r["rc"] in (0, 1) and r["report"] is not None and not marks
        why = "" if ok else (f" sanitizer: {marks}" if marks else
                             f" no JSON report ({r['parse_error']})" if r["report"] is None else "")
        print(f"{'ok  ' if ok else 'FAIL'} {row['name']:32} {row['suite']:18} exit {r['rc']}"
              f" ({r['secs']:.1f} s){why}")
        if not ok:
            bad += 1
            print(r["stderr"][-4000:])
    return 1 if bad else 0


def table(args, rows):
    print(f"{'program':32} {'suite':18} {'defect':7} {'detected':8} {'attributed':10} "
          f"{'false alarms / also failing':28} {'warnings':20} secs")
    totals = dict(faulty=0, detected=0, attributed=0, correct=0, false_alarms=0)
    for row in rows:
        r = run(args, row, args.timeout_scale)
        if row["req"] == "-":
            totals["correct"] += 1
            fa = sorted(r["failing"])
            totals["false_alarms"] += bool(fa) or r["rc"] != 0
            det, att, other = "-", "-", " ".join(fa) or "none"
        else:
            totals["faulty"] += 1
            d = r["rc"] == 1
            a = row["req"] in r["failing"]
            totals["detected"] += d
            totals["attributed"] += a
            det, att = "yes" if d else "NO", "yes" if a else "NO"
            other = " ".join(sorted(r["failing"] - {row["req"]})) or "-"
        print(f"{row['name']:32} {row['suite']:18} {row['req']:7} {det:8} {att:10} "
              f"{other[:28]:28} {' '.join(sorted(r['warned']))[:20]:20} {r['secs']:.1f}")
    print(f"\nfaulty programs: {totals['faulty']}, detected {totals['detected']}, attributed to "
          f"their defect's requirement {totals['attributed']}; correct programs: "
          f"{totals['correct']}, with a false alarm {totals['false_alarms']}")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("table_file", metavar="TABLE")
    ap.add_argument("--wirecheck", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--timeout-scale", type=float, default=2.0)
    ap.add_argument("--only", nargs="*")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check-correct", action="store_true")
    mode.add_argument("--matrix", action="store_true")
    mode.add_argument("--table", action="store_true")
    args = ap.parse_args()
    rows = read_table(args.table_file)
    if args.only:
        rows = [r for r in rows if r["name"] in args.only]
    if args.check_correct:
        return check_correct(args, rows)
    if args.matrix:
        return matrix(args, rows)
    return table(args, rows)


if __name__ == "__main__":
    sys.exit(main())
