# Shared harness for the end-to-end tests: each test script sources this,
# runs the real crm binary in temporary git repositories, and ends with
# `finish`, which prints "N passed, M failed" and sets the exit status.
set -u
CRM=${CRM:?set CRM to the crm binary}
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/crm-$TEST_NAME.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home"
mkdir -p "$HOME"
export GIT_AUTHOR_NAME="Test User" GIT_AUTHOR_EMAIL="test@example.com"
export GIT_COMMITTER_NAME="Test User" GIT_COMMITTER_EMAIL="test@example.com"
export GIT_CONFIG_NOSYSTEM=1 TZ=UTC NO_COLOR=1 EDITOR=false
unset CRM_REPO VISUAL CRM_NOW CRM_WATCH
# CRM_TEST_WATCH=always: every command asks a watcher (crm-watch(1)), which must change no result.
[ "${CRM_TEST_WATCH:-}" = always ] && export CRM_WATCH=always
git config --global user.name "Test User"
git config --global user.email "test@example.com"
git config --global init.defaultBranch main
git config --global protocol.file.allow always

PASSED=0
FAILED=0
CURRENT="(setup)"

crm() { "$CRM" "$@"; }

# run CMD ARGS...: runs it, keeping $out, $err and $rc (never aborts the test)
run() {
  "$@" >"$WORK/.out" 2>"$WORK/.err"
  rc=$?
  out=$(cat "$WORK/.out")
  err=$(cat "$WORK/.err")
}

# run_in TEXT CMD ARGS...: like run, with TEXT on stdin
run_in() {
  local input=$1
  shift
  printf '%s' "$input" | "$@" >"$WORK/.out" 2>"$WORK/.err"
  rc=$?
  out=$(cat "$WORK/.out")
  err=$(cat "$WORK/.err")
}

test_case() { CURRENT=$1; }

pass() { PASSED=$((PASSED + 1)); }
failed() {
  FAILED=$((FAILED + 1))
  printf 'FAIL [%s] %s\n' "$CURRENT" "$1"
  printf '  rc=%s\n  stdout: %s\n  stderr: %s\n' "${rc:-}" "$(printf '%s' "${out:-}" | head -c 600)" \
    "$(printf '%s' "${err:-}" | head -c 600)"
}

expect_rc() { [ "$rc" = "$1" ] && pass || failed "expected exit $1, got $rc"; }
expect_eq() { [ "$1" = "$2" ] && pass || failed "expected [$2], got [$1]"; }
expect_out() { [ "$out" = "$1" ] && pass || failed "stdout should be [$1]"; }
expect_out_has() { case "$out" in *"$1"*) pass ;; *) failed "stdout should contain [$1]" ;; esac; }
expect_out_lacks() { case "$out" in *"$1"*) failed "stdout should not contain [$1]" ;; *) pass ;; esac; }
expect_err_has() { case "$err" in *"$1"*) pass ;; *) failed "stderr should contain [$1]" ;; esac; }
expect_out_empty() { [ -z "$out" ] && pass || failed "stdout should be empty"; }
expect_file_has() { grep -qF -- "$2" "$1" 2>/dev/null && pass || failed "$1 should contain [$2]"; }
expect_no_file() { [ ! -e "$1" ] && pass || failed "$1 should not exist"; }

# A new repository in $WORK/NAME; cd into it.
new_repo() {
  local name=${1:-repo}
  crm init "$WORK/$name" -q >/dev/null 2>&1 || { echo "crm init failed"; exit 1; }
  cd "$WORK/$name" || exit 1
}

commit_count() { git rev-list --count HEAD; }
# git status must be clean after every crm command
expect_clean() {
  local s
  s=$(git status --porcelain)
  [ -z "$s" ] && pass || failed "git status should be clean, has: $s"
}
# nothing changed: same HEAD and a clean tree
expect_unchanged() {
  local head_now
  head_now=$(git rev-parse HEAD)
  [ "$head_now" = "$1" ] && pass || failed "HEAD moved from $1 to $head_now"
  expect_clean
}

finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

# ---------------------------------------------------------------------------
# Helpers added for the topic tests (t0NN-*.sh). They only add; nothing above changes.

