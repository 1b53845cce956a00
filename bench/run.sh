#!/usr/bin/env bash
# bench/run.sh SCALE [DIR]: time crm at one scale, with rg and git side by side.
#
# SCALE is XS, S, M or L (bench/README.md). DIR defaults to bench/out/SCALE; a repository is
# generated there with bench/generate.py when DIR/.git/bench.json (written last) is missing.
# Results: a table of medians on stdout; hyperfine JSON in bench/out/SCALE-*.json.
# Environment: CRM (default build/crm), RUNS (hyperfine runs per read-only command, default 20),
# ADD_RUNS (default 15).
set -eu

usage() { echo "usage: bench/run.sh {XS|S|M|L} [DIR]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
SCALE=$1
case $SCALE in XS|S|M|L) ;; *) usage ;; esac

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/out
mkdir -p "$OUT"
DIR=${2:-$OUT/$SCALE}
CRM=${CRM:-$HERE/../build/crm}
CRM=$(cd "$(dirname "$CRM")" && pwd)/$(basename "$CRM")
QUIET_WAIT=${QUIET_WAIT:-1800}
RUNS=${RUNS:-20}
ADD_RUNS=${ADD_RUNS:-15}
[ "$RUNS" -ge 10 ] || { echo "RUNS must be >= 10" >&2; exit 2; }
[ "$ADD_RUNS" -ge 10 ] || { echo "ADD_RUNS must be >= 10" >&2; exit 2; }
for tool in hyperfine rg git python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed" >&2; exit 1; }
done
[ -x "$CRM" ] || { echo "run.sh: no crm binary at $CRM (set CRM=...)" >&2; exit 1; }

# The binary can be rebuilt while we run: time a private copy, named by its hash.
CRM_SRC=$CRM
CRM_SUM=$(sha256sum "$CRM_SRC" | cut -c1-12)
CRM=$OUT/crm-$CRM_SUM
[ -x "$CRM" ] || { cp "$CRM_SRC" "$CRM.tmp$$" && mv "$CRM.tmp$$" "$CRM"; }
# Its modules (libgit2, GMime) beside it, where crm looks when they are not in ../lib/crm.
for m in crm-git.so crm-mail.so; do
  cp "$(dirname "$CRM_SRC")/$m" "$OUT/$m.tmp$$" && mv "$OUT/$m.tmp$$" "$OUT/$m"
done

