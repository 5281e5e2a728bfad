#!/usr/bin/env bash
# Fails when the layering rules of the sources are broken (the README's Layout section):
#  1. sockets, polls and clocks only in src/net: no socket( connect( bind( listen( accept4(
#     poll( clock_gettime( nanosleep( elsewhere in src, conformance, fuzz or bench;
#  2. no file includes another module's private header (_int.h, or engine/session.h from
#     outside engine/);
#  3. the runner's folders used in layer order (load program engine run report grade netfuzz
#     cli);
#  4. no include or call loop between the sources of src/ and conformance/runner/.
#   usage: scripts/check-layers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

calls='(^|[^A-Za-z0-9_.>-])(socket|connect|bind|listen|accept4?|poll|clock_gettime|nanosleep)[[:space:]]*\('
hits=$(grep -rnE --include='*.c' --include='*.h' "$calls" src conformance fuzz bench 2>/dev/null |
       grep -v '^src/net/' | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' || true)
if [ -n "$hits" ]; then
  echo "check-layers: sockets, polls and clocks belong in src/net (use net.h, wait.h, clock.h):"
  echo "$hits"
  status=1
fi

# A private header is included only from its own folder, by files of its own prefix.
bad=$(grep -rnE --include='*.c' --include='*.h' '#include "[^"]*(_int\.h|engine/session\.h)"' \
        src conformance fuzz bench tests 2>/dev/null | while IFS=: read -r file line text; do
  hdr=$(sed -E 's/.*#include "([^"]*)".*/\1/' <<<"$text")
  case "$hdr" in
    load/casefile_int.h) [[ $file == conformance/runner/load/casefile* ]] && continue ;;
    engine/session.h) [[ $file == conformance/runner/engine/* ]] && continue ;;
    sensor_int.h) [[ $file == src/core/sensor* ]] && continue ;;
  esac
  echo "$file:$line: includes $hdr, private to another module"
done)
if [ -n "$bad" ]; then
  echo "check-layers: private headers included from outside their module:"
  echo "$bad"
  status=1
fi

# The runner's folders are layers, in this order: a file includes only its own layer's headers
# and those of the layers before it.
order=(load program engine run report grade netfuzz cli)
up=$(for f in conformance/runner/*/*.[ch]; do
  layer=$(basename "$(dirname "$f")")
  mine=-1
  for i in "${!order[@]}"; do [ "${order[$i]}" = "$layer" ] && mine=$i; done
  grep -nE '^#include "(load|program|engine|run|report|cli)/' "$f" | while IFS=: read -r line text; do
    dep=$(sed -E 's/#include "([a-z]+)\/.*/\1/' <<<"$text")
    for i in "${!order[@]}"; do
      if [ "${order[$i]}" = "$dep" ] && [ "$i" -gt "$mine" ]; then
        echo "$f:$line: $layer/ includes $dep/, a layer above it"
      fi
    done
  done
done)
if [ -n "$up" ]; then
  echo "check-layers: the runner's layers are ${order[*]}, each using only those before it:"
  echo "$up"
  status=1
fi

# Loops: a cycle in the include graph (files, resolved like the build does: the file's own
# folder, then the include folders), or between .c files calling each other's functions.
loops=$(/usr/bin/python3 - <<'PY'
import os, re
roots = ["src/core", "src/net", "src/programs", "conformance/runner"]
files = sorted(os.path.join(d, f) for r in ["src", "conformance/runner"] for d, _, fs in os.walk(r)
               for f in fs if f.endswith((".c", ".h")))
text = {f: open(f).read() for f in files}
def resolve(src, inc):
    for base in [os.path.dirname(src)] + roots:
        p = os.path.normpath(os.path.join(base, inc))
        if os.path.isfile(p):
            return p
    return None
includes = {f: {r for inc in re.findall(r'^#include "([^"]+)"', text[f], re.M)
                if (r := resolve(f, inc)) and r != f} for f in files}
# Which .c defines each external function; a .c calls another when it names one of its
# functions. Programs' mains each define main: they are leaves, leave them out.
defs = {}
for f in files:
    if f.endswith(".c"):
        for name in re.findall(r'^(?!static)[A-Za-z_][\w \*]*?\b(\w+)\(', text[f], re.M):
            if name != "main":
                defs.setdefault(name, f)
calls = {}
for f in files:
    if f.endswith(".c"):
        used = set(re.findall(r'\b(\w+)\s*\(', text[f]))
        calls[f] = {defs[n] for n in used if n in defs and defs[n] != f}
def cycles(graph):
    state, stack, found = {}, [], []
    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                found.append(stack[stack.index(n):] + [n])
            elif not state.get(n):
                visit(n)
        stack.pop()
        state[m] = 2
    for m in sorted(graph):
        if not state.get(m):
            visit(m)
    return found
for kind, graph in (("includes", includes), ("calls", calls)):
    for loop in cycles(graph):
        print(f"{kind}: " + " -> ".join(loop))
PY
)
if [ -n "$loops" ]; then
  echo "check-layers: loops between files:"
  echo "$loops"
  status=1
fi
[ $status = 0 ] && echo "check-layers: sockets and clocks only in src/net, no private headers crossed, layers in order, no loops"
exit $status
