#!/usr/bin/env bash
# bench/ab.sh OLD NEW DIR: two crm binaries side by side on copies of one generated repository
# (bench/run.sh or bench/generate.py made DIR), each with its own index, in the same hyperfine
# run; then a declared type against the built-in one it copies (bench/declared.py), with NEW.
# For a refactor: no figure should get worse by more than noise. Results: medians on stdout.
# Environment: RUNS (default 20), ADD_RUNS (default 15).
set -eu
[ $# -eq 3 ] || { echo "usage: bench/ab.sh OLD-CRM NEW-CRM DIR" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
OLD=$(realpath "$1") NEW=$(realpath "$2") DIR=$(realpath "$3")
RUNS=${RUNS:-20} ADD_RUNS=${ADD_RUNS:-15}
[ -f "$DIR/.git/bench.json" ] || { echo "ab.sh: $DIR is not a generated bench repository" >&2; exit 1; }
meta() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$DIR/.git/bench.json" "$1"; }
PREFIX=$(meta contact_prefix) COMPANY=$(meta company_id)
A=$DIR-old B=$DIR-new C=$DIR-declared
for copy in "$A" "$B" "$C"; do [ -d "$copy" ] || cp -a "$DIR" "$copy"; done
[ -d "$C/projects" ] || python3 "$HERE/declared.py" "$C"
for pair in "$OLD:$A" "$NEW:$B" "$NEW:$C"; do
  bin=${pair%%:*} repo=${pair#*:}
  "$bin" -C "$repo" -q contact list --format ids >/dev/null  # the index, built or brought up to date
  "$bin" -C "$repo" -q watch --start
done
trap '"$OLD" -C "$A" -q watch --stop; "$NEW" -C "$B" -q watch --stop; "$NEW" -C "$C" -q watch --stop' EXIT
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "old: $OLD ($(sha256sum "$OLD" | cut -c1-12))  new: $NEW ($(sha256sum "$NEW" | cut -c1-12))"
ab() {  # ab NAME ARGS...: the same crm arguments, old then new
  local name=$1; shift
  hyperfine -N --style none --warmup 3 --runs "$RUNS" --export-json "/tmp/ab-$name.json" \
    -n old "$OLD -C $A $*" -n new "$NEW -C $B $*" >/dev/null
  python3 - "$name" "/tmp/ab-$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))["results"]
m = {x["command"]: x["median"] * 1000 for x in r}
print("| %-22s | %8.1f | %8.1f | %+5.1f%% |" % (sys.argv[1], m["old"], m["new"], 100 * (m["new"] - m["old"]) / m["old"]))
PY
}
echo "| command                | old (ms) | new (ms) | change |"
echo "|---|---|---|---|"
ab version --version
ab show-id show "$PREFIX"
ab contact-list-ids contact list --format ids
ab deal-list deal list
ab deal-list-json deal list --format json
ab search-word search garcia
ab search-range search "'amount:>5000'" --format ids
ab agenda agenda
ab report-pipeline report pipeline
ab task-overdue task list --overdue --format ids
# Adds: a shell per run for a new name each time (the same shell cost on both sides).
add() {  # add NAME BIN REPO ARGS...
  local name=$1 bin=$2 repo=$3; shift 3
  hyperfine --style none --warmup 2 --runs "$ADD_RUNS" --export-json "/tmp/ab-$name.json" \
    "$bin -C $repo -q $* \"bench \$(date +%s%N)\" --company $COMPANY >/dev/null" >/dev/null
  python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "/tmp/ab-$name.json"
}
echo "| contact add            | $(add add-old "$OLD" "$A" contact add) | $(add add-new "$NEW" "$B" contact add) | |"
echo
echo "Declared type (project, 5,000 records copied from the deals) beside deal, new binary, one repository:"
echo "| command | deal (ms) | project (ms) |"
echo "|---|---|---|"
dp() {  # dp NAME DEAL-ARGS -- PROJECT-ARGS
  local name=$1; shift
  local deal=() proj=() side=deal
  for a in "$@"; do
    if [ "$a" = "--" ]; then side=proj; continue; fi
    if [ $side = deal ]; then deal+=("$a"); else proj+=("$a"); fi
  done
  hyperfine -N --style none --warmup 3 --runs "$RUNS" --export-json "/tmp/dp-$name.json" \
    -n deal "$NEW -C $C ${deal[*]}" -n project "$NEW -C $C ${proj[*]}" >/dev/null
  python3 - "$name" "/tmp/dp-$name.json" <<'PY'
import json, sys
m = {x["command"]: x["median"] * 1000 for x in json.load(open(sys.argv[2]))["results"]}
print("| %s | %.1f | %.1f |" % (sys.argv[1], m["deal"], m["project"]))
PY
}
dp list deal list -- project list
dp list-json deal list --format json -- project list --format json
dp search-range search "'type:deal amount:>5000'" --format ids -- search "'type:project amount:>5000'" --format ids
first() { find "$C/$1" -name '*.yaml' | sort | head -1 | xargs basename | cut -c1-8; }
dp show show "$(first deals)" -- show "$(first projects)"
echo "| add | $(add dadd "$NEW" "$C" deal add) | $(add padd "$NEW" "$C" project add) |"
