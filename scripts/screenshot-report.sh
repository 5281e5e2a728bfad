#!/bin/sh
# Regenerates docs/report-html.png, the README's picture of the HTML report: a real failing run
# (the faulty sensor server that prints 21.50 for 21.5, copied in as a student's ./server)
# opened in headless Chromium (tests/e2e_runner/chromium.py), 1200 px wide, from the top of the
# page to the end of the first failing case (diagnoses, requirements, that case's diagram).
#   usage: scripts/screenshot-report.sh [BUILD_DIR] [OUT.png]
#          (defaults: build/dev, docs/report-html.png; the build must have wirecheck and tests)
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build/dev}
out=${2:-docs/report-html.png}
case $build in /*) ;; *) build=$root/$build ;; esac
case $out in /*) ;; *) out=$root/$out ;; esac
[ -x "$build/conformance/wirecheck" ] && [ -x "$build/tests/faulty/faulty-sensor-ack-2dp" ] || {
  echo "screenshot-report: build $build first (cmake --preset dev && cmake --build --preset dev)" >&2
  exit 2
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The sandbox runs the program as another uid: the folder must be searchable by it.
chmod 755 "$tmp"
cp "$build/tests/faulty/faulty-sensor-ack-2dp" "$tmp/server"
cd "$tmp"
rc=0
"$build/conformance/wirecheck" run sensor --exec './server --listen {addr}' \
  --case 'sensor.0[01][13]' -j 2 --timeout-scale 2 --name alice --format html \
  -o "$tmp/report.html" || rc=$?
[ "$rc" -eq 1 ] || { echo "screenshot-report: expected a failing run (exit 1), got $rc" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
/usr/bin/python3 - "$root/tests/e2e_runner" "$tmp/report.html" "$out" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import chromium

with chromium.Browser() as browser:
    page = browser.new_page(width=1200, height=900)
    page.goto(chromium.file_url(sys.argv[2]))
    bottom = page.evaluate("Math.ceil(document.querySelector('section.case.bad')"
                           ".getBoundingClientRect().bottom + window.scrollY + 12)")
    png = page.screenshot(sys.argv[3], clip=(0, 0, 1200, bottom))
    if page.errors:
        sys.exit("screenshot-report: the page has errors: " + "; ".join(page.errors))
w, h = chromium.png_size(png)
print(f"{sys.argv[3]}: {w}x{h}, {len(png) // 1024} KiB")
EOF
