#!/usr/bin/python3
"""End-to-end test of `wirecheck grade`: a class of 13 submissions made of the repository's
reference and faulty programs (each wrapped as a submission folder whose programs use the
chapter's hard-coded ports, built by a Makefile in the sandbox), graded with -j 2.

Checks: every score is what its defects predict (the reference full marks; a faulty program
loses points on its defect's requirement and only in its own part; a failed, hanging or missing
build, a missing folder and a program that never starts score 0 for their parts, shown as not
run); results.json has Gradescope's fields and adds up; grades.csv parses and agrees; index.html
loads in headless Chromium without errors, one row per submission, its links lead to files;
re-grading changes nothing and runs nothing; --shard 1/2 and 2/2 with -j 1, merged, give the
same grades as -j 2; no process of the class's uids is left. Exit 0, 1, or 77 when this machine
cannot sandbox (the ports would collide).

  grade.py --wirecheck W --programs DIR --faulty DIR --conformance DIR [--keep DIR]
"""
import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chromium  # noqa: E402

FAILURES = []


def check(what, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail and not ok else ""))
    if not ok:
        FAILURES.append(what)


GRADING = """\
# The test class: two servers and a client, core cases, the chapter's ports.
title: The test class
build-time: 15
time: 120
points: MUST core 3
points: SHOULD * 1

part: tcp-server
suite: tcp-echo-threaded
dir: tcp
run: ./server
levels: core

part: tcp-client
suite: tcp-echo-client
dir: tcp
run: ./client
levels: core

part: json-server
suite: sensor
dir: json
run: ./server
levels: core
accept: SEN-12 the log lines are not asked for here
"""

# Gradescope's results.json, as its specification documents it (the fields wirecheck writes).
GRADESCOPE_SCHEMA = {
    "type": "object",
    "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number"},
        "max_score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "stdout_visibility": {"enum": ["hidden", "after_due_date", "after_published",
                                       "visible"]},
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["score", "max_score", "name"],
            "properties": {
                "score": {"type": "number"}, "max_score": {"type": "number"},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string"}, "number": {"type": "string"},
                "output": {"type": "string"},
                "visibility": {"enum": ["hidden", "after_due_date", "after_published",
                                        "visible"]}}}}}}


def make_class(root, programs, faulty, out="/nonexistent"):
    """The submissions: name -> (tcp server, tcp client, json server) programs, or a special."""
    ref = (f"{programs}/echo-server-threaded", f"{programs}/echo-client",
           f"{programs}/sensor-server")
    subs = {
        "alice-ref": ref,
        "bob-serial": (f"{faulty}/faulty-echo-serial", ref[1], ref[2]),
        "carol-2dp": (ref[0], ref[1], f"{faulty}/faulty-sensor-ack-2dp"),
        "dave-noerror": (ref[0], ref[1], f"{faulty}/faulty-sensor-no-error"),
        "erin-humidity": (ref[0], ref[1], f"{faulty}/faulty-sensor-no-humidity"),
        "frank-droplast": (f"{faulty}/faulty-echo-drop-last", ref[1], ref[2]),
        "grace-exit0": (ref[0], f"{faulty}/faulty-echo-client-refused-0", ref[2]),
        "heidi-buildfail": ref,
        "ivan-nojson": ref,
        "judy-neverstarts": (ref[0], ref[1], "/bin/false"),
        "mallory-hangs": ref,
        "sybil-snoops": ref,
        "zoe-ref": ref,
    }
    real_mk = ("all: server client\nserver:\n\tprintf '#!/bin/sh\\nexec ./server-bin --listen "
               "127.0.0.1:7878\\n' > server && chmod 755 server\nclient:\n\tprintf "
               "'#!/bin/sh\\nexec ./client-bin --connect 127.0.0.1:7878 --timeout 1000\\n' > "
               "client && chmod 755 client\n")
    for name, (srv, cli, sensor) in subs.items():
        d = os.path.join(root, name)
        os.makedirs(os.path.join(d, "tcp"))
        # The programs travel with the submission, as a student's binaries would: the sandbox
        # shows a build and a run nothing of this machine's /tmp but the submission's copy.
        for prog, folder, as_name in ((srv, "tcp", "server-bin"), (cli, "tcp", "client-bin"),
                                      (sensor, "json", "server-bin")):
            if folder == "json" and name == "ivan-nojson":
                continue
            os.makedirs(os.path.join(d, folder), exist_ok=True)
            if prog.startswith("/bin/"):
                os.symlink(prog, os.path.join(d, folder, as_name))
            else:
                shutil.copy(prog, os.path.join(d, folder, as_name))
        # The build writes the programs: a Makefile run in the sandbox, as the build's uid.
        if name == "heidi-buildfail":
            mk = "all:\n\t@echo 'server.c:1: error: expected declaration' >&2; exit 1\n"
        elif name == "mallory-hangs":
            mk = "all:\n\tsleep 1000\n"
        elif name == "sybil-snoops":
            # Builds only where it sees neither the class nor a network but loopback.
            mk = (f"all:\n\ttest ! -e {root}/alice-ref\n\ttest ! -e {out}/alice-ref\n"
                  f"\ttest \"$$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ')\" = lo\n"
                  f"\t$(MAKE) -f Makefile.real\n")
            with open(os.path.join(d, "tcp", "Makefile.real"), "w") as f:
                f.write(real_mk)
        else:
            mk = real_mk
        with open(os.path.join(d, "tcp", "Makefile"), "w") as f:
            f.write(mk)
        if name != "ivan-nojson":
            # The snooper's server starts only where it cannot see the class either.
            guard = (f"[ -e {root}/alice-ref ] && exit 9\n[ -e {out}/alice-ref ] && exit 9\n"
                     if name == "sybil-snoops" else "")
            with open(os.path.join(d, "json", "server"), "w") as f:
                f.write(f"#!/bin/sh\n{guard}exec ./server-bin --listen 127.0.0.1:1234\n")
            os.chmod(os.path.join(d, "json", "server"), 0o755)
    for dirpath, dirs, files in os.walk(root):
        os.chmod(dirpath, 0o755)
    return sorted(subs)


