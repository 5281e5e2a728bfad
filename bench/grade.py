#!/usr/bin/python3
"""The figures of bench/grade.sh: one class, graded from scratch with -j 1 and with -j 2."""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "e2e_runner"))
import grade  # noqa: E402  (the class of runner.grade)


def main():
    ap = argparse.ArgumentParser()
    for a in ("--wirecheck", "--programs", "--faulty", "--conformance"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/grade.sh: the sandbox needs root")
    tmp = tempfile.mkdtemp(prefix="wirecheck-bench-grade-")
    os.chmod(tmp, 0o755)
    try:
        args.grading = os.path.join(tmp, "class.grade")
        with open(args.grading, "w") as f:
            f.write(grade.GRADING)
        root = os.path.join(tmp, "class")
        names = grade.make_class(root, os.path.abspath(args.programs),
                                 os.path.abspath(args.faulty))
        subs = [os.path.join(root, n) for n in names]
        secs = {}
        for jobs in (1, 2):
            rc, s, err = grade.grade(args, os.path.join(tmp, f"out-j{jobs}"), subs, jobs,
                                     ("--force",))
            if rc != 0:
                sys.exit(f"bench/grade.sh: -j {jobs} exited {rc}: {err[-800:]}")
            secs[jobs] = s
            print(f"  -j {jobs}: {len(subs)} submissions in {s:6.1f} s, "
                  f"{60 * len(subs) / s:5.1f} submissions/min")
        print(f"speed-up of -j 2 over -j 1 (the baseline): {secs[1] / secs[2]:.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
