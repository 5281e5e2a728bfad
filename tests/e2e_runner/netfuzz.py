#!/usr/bin/python3
"""The short, deterministic form of `wirecheck fuzz` (fixed seed and runs). Against every faulty
server and client of tests/faulty whose defect one exchange can show, it finds the defect: exit
1, a finding confirmed by a replay, its case file accepted by `wirecheck lint FILE`, failing the
faulty program and passing the reference under `wirecheck run SUITE --case-file FILE`, shrunk
(never larger than the first exchange), with a transcript of both. Against the seven reference
programs it finds nothing. -j 2 merges its workers' findings; --corpus DIR is read back by the
next run. The JSON summary is read with Python's json. Exit 0 or 1.

  netfuzz.py --wirecheck W --programs DIR --faulty DIR --conformance DIR [--long]

--long is the long form (scripts/netfuzz-long.sh): --time 60 per faulty program instead of a
fixed number of runs, and 120 s against each reference.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

FAILURES = []

# suite, faulty program, runs (short form). Not here, and why: echo-cap-4mib gives up on 4 MiB
# messages (an exchange holds at most 2048 bytes); echo-pool-4 serves 4 clients at once, which
# shows only while five are held open and the fifth is checked (cloned connections make such
# exchanges, but whether the difference replays is up to timing); echo-client-refused-0 exits 0
# when nothing listens (the fuzzer always listens). Their own faulty.* tests cover them.
# echo-quit is in the long form only: it hangs up on a "quit" line only when that line comes in
# a read() of its own, which is up to the kernel, so whether an exchange shows it is chance.
LONG_ONLY = [("tcp-echo", "echo-quit", 0)]
FAULTY = [
    ("tcp-echo-threaded", "echo-serial", 300),
    ("tcp-echo", "echo-drop-last", 300),
    ("tcp-echo", "echo-strlen", 300),
    ("tcp-echo", "echo-lines", 300),
    ("tcp-echo", "echo-no-close", 30),
    ("tcp-echo", "echo-leak-fd", 150),
    ("tcp-echo", "echo-crash-on-reset", 300),
    ("tcp-echo", "echo-crash-after", 100),
    ("tcp-echo", "echo-double", 300),
    ("tcp-echo", "echo-upper", 300),
    ("tcp-echo", "echo-wait-eof", 300),
    ("sensor", "sensor-strict", 300),
    ("sensor", "sensor-no-humidity", 300),
    ("sensor", "sensor-per-read", 300),
    ("sensor", "sensor-no-error", 300),
    ("sensor", "sensor-ack-2dp", 300),
    ("sensor", "sensor-close-on-error", 300),
    ("sensor", "sensor-crash-utf8", 300),
    ("udp-echo", "udp-duplicate", 2000),
    ("udp-echo", "udp-other-port", 2000),
    ("udp-echo", "udp-truncate-512", 2000),
    ("udp-echo", "udp-skip-empty", 2000),
    ("tcp-echo-client", "echo-client-one-read", 20),
    ("sensor-client", "sensor-client-no-nl", 20),
    ("sensor-client", "sensor-client-hangs", 60),
    ("sensor-client", "sensor-client-string", 20),
    ("udp-echo-client", "udp-client-any-sender", 20),
]

# Programs whose defect also shows over many exchanges: descriptors that keep growing, or a
# server that a past input left unable to serve the suite's liveness probe.
GROWS = {"echo-leak-fd": "resource:fds", "echo-no-close": "liveness"}

REFERENCES = [
    ("tcp-echo", "echo-server", 100), ("tcp-echo-threaded", "echo-server-threaded", 100),
    ("udp-echo", "udp-echo-server", 60), ("sensor", "sensor-server", 100),
    ("tcp-echo-client", "echo-client", 15), ("udp-echo-client", "udp-echo-client", 15),
    ("sensor-client", "sensor-client", 15),
]


def check(what, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail and not ok else ""))
    if not ok:
        FAILURES.append(what)


def command(directory, prog, suite):
    # Clients wait 300 ms for a reply (a mutated one often never ends its line): both the
    # faulty and the reference client, so that their timeouts agree.
    if suite == "udp-echo-client":
        return f"{directory}/{prog} --connect {{addr}} --timeout 300 --retries 1"
    if suite.endswith("-client"):
        return f"{directory}/{prog} --connect {{addr}} --timeout 300"
    return f"{directory}/{prog} --listen {{addr}}"


def wirecheck(args, *argv, timeout=900):
    return subprocess.run([args.wirecheck, "--conformance", args.conformance, *argv],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


def fuzz(args, suite, cmd, findings, budget, *extra):
    ref = ["--reference", command(args.programs, reference_of(suite), suite)]
    p = wirecheck(args, "fuzz", suite, "--exec", cmd, *ref, *budget, "--seed", "1", "--shrink", "10",
                  "--timeout-scale", "2", "--findings", findings, "--format", "json", *extra)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError:
        return p.returncode, None, p.stdout + p.stderr


def check_finding(args, suite, prog, f):
    """The case file of a confirmed finding: lint, run against the faulty program and the
    reference, shrunk, with its transcript."""
    case = f["case_file"]
    p = wirecheck(args, "lint", case)
    check(f"{prog}: wirecheck lint accepts {os.path.basename(case)}",
          p.returncode == 0 and ": ok (" in p.stdout, p.stdout + p.stderr)
    faulty = command(args.faulty, "faulty-" + prog, suite)
    # --strict: a finding may cite a SHOULD requirement (a serial server), a warning otherwise.
    p = wirecheck(args, "run", suite, "--case-file", case, "--exec", faulty, "--timeout-scale",
                  "2", "--strict", "--format", "json")
    report = json.loads(p.stdout) if p.stdout.startswith("{") else {}
    ran = [c["id"] for c in report.get("cases", [])]
    check(f"{prog}: run --case-file fails the faulty program (and runs only that case)",
          p.returncode == 1 and len(ran) == 1, f"exit {p.returncode}, cases {ran}")
    ref = command(args.programs, reference_of(suite), suite)
    p = wirecheck(args, "run", suite, "--case-file", case, "--exec", ref, "--timeout-scale", "2",
                  "--format", "json")
    check(f"{prog}: run --case-file passes the reference", p.returncode == 0,
          p.stdout[-600:] + p.stderr[-300:])
    check(f"{prog}: shrunk, never larger than the first exchange",
          f["steps"] <= f["steps_first"] and f["bytes"] <= f["bytes_first"], str(f))
    text = open(f["transcript"]).read() if f["transcript"] else ""
    check(f"{prog}: the transcript holds the first and the shrunk exchange",
          "## the first exchange" in text and "## the shrunk exchange" in text and
          "## what the program under test sent back" in text, text[:300])


def reference_of(suite):
    return dict((s, p) for s, p, _ in REFERENCES)[suite]


def main():
    ap = argparse.ArgumentParser()
    for a in ("--wirecheck", "--programs", "--faulty", "--conformance"):
        ap.add_argument(a, required=True)
    ap.add_argument("--long", action="store_true")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="wirecheck-netfuzz-")
    os.chmod(tmp, 0o755)
    try:
        for suite, prog, runs in FAULTY + (LONG_ONLY if args.long else []):
            budget = ["--time", "60", "--runs", "10000000"] if args.long else ["--runs", str(runs)]
            if not args.long and prog not in GROWS:
                budget += ["--max-findings", "1"]  # the first is what this checks
            rc, out, err = fuzz(args, suite, command(args.faulty, "faulty-" + prog, suite),
                                os.path.join(tmp, prog), budget)
            found = (out or {}).get("findings", [])
            good = [f for f in found if f["verified"] and f["case_file"]]
            first = good[0]["first_seen_exchange"] if good else None
            check(f"{prog} ({suite}): exit 1 with a finding confirmed by a replay "
                  f"(after {first} of at most {runs} exchanges)",
                  rc == 1 and good,
                  f"exit {rc}: {(out or {}).get('exchanges')} exchanges, "
                  f"{(out or {}).get('unconfirmed')} did not replay: {found} {err[-400:]}")
            if good:
                check_finding(args, suite, prog, good[0])
            if prog in GROWS:
                check(f"{prog}: {GROWS[prog]} is a finding of its own",
                      GROWS[prog] in [f["signature"] for f in found], str(found))
        for suite, prog, runs in REFERENCES:
            budget = ["--time", "120", "--runs", "10000000"] if args.long else ["--runs", str(runs)]
            rc, out, err = fuzz(args, suite, command(args.programs, prog, suite),
                                os.path.join(tmp, "ref-" + prog), budget)
            check(f"the reference {prog} against itself: exit 0, no finding",
                  rc == 0 and out is not None and out["findings"] == [] and
                  (args.long or out["exchanges"] == runs), f"exit {rc}: {out} {err[-300:]}")
        if args.long:
            return 1 if FAILURES else 0
        # -j 2: two workers, their findings merged and renumbered, nothing of theirs left.
        findings = os.path.join(tmp, "jobs")
        rc, out, err = fuzz(args, "sensor", command(args.faulty, "faulty-sensor-ack-2dp", "sensor"),
                            findings, ["--runs", "40"], "-j", "2")
        cases = sorted(n for n in os.listdir(findings) if n.endswith(".case")) if out else []
        check("-j 2: every exchange played, findings numbered from 900, no worker folder left",
              rc == 1 and out["exchanges"] == 40 and cases and cases[0].startswith("900-") and
              not [n for n in os.listdir(findings) if n.startswith(".worker")],
              f"exit {rc}: {out} {cases} {err[-300:]}")
        rc, out, err = fuzz(args, "sensor", command(args.programs, "sensor-server", "sensor"),
                            os.path.join(tmp, "jobs-ref"), ["--runs", "60"], "-j", "2")
        check("-j 2 against the reference: no finding, every exchange played",
              rc == 0 and out and out["findings"] == [] and out["exchanges"] == 60,
              f"exit {rc}: {out} {err[-300:]}")
        # --corpus: what one run adds, the next one reads.
        corpus = os.path.join(tmp, "corpus")
        rc, out, err = fuzz(args, "sensor", command(args.programs, "sensor-server", "sensor"),
                            os.path.join(tmp, "c1"), ["--runs", "60"], "--corpus", corpus)
        saved = [n for n in os.listdir(corpus) if n.endswith(".case")] if out else []
        check("--corpus: the inputs that made the reference do something new are saved",
              rc == 0 and saved and out["corpus_loaded"] == 0, f"exit {rc}: {out} {err[-300:]}")
        rc, out, err = fuzz(args, "sensor", command(args.programs, "sensor-server", "sensor"),
                            os.path.join(tmp, "c2"), ["--runs", "20"], "--corpus", corpus)
        check("--corpus: the next run starts from them",
              rc == 0 and out and out["corpus_loaded"] == len(saved),
              f"exit {rc}: {out} saved {len(saved)} {err[-300:]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"netfuzz.py: {len(FAILURES)} failed" if FAILURES else "netfuzz.py: every check held")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
