#!/usr/bin/python3
"""The HTML report of `wirecheck run` (--format html, --report html:FILE) as a browser shows
it: headless Chromium (chromium.py) opens the page of a failing run with a diagnosis, a
passing run, a client suite and a hostile target whose every byte is markup, and checks it
against the run's JSON report: no console error or exception, a section per case, the
diagnoses, the failing step marked in the diagram, nothing of the target's executed, filters
that hide what they should (and every case shown without JavaScript, filters gone in print),
and a real PNG screenshot.

  html_report.py --wirecheck W --programs DIR --faulty DIR --conformance DIR [--scale X]
                 [--keep DIR]

Exit 0 when every check holds, 1 otherwise, 77 (skipped) when no Chromium is installed.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chromium  # noqa: E402

failures = []

# Answers every connection with markup meant to run, then closes; prints some too.
HOSTILE = r'''#!/usr/bin/python3
import socket, sys
host, port = sys.argv[sys.argv.index("--listen") + 1].rsplit(":", 1)
host = host.strip("[]")
s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, int(port)))
s.listen(16)
while True:
    c, _ = s.accept()
    print("</pre><script>window.__pwned=3</script>", flush=True)
    print("<img src=x onerror=\"window.__pwned=4\">", file=sys.stderr, flush=True)
    c.sendall(b'</pre></svg><script>window.__pwned=1</script>'
              b'<img src=x onerror="window.__pwned=2">')
    c.close()
'''


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""),
          flush=True)
    if not ok:
        failures.append(name)


def js(s):
    return json.dumps(s)


def check_page(browser, label, html, report, shot):
    """Everything one page must satisfy, given its run's JSON report."""
    page = browser.new_page(width=1200, height=900)
    page.goto(chromium.file_url(html))
    check(f"{label}: no console errors, exceptions or CSP violations", not page.errors,
          "; ".join(page.errors)[:800])
    ids = page.evaluate("[].map.call(document.querySelectorAll('section.case'),"
                        "function(s){return [s.id, s.getAttribute('data-outcome')];})")
    want = [[f"case-{c['id']}", c["outcome"]] for c in report["cases"]]
    check(f"{label}: a section.case per case of the JSON report ({len(want)}), in order, "
          "with its outcome", ids == want, f"{ids} vs {want}")
    n_diag = page.evaluate("document.querySelectorAll('#diagnoses li.diagnosis').length")
    check(f"{label}: the diagnoses list has the JSON report's {len(report['diagnoses'])}",
          n_diag == len(report["diagnoses"]), f"{n_diag}")
    links = page.evaluate("[].map.call(document.querySelectorAll('#diagnoses li.diagnosis'),"
                          "function(l){return [].map.call(l.querySelectorAll('a'),"
                          "function(a){return a.getAttribute('href');});})")
    check(f"{label}: each diagnosis links to the cases it explains",
          links == [[f"#case-{c}" for c in d["cases"]] for d in report["diagnoses"]], f"{links}")
    check(f"{label}: nothing the target sent or printed ran",
          page.evaluate("typeof window.__pwned") == "undefined" and
          page.evaluate("document.scripts.length") == 1 and
          page.evaluate("document.images.length") == 0)
    # The failing step of every case whose transcript has one is marked, in words.
    failing = [c["id"] for c in report["cases"]
               if c["transcript"] and any(e["kind"] == "error" for e in c["transcript"])]
    marked = page.evaluate("[].filter.call(document.querySelectorAll('section.case'),"
                           "function(s){var g=s.querySelector('svg.seq g.failing-step');"
                           "return g && g.textContent.indexOf('FAILED HERE')>=0;})"
                           ".map(function(s){return s.id.slice(5);})")
    check(f"{label}: the failing step is marked FAILED HERE in the diagram of each of "
          f"{len(failing)} failing cases", marked == failing, f"{marked} vs {failing}")
    if report["exit_code"] == 1:
        check(f"{label}: a failing run has a marked failing step", len(failing) > 0)
    # Filters: unticking "fail" hides exactly the failing cases; "Show all" brings them back.
    displays = ("[].map.call(document.querySelectorAll('section.case'),function(s){"
                "return getComputedStyle(s).display;})")
    outcomes = [c["outcome"] for c in report["cases"]]
    check(f"{label}: the filters are shown and every case is visible at first",
          page.evaluate("document.getElementById('filters').hidden") is False and
          "none" not in page.evaluate(displays))
    for outcome in sorted(set(outcomes)):
        box = f"#filters input[data-filter=outcome][value={js(outcome)}]"
        page.evaluate(f"document.querySelector({js(box)}).click()")
        got = page.evaluate(displays)
        check(f"{label}: unticking {outcome} hides the {outcome} cases and only them",
              [d == "none" for d in got] == [o == outcome for o in outcomes], f"{got}")
        page.evaluate("document.getElementById('f-all').click()")
        check(f"{label}: Show all shows every case again",
              "none" not in page.evaluate(displays))
    if any(o in ("fail", "timeout", "crash", "warn") for o in outcomes):
        page.evaluate("document.getElementById('f-bad').click()")
        got = page.evaluate(displays)
        check(f"{label}: Only problems hides the passing cases",
              [d == "none" for d in got] ==
              [o not in ("fail", "timeout", "crash", "warn", "flaky") for o in outcomes], f"{got}")
        page.evaluate("document.getElementById('f-all').click()")
    png = page.screenshot(shot)
    try:
        w, h = chromium.png_size(png)
        check(f"{label}: the screenshot is a PNG ({w}x{h})", w > 0 and h > 0)
    except chromium.Error as e:
        check(f"{label}: the screenshot is a PNG", False, str(e))
    page.emulate_media("print")
    check(f"{label}: printed, the filters are hidden",
          page.evaluate("getComputedStyle(document.getElementById('filters')).display") == "none")
    page.close()

    # Without JavaScript: every case is shown, the useless filters are not.
    page = browser.new_page(javascript=False)
    page.goto(chromium.file_url(html))
    check(f"{label}: without JavaScript every case shows and the filters do not",
          "none" not in page.evaluate(displays) and
          page.evaluate("getComputedStyle(document.getElementById('filters')).display") == "none")
    page.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wirecheck", required=True)
    ap.add_argument("--programs", required=True)
    ap.add_argument("--faulty", required=True)
    ap.add_argument("--conformance", required=True)
    ap.add_argument("--scale", default="2")
    ap.add_argument("--keep", help="write the pages and screenshots here (default: a temporary "
                                   "folder, removed)")
    args = ap.parse_args()
    if not chromium.find():
        print("skip: no Chromium installed (apt-get install chromium)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = args.keep or tmp
        os.makedirs(out_dir, exist_ok=True)
        # The sandbox runs the target as another uid: it must be able to reach the script.
        hostile_dir = os.path.join(tmp, "hostile")
        os.makedirs(hostile_dir)
        os.chmod(tmp, 0o755)
        os.chmod(hostile_dir, 0o755)
        hostile = os.path.join(hostile_dir, "hostile-server.py")
        with open(hostile, "w") as f:
            f.write(HOSTILE)
        os.chmod(hostile, 0o755)
        runs = [
            # label, suite, command, case glob, expected exit code, how the HTML is asked for
            ("fail", "sensor", f"{args.faulty}/faulty-sensor-ack-2dp --listen {{addr}}",
             "sensor.0[01][13]", 1, "format"),
            ("pass", "tcp-echo", f"{args.programs}/echo-server --listen {{addr}}",
             "tcp-echo.00[1-3]", 0, "report"),
            ("client", "tcp-echo-client",
             f"{args.faulty}/faulty-echo-client-one-read --connect {{addr}}",
             "tcp-echo-client.00[267]", 1, "format"),
            ("hostile", "tcp-echo", f"{hostile} --listen {{addr}}", "tcp-echo.001", 1,
             "report"),
        ]
        pages = []
        for label, suite, cmd, glob, want_rc, how in runs:
            html = os.path.join(out_dir, f"{label}.html")
            jpath = os.path.join(out_dir, f"{label}.json")
            argv = [args.wirecheck, "run", suite, "--exec", cmd, "--case", glob, "-j", "2",
                    "--timeout-scale", args.scale, "--report", f"json:{jpath}"]
            argv += ["--format", "html", "-o", html] if how == "format" else \
                    ["--quiet", "--report", f"html:{html}"]
            try:
                p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                   text=True, errors="replace", timeout=200)
                rc, err = p.returncode, p.stderr
            except subprocess.TimeoutExpired:
                rc, err = None, "timed out"
            check(f"{label}: wirecheck exits {want_rc}", rc == want_rc, f"exit {rc}: {err[-400:]}")
            if rc != want_rc or not os.path.exists(html):
                continue
            with open(jpath) as f:
                report = json.load(f)
            with open(html, "rb") as f:
                text = f.read()
            check(f"{label}: the page is ASCII, a doctype first", text.isascii() and
                  text.startswith(b"<!DOCTYPE html>"))
            pages.append((label, html, report))
        check("fail: the failing run has a diagnosis",
              any(lb == "fail" and r["diagnoses"] for lb, _, r in pages))
        try:
            with chromium.Browser() as browser:
                for label, html, report in pages:
                    check_page(browser, label, html, report,
                               os.path.join(out_dir, f"{label}.png"))
        except chromium.Error as e:
            check("the browser answers", False, str(e))
    print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
