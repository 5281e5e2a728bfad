#!/usr/bin/env bash
# Installs every Debian package wirecheck needs, only those missing (idempotent; apt-get as root).
#   usage: scripts/setup.sh            build and test dependencies
#          scripts/setup.sh --fuzz     also AFL++ and dpkg-dev (fuzz builds; configuring the fuzz
#                                      preset then fetches cJSON's source: fuzz/get-cjson-source)
set -euo pipefail
pkgs="cmake ninja-build pkg-config gcc clang-14 libclang-rt-14-dev libcjson-dev libcmocka-dev python3 python3-yaml python3-jsonschema python3-junitparser perl help2man locales bubblewrap util-linux chromium fonts-dejavu-core"
want_fuzz=0
for a in "$@"; do
  case "$a" in
    --fuzz) want_fuzz=1 ;;
    *) echo "setup.sh: unknown option '$a'" >&2; exit 2 ;;
  esac
done
[ "$want_fuzz" = 1 ] && pkgs="$pkgs afl++ afl++-clang dpkg-dev"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: missing Debian packages:$missing (run as root to install them)" >&2
    exit 1
  fi
  echo "setup.sh: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# A decimal-comma locale, so the float formatter's locale-independence test really runs.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  if [ "$(id -u)" = 0 ]; then
    localedef -i de_DE -f UTF-8 de_DE.UTF-8 >/dev/null 2>&1 ||
      echo "setup.sh: could not generate de_DE.UTF-8; the locale test will skip" >&2
  fi
fi
# clang must be callable as `clang` for the presets
if ! command -v clang >/dev/null 2>&1 && [ -x /usr/bin/clang-14 ]; then
  ln -sf /usr/bin/clang-14 /usr/local/bin/clang
fi
exit 0
