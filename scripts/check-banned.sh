#!/usr/bin/env bash
# Fails when C sources call a banned function (unbounded or error-swallowing ones, as in curl's
# checksrc): strcpy strcat sprintf vsprintf strtok atoi atol atoll sscanf gets.
#   usage: scripts/check-banned.sh [DIR...]   (default: src conformance fuzz tests bench)
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(src conformance fuzz tests bench)
pattern='(^|[^A-Za-z0-9_])(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atoll|sscanf|gets)[[:space:]]*\('
hits=$(grep -rnE --include='*.c' --include='*.h' "$pattern" "${dirs[@]}" 2>/dev/null |
       grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' || true)
if [ -n "$hits" ]; then
  echo "banned function calls (use snprintf, strtol/strtoul with checks, memcpy with a length):"
  echo "$hits"
  exit 1
fi
echo "check-banned: no banned function calls"
