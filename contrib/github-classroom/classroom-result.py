#!/usr/bin/env python3
"""Turns the results.json of `wirecheck grade` (Gradescope's format) into what GitHub
Classroom's grading reporter reads from a runner: base64 of {"version", "status", "max_score",
"tests": [{"name", "status", "score", "message"}]}, printed on one line for $GITHUB_OUTPUT.

  classroom-result.py grades/NAME/results.json
"""
import base64
import json
import sys


def convert(results):
    tests = [{"name": t["name"], "status": "pass" if t.get("status") == "passed" else "fail",
              "score": t["score"], "message": t.get("output", "")[:2000]}
             for t in results.get("tests", [])]
    passed = all(t["status"] == "pass" for t in tests)
    return {"version": 1, "status": "pass" if passed else "fail",
            "max_score": results.get("max_score", sum(t.get("max_score", 0)
                                                      for t in results.get("tests", []))),
            "tests": tests}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        results = json.load(f)
    print(base64.b64encode(json.dumps(convert(results)).encode()).decode())


if __name__ == "__main__":
    main()
