#!/usr/bin/python3
"""The reports of `wirecheck run`, read by the tools CI systems read them with: prove (TAP),
PyYAML (TAP's YAML blocks), junitparser (JUnit XML) and jsonschema (the JSON report and the
`list` catalogue against conformance/*.schema.json). Run on a passing run, a failing one, a
crashing target and a target that never starts.

  reports.py --wirecheck W --programs DIR --faulty DIR --conformance DIR [--scale X]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import junitparser
import yaml

failures = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""),
          flush=True)
    if not ok:
        failures.append(name)


def expected_kinds(report):
    """What each consumer should count, derived from the JSON report's per-case fields."""
    k = dict(tests=0, not_ok=0, failure=0, error=0, skipped=0)
    for c in report["cases"]:
        k["tests"] += 1
        bad = c["outcome"] in ("fail", "timeout", "crash")
        known = c["baseline"] is not None
        if (bad and not known) or c["unexpected_pass"]:
            k["not_ok"] += 1
        if c["not_run"]:
            k["error"] += 1
        elif c["unexpected_pass"]:
            k["failure"] += 1
        elif c["outcome"] in ("skip", "unsupported") or (bad and known):
            k["skipped"] += 1
        elif c["outcome"] in ("crash", "timeout"):
            k["error"] += 1
        elif c["outcome"] == "fail":
            k["failure"] += 1
    return k