def grade(args, out, subs, jobs, extra=(), uid=None, quiet=True):
    cmd = [args.wirecheck, "--conformance", args.conformance, "grade", args.grading, *subs,
           "-j", str(jobs), "-o", out, "--sandbox", "require", *extra]
    if quiet:
        cmd.append("--quiet")
    if uid:
        cmd += ["--sandbox-uid", str(uid)]
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       errors="replace", timeout=1200)
    return p.returncode, time.monotonic() - t0, p.stderr


def grades(out):
    rows = {}
    with open(os.path.join(out, "grades.csv"), newline="") as f:
        for row in csv.DictReader(f):
            rows[row["submission"]] = row
    return rows


def leftover(base, span):
    procs = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        if line.startswith("Uid:") and base <= int(line.split()[1]) < base + span:
                            procs.append(pid)
            except OSError:
                pass
    return procs


def check_scores(out, names, defects):
    for name in names:
        g = json.load(open(os.path.join(out, name, "grade.json")))
        parts = {p["name"]: p for p in g["parts"]}
        lost = {(p["name"], r["id"]) for p in g["parts"] for r in p["requirements"]
                if r["points"] < r["max"]}
        want = defects.get(name)
        if name.endswith("-ref") or want is None:  # the snooper too: it only looks
            check(f"{name}: full marks", g["points"] == g["max"] > 0 and not lost,
                  f"{g['points']} of {g['max']}, lost {sorted(lost)}")
        elif isinstance(want, tuple):
            part, req = want
            check(f"{name}: loses points on {req} of {part}, and only in {part}",
                  (part, req) in lost and all(p == part for p, _ in lost), str(sorted(lost)))
        else:
            part, status = want.split(":")
            p = parts[part]
            check(f"{name}: {part} is '{status}', 0 points, its tests say why",
                  p["status"] == status and p["points"] == 0 and p["why"],
                  f"{p['status']} {p['points']} {p['why'][:200]}")
            others = {q for q, _ in lost} - {part} - (
                {"tcp-client"} if part == "tcp-server" else set())
            check(f"{name}: the other parts are full marks", not others, str(sorted(lost)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wirecheck", required=True)
    ap.add_argument("--programs", required=True)
    ap.add_argument("--faulty", required=True)
    ap.add_argument("--conformance", required=True)
    ap.add_argument("--contrib", help="contrib/: runs its Gradescope and Classroom glue too")
    ap.add_argument("--keep")
    args = ap.parse_args()
    if os.geteuid() != 0 or not shutil.which("bwrap"):
        print("grade.py: the class needs the sandbox (root, bubblewrap): skipped")
        return 77
    tmp = tempfile.mkdtemp(prefix="wirecheck-grade-")
    os.chmod(tmp, 0o755)
    try:
        return run(args, tmp)
    finally:
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(tmp, args.keep, symlinks=True)
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp):
    args.grading = os.path.join(tmp, "class.grade")
    with open(args.grading, "w") as f:
        f.write(GRADING)
    root = os.path.join(tmp, "class")
    out = os.path.join(tmp, "out")
    names = make_class(root, os.path.abspath(args.programs), os.path.abspath(args.faulty), out)
    subs = [os.path.join(root, n) for n in names]
    base = 0x50000000 + random.randrange(1024) * 8192
    rc, secs, err = grade(args, out, subs, 2, uid=base)
    check("grade -j 2: exit 0 (every submission graded)", rc == 0, f"exit {rc}: {err[-1500:]}")
    print(f"     ({len(subs)} submissions in {secs:.1f} s)")
    check("no process of the class's uids is left", not leftover(base, 1024 * 4),
          str(leftover(base, 1024 * 4)))
    defects = {
        "bob-serial": ("tcp-server", "THR-1"),
        "carol-2dp": ("json-server", "SEN-4"),
        "dave-noerror": ("json-server", "SEN-5"),
        "erin-humidity": ("json-server", "SEN-6"),
        "frank-droplast": ("tcp-server", "ECHO-1"),
        "grace-exit0": ("tcp-client", "TCLI-4"),
        "heidi-buildfail": "tcp-server:build failed",
        "ivan-nojson": "json-server:missing",
        "judy-neverstarts": "json-server:not started",
        "mallory-hangs": "tcp-server:build failed",
    }
    check_scores(out, names, defects)
    heidi = json.load(open(os.path.join(out, "heidi-buildfail", "grade.json")))
    check("a failed build's tests show the end of its log",
          "expected declaration" in heidi["parts"][0]["why"], heidi["parts"][0]["why"][:300])
    check("the failed build's log is kept",
          "expected declaration" in open(os.path.join(out, "heidi-buildfail",
                                                      "build-tcp.log")).read())
    mallory = json.load(open(os.path.join(out, "mallory-hangs", "grade.json")))
    check("a hanging build is stopped at build-time", "longer than 15 s" in
          mallory["parts"][0]["why"], mallory["parts"][0]["why"][:300])

    # results.json: Gradescope's fields, its tests named by SPEC id and title, sums that add up.
    for name in names:
        r = json.load(open(os.path.join(out, name, "results.json")))
        try:
            jsonschema.validate(r, GRADESCOPE_SCHEMA)
            valid = True
        except jsonschema.ValidationError as e:
            valid = str(e)[:300]
        check(f"{name}: results.json has Gradescope's fields", valid is True, str(valid))
        total = round(sum(t["score"] for t in r["tests"]), 2)
        check(f"{name}: its tests add up to its score", abs(total - r["score"]) < 0.011,
              f"{total} vs {r['score']}")
    carol = json.load(open(os.path.join(out, "carol-2dp", "results.json")))
    sen4 = [t for t in carol["tests"] if t["name"].startswith("json-server: SEN-4 ")]
    check("a test is named PART: ID and the SPEC's title",
          sen4 and sen4[0]["name"] == "json-server: SEN-4 The temperature is printed as Rust "
          "prints an f32", str([t["name"] for t in carol["tests"]][:5]))
    check("a failing test says which cases failed and how to rerun them",
          sen4 and "sensor.013" in sen4[0]["output"] and "rerun: wirecheck run sensor"
          in sen4[0]["output"], sen4[0]["output"][:400] if sen4 else "")
    sen12 = [t for t in carol["tests"] if t["name"].startswith("json-server: SEN-12 ")]
    check("an accepted requirement earns its points and says why",
          sen12 and sen12[0]["score"] == sen12[0]["max_score"] and
          "not asked for" in sen12[0]["output"], str(sen12)[:300])
    judy = json.load(open(os.path.join(out, "judy-neverstarts", "results.json")))
    jsen = [t for t in judy["tests"] if t["name"].startswith("json-server: ")]
    check("a part that never started: every test 0, 'not run', never passed",
          jsen and all(t["score"] == 0 and t["status"] == "failed" and "not run" in
                       t["output"].lower() for t in jsen), str(jsen[:1])[:300])

    # grades.csv against the grade.json files; JUnit and per-part reports are there.
    rows = grades(out)
    check("grades.csv has one row per submission", sorted(rows) == names, str(sorted(rows)))
    for name in names:
        g = json.load(open(os.path.join(out, name, "grade.json")))
        check(f"{name}: grades.csv's total is grade.json's",
              abs(float(rows[name]["total"]) - g["points"]) < 0.011)
    check("per requirement columns in grades.csv", "json-server SEN-4" in rows[names[0]])
    check("each part's JUnit names the submission",
          'name="carol-2dp/json-server"' in open(os.path.join(out, "carol-2dp",
                                                              "json-server.xml")).read())

    # index.html in headless Chromium.
    if chromium.find():
        try:
            with chromium.Browser() as browser:
                page = browser.new_page(width=1400, height=900)
                page.goto(chromium.file_url(os.path.join(out, "index.html")))
                n = page.evaluate("document.querySelectorAll('#matrix tbody tr.sub').length")
                check("index.html: one matrix row per submission", n == len(names), str(n))
                links = page.evaluate("Array.from(document.querySelectorAll('#matrix a'))"
                                      ".map(a => a.getAttribute('href'))")
                missing = [h for h in links if not os.path.exists(
                    os.path.join(out, h.split("#")[0]))]
                check("index.html: every cell links to a file that exists", links and
                      not missing, str(missing[:5]))
                common = page.evaluate("document.querySelectorAll('#common-failures tbody tr')"
                                       ".length")
                check("index.html: a most-common-failures table", common >= 5, str(common))
                # Sorting by the total puts the full marks first after two clicks.
                page.evaluate("document.querySelector('#matrix th[data-col=\"1\"]').click();"
                              "document.querySelector('#matrix th[data-col=\"1\"]').click()")
                top = page.evaluate("document.querySelector('#matrix tbody tr').cells[0]"
                                    ".dataset.v")
                check("index.html: a column sorts (by total, best first)",
                      top in ("alice-ref", "zoe-ref"), str(top))
                png = page.screenshot(os.path.join(tmp, "index.png"))
                w, h = chromium.png_size(png)
                check("index.html: a screenshot is made", w > 0 and h > 0, f"{w}x{h}")
                check("index.html: no console errors", not page.errors, str(page.errors))
        except chromium.Error as e:
            check("index.html opens in headless Chromium", False, str(e))
    else:
        check("chromium is installed (scripts/setup.sh)", False)

    # Again, unchanged: nothing runs; the same grades. Then one file changes: that one alone.
    before = grades(out)
    rc, secs2, err = grade(args, out, subs, 2, uid=base, quiet=False)
    check("a second grade with nothing changed: exit 0, the same grades",
          rc == 0 and grades(out) == before, err[-600:])
    unchanged = [n for n in names if f"] {n}: " in err and
                 "unchanged since the last grade" in err.split(f"] {n}: ")[1].split("\n")[0]]
    check("... and every submission was unchanged, none graded again",
          sorted(unchanged) == names, err[-800:])
    with open(os.path.join(root, "bob-serial", "json", "server"), "a") as f:
        f.write("# changed\n")
    rc, _, err = grade(args, out, subs, 2, uid=base, quiet=False)
    again = [n for n in names if f"] {n}: " in err and
             "unchanged" not in err.split(f"] {n}: ")[1].split("\n")[0]]
    check("a changed file: that submission alone is graded again", again == ["bob-serial"],
          err[-800:])

    # Four submissions again from scratch, -j 1 in two shards, merged: the same grades.
    few = [s for s in subs if os.path.basename(s) in
           ("alice-ref", "bob-serial", "carol-2dp", "judy-neverstarts")]
    outs = []
    for k in (1, 2):
        o = os.path.join(tmp, f"shard{k}")
        rc, _, err = grade(args, o, few, 1, ("--shard", f"{k}/2"), uid=base)
        check(f"--shard {k}/2 -j 1: exit 0", rc == 0, err[-600:])
        outs.append(o)
    shard_rows = [grades(o) for o in outs]
    check("the shards split the submissions, two each",
          sorted(len(r) for r in shard_rows) == [2, 2] and
          not set(shard_rows[0]) & set(shard_rows[1]), str(shard_rows))
    merged = os.path.join(tmp, "merged")
    p = subprocess.run([args.wirecheck, "grade", "merge", *outs, "-o", merged],
                       capture_output=True, text=True)
    check("grade merge: exit 0", p.returncode == 0, p.stderr[-600:])
    m = grades(merged)
    same = all(m[n]["total"] == before[n]["total"] and
               [m[n][k] for k in m[n] if k not in ("seconds",)] ==
               [before[n][k] for k in before[n] if k not in ("seconds",)]
               for n in m) and len(m) == 4
    check("-j 1 in two shards, merged, grades as -j 2 did", same,
          str({n: (m[n]["total"], before[n]["total"]) for n in m}))
    p = subprocess.run([args.wirecheck, "grade", "merge", outs[0], "-o", outs[0]],
                       capture_output=True, text=True)
    check("grade merge into one of its inputs is refused, and loses nothing",
          p.returncode == 2 and len(grades(outs[0])) == 2 and
          all(os.path.exists(os.path.join(outs[0], n, "grade.json")) for n in grades(outs[0])),
          p.stderr[-300:])
    check("the merged folder has each submission's reports",
          all(os.path.exists(os.path.join(merged, n, "results.json")) for n in m))
    if args.contrib:
        contrib(args, tmp, out, subs)
    print(f"grade.py: {len(FAILURES)} failed" if FAILURES else "grade.py: every check held")
    return 1 if FAILURES else 0


def contrib(args, tmp, out, subs):
    """contrib/'s glue on real grades: GitHub Classroom's reporter format, and Gradescope's
    run_autograder on an /autograder laid out as Gradescope does."""
    import base64
    p = subprocess.run(["/usr/bin/python3", os.path.join(args.contrib, "github-classroom",
                        "classroom-result.py"), os.path.join(out, "carol-2dp", "results.json")],
                       capture_output=True, text=True)
    try:
        r = json.loads(base64.b64decode(p.stdout.strip()))
        g = json.load(open(os.path.join(out, "carol-2dp", "results.json")))
        ok = (r["max_score"] == g["max_score"] and r["status"] == "fail" and
              abs(sum(t["score"] for t in r["tests"]) - g["score"]) < 0.011 and
              all(t["status"] in ("pass", "fail") for t in r["tests"]))
    except (ValueError, KeyError) as e:
        ok, r = False, str(e)
    check("classroom-result.py: the reporter's format, the same points", ok, str(r)[:300])

    ag = os.path.join(tmp, "autograder")
    os.makedirs(os.path.join(ag, "source"))
    shutil.copy(args.grading, os.path.join(ag, "source", "grading.grade"))
    shutil.copytree([s for s in subs if s.endswith("alice-ref")][0],
                    os.path.join(ag, "submission"), symlinks=True)
    env = dict(os.environ, AUTOGRADER=ag,
               WIRECHECK=f"{args.wirecheck}")
    env["WIRECHECK_CONFORMANCE"] = os.path.abspath(args.conformance)
    p = subprocess.run([os.path.join(args.contrib, "gradescope", "run_autograder")], env=env,
                       capture_output=True, text=True, timeout=600)
    try:
        r = json.load(open(os.path.join(ag, "results", "results.json")))
        jsonschema.validate(r, GRADESCOPE_SCHEMA)
        ok = r["score"] == r["max_score"] > 0
    except (OSError, ValueError, jsonschema.ValidationError) as e:
        ok, r = False, str(e)
    check("gradescope/run_autograder: results.json in /autograder/results, full marks for the "
          "reference", ok, f"{str(r)[:300]} {p.stderr[-400:]}")


if __name__ == "__main__":
    sys.exit(main())