head_sha() { git rev-parse HEAD; }
last_subject() { git log -1 --format=%s; }
expect_ne() { [ "$1" != "$2" ] && pass || failed "expected something other than [$2]"; }
expect_match() { printf '%s' "$1" | grep -Eq -- "$2" && pass || failed "[$1] should match /$2/"; }
expect_out_match() { printf '%s\n' "$out" | grep -Eq -- "$1" && pass || failed "stdout should match /$1/"; }
expect_err_match() { printf '%s\n' "$err" | grep -Eq -- "$1" && pass || failed "stderr should match /$1/"; }
expect_err_lacks() { case "$err" in *"$1"*) failed "stderr should not contain [$1]" ;; *) pass ;; esac; }
expect_err_empty() { [ -z "$err" ] && pass || failed "stderr should be empty"; }
expect_file() { [ -f "$1" ] && pass || failed "$1 should exist"; }
expect_file_lacks() { grep -qF -- "$2" "$1" 2>/dev/null && failed "$1 should not contain [$2]" || pass; }
# the last commit's subject
expect_subject() { local s; s=$(last_subject); [ "$s" = "$1" ] && pass || failed "last commit should be [$1], is [$s]"; }
# exactly N commits more than BASE
expect_commits_since() {
  local n
  n=$(git rev-list --count "$1..HEAD")
  [ "$n" = "$2" ] && pass || failed "expected $2 commit(s) since $1, got $n"
}
# stdout is exactly one record id (lowercase base32, 8+ characters) and nothing else
expect_out_is_id() {
  if [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && printf '%s' "$out" | grep -Eq '^[0-9a-z]{8,32}$'; then pass
  else failed "stdout should be exactly one id"; fi
}
# the record file of TYPE (contact|company|deal) ID, relative to the repository root
rec_path() {
  local folder
  case $1 in contact) folder=contacts ;; company) folder=companies ;; deal) folder=deals ;; *) folder=$1 ;; esac
  printf '%s/%s/%s.yaml' "$folder" "$(printf '%s' "$2" | cut -c1-2)" "$2"
}
# yaml_json FILE: the YAML file as JSON (dates and numbers as YAML 1.1 reads them, printed with str())
yaml_json() {
  python3 -c 'import json,sys,yaml
print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding="utf-8")), default=str, ensure_ascii=False))' "$1"
}
# yget FILE JQ-FILTER: one value of a YAML file (jq -r syntax)
yget() { yaml_json "$1" 2>/dev/null | jq -r "$2" 2>/dev/null; }
# every record file in the working tree parses as YAML (prints the ones that do not)
unparsable_yaml() {
  python3 - <<'PY'
import glob, yaml
for p in sorted(glob.glob("contacts/*/*.yaml") + glob.glob("companies/*/*.yaml") + glob.glob("deals/*/*.yaml")):
    try:
        d = yaml.safe_load(open(p, encoding="utf-8"))
        if not isinstance(d, dict):
            print(p + ": not a map")
    except Exception as e:
        print(p + ": " + str(e).splitlines()[0])
PY
}
# run CMD under `timeout`; rc 124 means it hung
run_t() { local secs=$1; shift; run timeout -k 5 "$secs" "$@"; }
# no ANSI escape in stdout/stderr
has_esc() { printf '%s' "$1" | grep -q "$(printf '\033')"; }
# hand_clean DIR...: remove the hand-made files in DIRs that git does not track (records crm
# committed there, whose ids may share the folder by chance, stay)
hand_clean() {
  git clean -fdxq -- "$@" >/dev/null 2>&1
  local d
  for d in "$@"; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
  true
}

# the first WEEKDAY (1=Monday .. 7=Sunday) strictly after DAY, computed with date(1)
next_weekday() {
  local d
  d=$(date -u -d "$1 +1 day" +%F)
  while [ "$(date -u -d "$d" +%u)" != "$2" ]; do d=$(date -u -d "$d +1 day" +%F); done
  printf '%s' "$d"
}
# the record files of notes and tasks in the working tree, sorted
note_files() { find notes -type f -name '*.yaml' 2>/dev/null | sort; }
task_files() { find tasks -type f -name '*.yaml' 2>/dev/null | sort; }

# expect_refused RC NEEDLE CMD...: CMD exits RC naming NEEDLE on stderr (when given), prints nothing
# on stdout, and writes or commits nothing: same HEAD and commit count, clean tree, the same note
# and task files, no temp files left.
expect_refused() {
  local want=$1 needle=$2
  shift 2
  local before count_before notes_before tasks_before
  before=$(head_sha)
  count_before=$(commit_count)
  notes_before=$(note_files | md5sum)
  tasks_before=$(task_files | md5sum)
  run "$@"
  expect_rc "$want"
  [ -n "$needle" ] && expect_err_has "$needle"
  expect_out_empty
  expect_eq "$(commit_count)" "$count_before"
  expect_unchanged "$before"
  expect_eq "$(note_files | md5sum)" "$notes_before"
  expect_eq "$(task_files | md5sum)" "$tasks_before"
  expect_eq "$(ls -A .git/crm/tmp 2>/dev/null)" ""
}