def prove_counts(path):
    """(tests, failed, parse errors) as prove reports them."""
    p = subprocess.run(["prove", "--exec", "cat", path], capture_output=True, text=True)
    out = p.stdout + p.stderr
    m = re.search(r"Files=1, Tests=(\d+)", out)
    tests = int(m.group(1)) if m else -1
    m = re.search(r"Tests: \d+ Failed: (\d+)", out)
    failed = int(m.group(1)) if m else (0 if "All tests successful" in out else -1)
    return tests, failed, "Parse errors" in out, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wirecheck", required=True)
    ap.add_argument("--programs", required=True)
    ap.add_argument("--faulty", required=True)
    ap.add_argument("--conformance", required=True)
    ap.add_argument("--scale", default="2")
    args = ap.parse_args()
    report_schema = json.load(open(os.path.join(args.conformance, "report.schema.json")))
    catalogue_schema = json.load(open(os.path.join(args.conformance, "catalogue.schema.json")))
    for s in (report_schema, catalogue_schema):
        jsonschema.Draft202012Validator.check_schema(s)

    runs = [
        ("pass", "tcp-echo", f"{args.programs}/echo-server --listen {{addr}}", 0),
        ("fail", "tcp-echo", f"{args.faulty}/faulty-echo-drop-last --listen {{addr}}", 1),
        ("crash", "tcp-echo", f"{args.faulty}/faulty-echo-crash-on-reset --listen {{addr}}", 1),
        ("never-starts", "sensor", "/bin/false {addr}", 3),
        ("client", "sensor-client", f"{args.programs}/sensor-client --connect {{addr}} "
                                    "--timeout 1000", 0),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for label, suite, cmd, want_rc in runs:
            out = {f: os.path.join(tmp, f"{label}.{f}") for f in ("tap", "xml", "json", "txt")}
            p = subprocess.run(
                [args.wirecheck, "run", suite, "--exec", cmd, "-j", "2", "--timeout-scale",
                 args.scale, "--name", f"student-{label}", "--report", f"tap:{out['tap']}",
                 "--report", f"junit:{out['xml']}", "--report", f"json:{out['json']}",
                 "--report", f"text:{out['txt']}"],
                stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
                timeout=600)
            check(f"{label}: exit {want_rc}", p.returncode == want_rc,
                  f"exit {p.returncode}: {p.stderr[-400:]}")
            report = json.load(open(out["json"]))
            try:
                jsonschema.validate(report, report_schema, cls=jsonschema.Draft202012Validator)
                check(f"{label}: the JSON report validates against report.schema.json", True)
            except jsonschema.ValidationError as e:
                check(f"{label}: the JSON report validates against report.schema.json", False,
                      e.message)
            check(f"{label}: JSON names the run", report["name"] == f"student-{label}")
            # Diagnoses and the cases' "diagnosis" indexes agree both ways.
            pointed = {c["id"]: c["diagnosis"] for c in report["cases"]
                       if c["diagnosis"] is not None}
            listed = {cid: k for k, d in enumerate(report["diagnoses"]) for cid in d["cases"]}
            check(f"{label}: each case's diagnosis lists it, and only those",
                  pointed == listed, f"cases say {pointed}, diagnoses say {listed}")
            if label == "crash":
                check(f"{label}: the crash on a reset is diagnosed as such",
                      "crash-on-reset" in [d["id"] for d in report["diagnoses"]],
                      str(report["diagnoses"]))
            check(f"{label}: JSON exit_code is the exit status", report["exit_code"] == p.returncode)
            want = expected_kinds(report)
            check(f"{label}: the summary counts every case",
                  report["summary"]["selected"] == want["tests"] == len(report["cases"]))

            tests, failed, parse_errors, prove_out = prove_counts(out["tap"])
            check(f"{label}: prove reads {want['tests']} tests, {want['not_ok']} failing",
                  (tests, failed) == (want["tests"], want["not_ok"]) and not parse_errors,
                  prove_out[-600:])
            tap = open(out["tap"]).read()
            blocks = re.findall(r"\n  ---\n(.*?)\n  \.\.\.\n", tap, re.S)
            parsed = with_diagnosis = 0
            for b in blocks:
                try:
                    d = yaml.safe_load("\n".join(line[2:] for line in b.split("\n")))
                    parsed += isinstance(d, dict) and "outcome" in d and "requirement" in d
                    with_diagnosis += isinstance(d, dict) and "diagnosis" in d
                except yaml.YAMLError:
                    pass
            check(f"{label}: PyYAML parses all {len(blocks)} YAML blocks", parsed == len(blocks))
            check(f"{label}: TAP names a diagnosis where the JSON does",
                  with_diagnosis == len(pointed), f"{with_diagnosis} vs {len(pointed)}")

            xml = junitparser.JUnitXml.fromfile(out["xml"])
            suites = list(xml)
            got = dict(tests=0, failure=0, error=0, skipped=0)
            junit_diagnoses = 0
            for s in suites:
                for case in s:
                    got["tests"] += 1
                    junit_diagnoses += any(p.name == "diagnosis" for p in case.iterchildren(
                        junitparser.Properties) for p in p)
                    for r in case.result:
                        kind = type(r).__name__.lower()
                        got[{"failure": "failure", "error": "error",
                             "skipped": "skipped"}[kind]] += 1
            check(f"{label}: junitparser counts per kind match",
                  got == {k: want[k] for k in got}, f"{got} vs {want}")
            check(f"{label}: the JUnit attributes agree with its elements",
                  len(suites) == 1 and suites[0].tests == got["tests"] and
                  suites[0].failures == got["failure"] and suites[0].errors == got["error"] and
                  suites[0].skipped == got["skipped"],
                  f"{[(s.tests, s.failures, s.errors, s.skipped) for s in suites]} vs {got}")
            check(f"{label}: JUnit names a diagnosis where the JSON does",
                  junit_diagnoses == len(pointed), f"{junit_diagnoses} vs {len(pointed)}")
            check(f"{label}: the JUnit suite is named after the run",
                  suites and suites[0].name == f"student-{label}")
            text = open(out["txt"]).read()
            verdict = re.findall(r"^result: (\w+)", text, re.M)
            want_word = {0: "PASS", 1: "FAIL", 3: "NOT"}[want_rc]
            check(f"{label}: the text report ends with result: {want_word}",
                  verdict[-1:] == [want_word], text[-300:])
            if label == "never-starts":
                check("never-starts: every case is not run, an error to JUnit",
                      all(c["not_run"] and c["failed"] for c in report["cases"]) and
                      got["error"] == got["tests"])

        catalogue = json.loads(subprocess.check_output(
            [args.wirecheck, "list", "--format", "json"], text=True))
        try:
            jsonschema.validate(catalogue, catalogue_schema,
                                cls=jsonschema.Draft202012Validator)
            check("list: the catalogue validates against catalogue.schema.json", True)
        except jsonschema.ValidationError as e:
            check("list: the catalogue validates against catalogue.schema.json", False, e.message)
        check("list: keywords are lists", all(isinstance(c["keywords"], list) for c in catalogue))

    print(f"reports.py: {len(failures)} failed" if failures else "reports.py: every check held")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