# Other work on the machine (a compiler) spoils timings: wait until the CPUs are idle.
cpu_busy() {  # percent of CPU time busy over one second
  local a b
  a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
  local idle=$(( b[4] - a[4] )) total=0 i  # waiting for the disk counts as busy
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
quiet_machine() {  # until three one-second samples in a row are under 15% busy
  local waited=0 calm=0 busy said=0
  while [ "$calm" -lt 3 ]; do
    busy=$(cpu_busy)
    if [ "$busy" -lt 15 ]; then calm=$((calm + 1)); continue; fi
    calm=0
    if [ "$waited" -ge "$QUIET_WAIT" ]; then
      echo "WARNING: CPUs still ${busy}% busy after ${waited} s; timing anyway (results are noisy)"
      return
    fi
    [ "$said" -eq 1 ] || echo "(CPUs ${busy}% busy with other work; waiting for them to be idle)"
    said=1
    sleep 4; waited=$((waited + 5))
  done
  [ "$said" -eq 0 ] || echo "(waited ${waited} s)"
}

# Commits made by `crm contact add` need an author.
export GIT_AUTHOR_NAME="crm bench" GIT_AUTHOR_EMAIL="bench@crm.example"
export GIT_COMMITTER_NAME="crm bench" GIT_COMMITTER_EMAIL="bench@crm.example"
export LC_ALL=C.UTF-8 NO_COLOR=1

echo "# crm benchmark, scale $SCALE"
echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(uname -srm)"
free -g | sed 's/^/          /'
echo "crm:      $CRM_SRC ($("$CRM" --version), sha256 $CRM_SUM, built $(date -u -r "$CRM_SRC" '+%Y-%m-%d %H:%M UTC');" \
     "source at $(git -C "$HERE/.." rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "peers:    $(rg --version | sed -n 1p), $(git --version), hyperfine $(hyperfine --version | sed 's/hyperfine //')"
echo "repo:     $DIR"
echo

if [ ! -f "$DIR/.git/bench.json" ]; then
  if [ -e "$DIR" ]; then
    echo "run.sh: $DIR is incomplete (no .git/bench.json); removing it"
    rm -rf "$DIR"
  fi
  echo "run.sh: generating the $SCALE repository (timed; crm reindex included)"
  CRM="$CRM" python3 "$HERE/generate.py" "$SCALE" "$DIR"
  echo
fi

meta() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$DIR/.git/bench.json" "$1"; }
PREFIX=$(meta contact_prefix)
NAME=$(meta contact_name)
COMPANY=$(meta company_id)
DOMAIN=$(meta company_domain)
echo "data:     $(meta contacts) contacts, $(meta companies) companies, $(meta deals) deals, $(meta notes) notes;" \
     "$(meta files) files, $(( $(meta yaml_bytes) / 1000000 )) MB of YAML"
echo "          generated in $(meta generate_s) s, git add+commit $(meta git_s) s, crm reindex $(meta reindex_s) s"
echo "sizes:    .git/objects $(du -sh "$DIR/.git/objects" | cut -f1), .git/index $(du -sh "$DIR/.git/index" | cut -f1)," \
     "crm index $(du -sh "$DIR/.git/crm" | cut -f1)"
echo "targets:  contact $PREFIX ($NAME); adds go to company $COMPANY ($DOMAIN)"
echo

# Make sure the repository is in a state where read-only commands do not write: a first
# command brings the crm index up to date if anything changed since the last run.
"$CRM" -C "$DIR" -q contact list --format ids >/dev/null

# Reads of a repository this size start a watcher on their own (crm-watch(1)); start it now so
# that every timed run finds it, as every command but the first does in use. The *-scan rows time
# the same reads with CRM_WATCH=never: the folder scan every read does without a watcher.
"$CRM" -C "$DIR" -q watch --start
trap '"$CRM" -C "$DIR" -q watch --stop' EXIT

# Each `contact add` run gets a new number: the counter lives in the repository's .git.
COUNTER=$DIR/.git/bench-counter
[ -f "$COUNTER" ] || echo 0 >"$COUNTER"

HF=(hyperfine --style basic)
bench() {  # bench NAME COMMAND: no shell, RUNS runs
  local name=$1; shift
  echo "## $name"
  quiet_machine
  "${HF[@]}" -N --warmup 3 --runs "$RUNS" --export-json "$OUT/$SCALE-$name.json" "$@"
  echo
}

bench version "$CRM --version"
bench show-id "$CRM -C $DIR show $PREFIX"
bench show-name "$CRM -C $DIR show \"$NAME\""
bench contact-list-ids "$CRM -C $DIR contact list --format ids"
bench deal-list "$CRM -C $DIR deal list"
HITS=$(cd "$DIR" && { rg -l -i garcia contacts || true; } | wc -l)
echo "(rg finds garcia in $HITS contact files; exit code 1 when there are none is not a failure)"
bench search-ids "$CRM -C $DIR search --format ids garcia"
bench search "$CRM -C $DIR search garcia"
CRM_WATCH=never bench show-id-scan "$CRM -C $DIR show $PREFIX"
CRM_WATCH=never bench search-ids-scan "$CRM -C $DIR search --format ids garcia"
bench agenda "$CRM -C $DIR agenda"
bench report-pipeline "$CRM -C $DIR report pipeline"
bench report-forecast "$CRM -C $DIR report forecast"
bench task-list-overdue "$CRM -C $DIR task list --overdue --format ids"
bench rg-garcia --ignore-failure "rg -l -i garcia $DIR/contacts"
# The same question over the same repository: every record file (rg skips .git, as crm's index
# is not among the files), which is what `crm search garcia` answers from.
bench rg-garcia-repo --ignore-failure "rg -l -i garcia $DIR"
bench git-status "git -C $DIR status"

# Fixed costs: the same show on a repository with one contact.
EMPTY=$OUT/empty
if [ ! -f "$EMPTY/.git/bench-empty-id" ]; then
  rm -rf "$EMPTY"
  "$CRM" -q init "$EMPTY" >/dev/null
  "$CRM" -C "$EMPTY" -q contact add "Ana García" --email ana@acme.example >"$EMPTY/.git/bench-empty-id"
fi
bench show-id-1-record "$CRM -C $EMPTY show $(cut -c1-6 "$EMPTY/.git/bench-empty-id")"

# Writing: a new contact per run, committed and indexed. The shell reads the counter with a
# builtin (no extra process); hyperfine subtracts the shell's own start-up.
echo "## contact-add"
quiet_machine
"${HF[@]}" --warmup 2 --runs "$ADD_RUNS" --export-json "$OUT/$SCALE-contact-add.json" \
  --prepare "n=\$(cat $COUNTER); echo \$((n + 1)) >$COUNTER" \
  "read n <$COUNTER; $CRM -C $DIR -q contact add \"Bench Person \$n\" --email bench.person\$n@$DOMAIN --company $COMPANY --tag bench >/dev/null"
echo

# Logging a call: a note per run, committed and indexed.
echo "## log-call"
quiet_machine
"${HF[@]}" -N --warmup 2 --runs "$ADD_RUNS" --export-json "$OUT/$SCALE-log-call.json" \
  "$CRM -C $DIR -q log call $PREFIX -m \"Bench call about the renewal\" --duration 15m"
echo

# Peak memory (max RSS, KB) of single runs; the largest of three.
peak() {  # peak NAME COMMAND...: prints NAME and max RSS
  local name=$1 best=0 kb i; shift
  for i in 1 2 3; do
    /usr/bin/time -f %M -o "$OUT/.rss" "$@" >/dev/null || [ "${name#rg-}" != "$name" ]
    kb=$(tail -1 "$OUT/.rss")
    [ "$kb" -gt "$best" ] && best=$kb
  done
  echo "$name $best" >>"$OUT/$SCALE-rss.txt"
}
quiet_machine
: >"$OUT/$SCALE-rss.txt"
peak version "$CRM" --version
peak show-id "$CRM" -C "$DIR" show "$PREFIX"
peak show-name "$CRM" -C "$DIR" show "$NAME"
peak contact-list-ids "$CRM" -C "$DIR" contact list --format ids
peak deal-list "$CRM" -C "$DIR" deal list
peak agenda "$CRM" -C "$DIR" agenda
peak report-pipeline "$CRM" -C "$DIR" report pipeline
peak report-forecast "$CRM" -C "$DIR" report forecast
peak rg-garcia rg -l -i garcia "$DIR/contacts"
peak rg-garcia-repo rg -l -i garcia "$DIR"
peak git-status git -C "$DIR" status
best=0
for i in 1 2 3; do
  n=$(( $(cat "$COUNTER") + 1 )); echo "$n" >"$COUNTER"
  /usr/bin/time -f %M -o "$OUT/.rss" "$CRM" -C "$DIR" -q contact add "Bench Person $n" \
    --email "bench.person$n@$DOMAIN" --company "$COMPANY" --tag bench >/dev/null
  kb=$(tail -1 "$OUT/.rss")
  [ "$kb" -gt "$best" ] && best=$kb
done
echo "contact-add $best" >>"$OUT/$SCALE-rss.txt"

# crm check: once, with /usr/bin/time -v.
echo "## check (once, /usr/bin/time -v)"
set +e
t0=$(date +%s%N)
/usr/bin/time -v -o "$OUT/$SCALE-check-time.txt" "$CRM" -C "$DIR" check >"$OUT/$SCALE-check-out.txt" 2>&1
CHECK_RC=$?
t1=$(date +%s%N)
echo "check wall ms: $(( (t1 - t0) / 1000000 ))" >>"$OUT/$SCALE-check-time.txt"
set -e
cat "$OUT/$SCALE-check-out.txt" | tail -3
grep -E 'check wall|Maximum resident|User time|System time' "$OUT/$SCALE-check-time.txt"
echo "check exit code: $CHECK_RC"
[ "$CHECK_RC" -eq 0 ] || echo "WARNING: crm check failed at scale $SCALE (see $OUT/$SCALE-check-out.txt)"
git -C "$DIR" status --porcelain | head -5 | sed 's/^/git status after adds: /'
echo

# The table.
python3 - "$OUT" "$SCALE" <<'PY'
import json, os, re, sys
out, scale = sys.argv[1], sys.argv[2]
rss = dict(l.split() for l in open(os.path.join(out, scale + "-rss.txt")) if l.strip())
rows = ["version", "show-id", "show-name", "show-id-1-record", "contact-list-ids", "deal-list", "contact-add",
        "log-call", "search-ids", "search", "show-id-scan", "search-ids-scan", "agenda", "report-pipeline", "report-forecast", "task-list-overdue", "rg-garcia", "rg-garcia-repo", "git-status"]
print("## Medians, scale %s" % scale)
print()
print("| command | median ms | mean ± sd ms | min ms | max ms | runs | peak RSS MB |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name in rows:
    j = json.load(open(os.path.join(out, "%s-%s.json" % (scale, name))))["results"][0]
    ms = lambda v: v * 1000
    print("| %s | **%.1f** | %.1f ± %.1f | %.1f | %.1f | %d | %s |" % (
        name, ms(j["median"]), ms(j["mean"]), ms(j["stddev"] or 0), ms(j["min"]), ms(j["max"]), len(j["times"]),
        ("%.1f" % (int(rss[name]) / 1024)) if name in rss else "-"))
t = open(os.path.join(out, scale + "-check-time.txt")).read()
wall = int(re.search(r"check wall ms: (\d+)", t).group(1))
peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
print("| check (1 run, time -v) | %d | - | - | - | 1 | %.1f |" % (wall, peak / 1024))
print()
print("contact-add runs through sh (to read the counter with a builtin); hyperfine subtracts the shell's start-up.")
print("show-id-1-record is the same show on a repository holding one contact: the fixed cost.")
print("*-scan: the same read with CRM_WATCH=never (every folder stat'ed); the others ask the watcher.")
med = lambda n: json.load(open(os.path.join(out, "%s-%s.json" % (scale, n))))["results"][0]["median"]
print()
print("search --format ids garcia vs rg -l -i garcia: %.1fx over the whole repository, %.1fx over contacts/ alone." % (
    med("rg-garcia-repo") / med("search-ids"), med("rg-garcia") / med("search-ids")))
PY
