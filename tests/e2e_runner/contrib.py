#!/usr/bin/python3
"""Checks the examples of contrib/ with their real consumers where there is one here: PyYAML
reads the workflow files, and the checks below hold them to what `wirecheck grade` needs (every
slice of the matrix graded and merged, the Classroom reporter fed by the step that grades);
bash -n reads the shell scripts. The Gradescope and Classroom glue itself runs in runner.grade.

  contrib.py CONTRIB-DIR
"""
import os
import re
import subprocess
import sys

import yaml

FAILURES = []


def check(what, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail and not ok else ""))
    if not ok:
        FAILURES.append(what)


def steps_text(job):
    return "\n".join(str(s.get("run", "")) for s in job.get("steps", []))


def main():
    root = sys.argv[1]
    gha = yaml.safe_load(open(os.path.join(root, "github-actions", "grade-class.yml")))
    shards = int(gha["env"]["SHARDS"])
    grade = gha["jobs"]["grade"]
    check("actions: the matrix has one shard per slice, 1..SHARDS",
          grade["strategy"]["matrix"]["shard"] == list(range(1, shards + 1)),
          str(grade["strategy"]["matrix"]))
    run = steps_text(grade)
    check("actions: each job grades its own slice into its own folder",
          "--shard ${{ matrix.shard }}/${{ env.SHARDS }}" in run and
          "-o grades-${{ matrix.shard }}" in run, run)
    uploads = [s for s in grade["steps"] if str(s.get("uses", "")).startswith(
        "actions/upload-artifact")]
    check("actions: each slice is uploaded", uploads and
          uploads[0]["with"]["path"] == "grades-${{ matrix.shard }}")
    check("actions: a slice with an ungradeable submission (exit 1) still uploads",
          "|| [ $? -eq 1 ]" in run, run)
    merge = gha["jobs"]["merge"]
    check("actions: merge runs even when a slice failed", merge.get("if") == "always()")
    check("actions: merge runs after every slice", merge["needs"] == "grade" or
          "grade" in merge["needs"])
    downloads = [s for s in merge["steps"] if str(s.get("uses", "")).startswith(
        "actions/download-artifact")]
    check("actions: merge downloads the slices and merges them",
          downloads and downloads[0]["with"]["pattern"] == "grades-*" and
          "wirecheck grade merge grades-* -o grades" in steps_text(merge))
    check("actions: wirecheck runs as root (its sandbox needs it)",
          re.search(r"sudo wirecheck grade ", run) is not None)

    gl = yaml.safe_load(open(os.path.join(root, "gitlab", ".gitlab-ci.yml")))
    check("gitlab: grade before merge", gl["stages"] == ["grade", "merge"])
    g = gl["grade"]
    script = "\n".join(g["script"])
    check("gitlab: parallel jobs each grade their slice",
          isinstance(g["parallel"], int) and g["parallel"] > 1 and
          "--shard $CI_NODE_INDEX/$CI_NODE_TOTAL" in script and
          "-o grades-$CI_NODE_INDEX" in script, script)
    check("gitlab: each slice is kept, also when it exits 1",
          g["artifacts"]["paths"] == ["grades-$CI_NODE_INDEX"] and
          g["artifacts"].get("when") == "always" and
          g.get("allow_failure", {}).get("exit_codes") in (1, [1]))
    m = gl["merge"]
    check("gitlab: merge needs the slices and merges them", m["needs"] == ["grade"] and
          "wirecheck grade merge grades-* -o grades" in "\n".join(m["script"]))
    check("gitlab: the anchor builds wirecheck for both",
          "cmake --build build" in "\n".join(g["before_script"]) and
          g["before_script"] == m["before_script"])

    cl = yaml.safe_load(open(os.path.join(root, "github-classroom", "classroom.yml")))
    job = cl["jobs"]["wirecheck"]
    steps = {s.get("id"): s for s in job["steps"] if s.get("id")}
    reporter = [s for s in job["steps"] if str(s.get("uses", "")).startswith(
        "classroom-resources/autograding-grading-reporter")]
    check("classroom: a grading step with an id and a result output",
          "wirecheck" in steps and "classroom-result.py" in steps["wirecheck"]["run"] and
          "GITHUB_OUTPUT" in steps["wirecheck"]["run"])
    # The reporter reads <RUNNER>_RESULTS for each name of its runners input.
    check("classroom: the reporter reads the grading step's result",
          reporter and reporter[0]["with"]["runners"] == "wirecheck" and
          reporter[0]["env"]["WIRECHECK_RESULTS"] == "${{ steps.wirecheck.outputs.result }}",
          str(reporter))
    grade_cmd = [line for line in steps["wirecheck"]["run"].splitlines()
                 if "wirecheck grade " in line]
    check("classroom: the grading file is the course's, not from the student's repository",
          grade_cmd and not re.search(r"grade\s+submission/", grade_cmd[0]) and
          "wirecheck/conformance/grading/" in grade_cmd[0], str(grade_cmd))
    check("classroom: it runs on push", "push" in cl[True] if True in cl else "push" in cl["on"])

    for script in ("gradescope/setup.sh", "gradescope/run_autograder"):
        p = subprocess.run(["bash", "-n", os.path.join(root, script)], capture_output=True,
                           text=True)
        check(f"{script}: bash reads it", p.returncode == 0, p.stderr)
        check(f"{script}: executable", os.access(os.path.join(root, script), os.X_OK))
    print(f"contrib.py: {len(FAILURES)} failed" if FAILURES else "contrib.py: every check held")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
