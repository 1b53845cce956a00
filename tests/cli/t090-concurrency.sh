#!/bin/bash
# Several crm processes at once, and kill -9 in the middle of writes.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

# N `crm contact add "NAME i"` at once; their ids in $WORK/NAME-i.out; $fails: how many failed.
parallel_adds() {
  local name=$1 n=$2 pids=() p i
  for i in $(seq 1 "$n"); do
    crm contact add "$name $i" --email "${name,,}$i@x.example" >"$WORK/$name-$i.out" 2>"$WORK/$name-$i.err" &
    pids+=($!)
  done
  fails=0
  for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
}

new_repo

test_case "two contact adds at once: both land"
base=$(head_sha)
crm contact add "Parallel One" --email one@x.example >"$WORK/p1.out" 2>"$WORK/p1.err" &
p1=$!
crm contact add "Parallel Two" --email two@x.example >"$WORK/p2.out" 2>"$WORK/p2.err" &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
expect_eq "$r1" 0
expect_eq "$r2" 0
expect_commits_since "$base" 2
expect_eq "$(find contacts -name '*.yaml' | wc -l | tr -d ' ')" 2
expect_file "$(rec_path contact "$(cat "$WORK/p1.out")")"
expect_file "$(rec_path contact "$(cat "$WORK/p2.out")")"
expect_clean
expect_eq "$(git log --format=%s "$base..HEAD" | sort | tr '\n' '|')" "contact: add Parallel One|contact: add Parallel Two|"

test_case "ten contact adds at once: ten commits, ten files, clean"
base=$(head_sha)
parallel_adds Burst 10
expect_eq "$fails" 0
expect_commits_since "$base" 10
expect_eq "$(git log --format=%s "$base..HEAD" | grep -c '^contact: add Burst ')" 10
expect_eq "$(find contacts -name '*.yaml' | wc -l | tr -d ' ')" 12
for i in $(seq 1 10); do
  id=$(cat "$WORK/Burst-$i.out")
  expect_match "$id" '^[0-9a-z]{8,32}$'
  expect_eq "$(git show "HEAD:$(rec_path contact "$id")" 2>/dev/null | yaml_json /dev/stdin | jq -r .name)" "Burst $i"
done
expect_eq "$(cat "$WORK"/Burst-*.out | sort -u | wc -l | tr -d ' ')" 10
expect_clean
# history is linear: every commit has one parent
expect_eq "$(git rev-list --min-parents=2 HEAD | wc -l | tr -d ' ')" 0
run crm contact list --format ids
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 12
run crm check
expect_rc 0

test_case "mixed writers on one record and readers at once"
base=$(head_sha)
target=$(cat "$WORK/Burst-1.out")
pids=()
for i in $(seq 1 6); do
  crm contact set "$target" --add-tag "t$i" >/dev/null 2>"$WORK/s$i.err" &
  pids+=($!)
  crm contact list --format ids >"$WORK/l$i.out" 2>/dev/null &
  pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
expect_eq "$fails" 0
# every tag landed: no lost update
expect_eq "$(yget "$(rec_path contact "$target")" '.tags | sort | join(",")')" "t1,t2,t3,t4,t5,t6"
expect_commits_since "$base" 6
for i in $(seq 1 6); do
  expect_eq "$(wc -l <"$WORK/l$i.out" | tr -d ' ')" 12
done
expect_clean

test_case "git's split index (core.splitIndex): split by crm, kept through parallel writes, set and rm"
new_repo split
git config core.splitIndex true
crm contact add "Split First" --email first@x.example >/dev/null
expect_eq "$(ls .git | grep -c '^sharedindex\.')" 1
shared=$(sha1sum .git/sharedindex.* | cut -d' ' -f1)
base=$(head_sha)
parallel_adds Split 6
expect_eq "$fails" 0
expect_commits_since "$base" 6
expect_eq "$(sha1sum .git/sharedindex.* | cut -d' ' -f1)" "$shared"  # the writes left it alone
run crm contact set "Split 3" --title Boss
expect_rc 0
run crm contact rm "Split First"
expect_rc 0
expect_clean
expect_eq "$(git ls-files contacts | wc -l | tr -d ' ')" 6
expect_eq "$(git diff-files --name-only)" ""
expect_eq "$(git fsck --no-progress --no-dangling 2>&1)" ""
git config core.splitIndex false
crm contact add "Whole Again" >/dev/null
git status --porcelain >/dev/null  # git folds the split index back on its next write
expect_clean

if command -v flock >/dev/null 2>&1; then
  test_case "a writer that cannot get the lock: exit 5, nothing written; readers do not wait"
  new_repo locked
  crm contact add "Before Lock" >/dev/null
  crm contact list >/dev/null
  base=$(head_sha)
  flock .git/crm/lock sleep 4 &
  holder=$!
  sleep 0.5
  start=$(date +%s%N)
  CRM_LOCK_TIMEOUT=0.5 run crm contact add "Locked Out"
  expect_rc 5
  expect_out_empty
  expect_err_has "lock"
  expect_unchanged "$base"
  expect_eq "$(find contacts -name '*.yaml' | wc -l | tr -d ' ')" 1
  run crm contact list --format ids
  expect_rc 0
  expect_eq "$(printf '%s\n' "$out" | grep -c .)" 1
  elapsed=$((($(date +%s%N) - start) / 1000000))
  [ "$elapsed" -lt 3000 ] && pass || failed "readers should not wait for the lock (${elapsed} ms)"
  wait "$holder"
  run crm contact add "After Lock"
  expect_rc 0
  expect_commits_since "$base" 1
  expect_clean
fi

# kill -9 at a random moment in a loop of adds, then check the repository.
# Each trial starts from its own fresh repository holding one record.
kill_trial() {
  local n=$1 delay pid
  new_repo "kill$n"
  crm contact add "Before Kill $n" >/dev/null
  setsid bash -c '
    i=0
    while :; do
      i=$((i + 1))
      "$CRM" contact add "Loop '"$n"' $i" --email "loop'"$n"'-$i@x.example" --title "Trial '"$n"'" >/dev/null 2>&1
    done' &
  pid=$!
  delay=$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.2 + (r % 80) / 100 }')
  sleep "$delay"
  kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  sleep 0.2

  test_case "kill -9 trial $n (after ${delay}s): no half-written record file"
  local bad
  bad=$(unparsable_yaml)
  [ -z "$bad" ] && pass || failed "half-written files: $bad"
  # every file git knows about is a whole record
  local broken
  broken=$(python3 - <<'PY'
import subprocess, yaml
names = subprocess.run(["git", "ls-tree", "-r", "--name-only", "HEAD", "contacts"], capture_output=True, text=True).stdout.split()
bad = 0
for n in names:
    try:
        d = yaml.safe_load(subprocess.run(["git", "show", "HEAD:" + n], capture_output=True, text=True).stdout)
        if not (isinstance(d, dict) and d.get("name")):
            bad += 1
    except Exception:
        bad += 1
print(bad)
PY
)
  expect_eq "$broken" 0
  # A git child killed mid-write leaves .git/index.lock, as a killed git does; then the journal
  # says a crm write was interrupted, and the next crm writer removes the lock (checked below).
  if [ -e .git/index.lock ] && [ ! -e .git/crm/journal ]; then
    failed ".git/index.lock left with no interrupted crm write to explain it"
  else
    pass
  fi

  test_case "kill -9 trial $n: crm check passes"
  run crm check
  expect_rc 0
  expect_out_empty

  test_case "kill -9 trial $n: a further add works and leaves git status clean"
  local base
  base=$(head_sha)
  run crm contact add "After Kill $n" --email "after$n@x.example"
  expect_rc 0
  expect_out_is_id
  # A write killed after its files but before its commit is committed first, by this command.
  local since
  since=$(git rev-list --count "$base"..HEAD)
  if [ "$since" = 2 ]; then
    expect_eq "$(git log -1 --format=%b HEAD~1 | grep -c 'interrupted')" 1
  else
    expect_commits_since "$base" 1
  fi
  expect_clean
  expect_no_file .git/index.lock
  # every record on disk is committed and every committed record is on disk
  local on_disk in_head
  on_disk=$(find contacts -name '*.yaml' | sort)
  in_head=$(git ls-tree -r --name-only HEAD contacts | sort)
  [ "$on_disk" = "$in_head" ] && pass || failed "files on disk and in HEAD differ: $(diff <(echo "$on_disk") <(echo "$in_head") | grep '^[<>]' | tr '\n' ' ')"
  expect_eq "$(find contacts -name '.*' | wc -l | tr -d ' ')" 0
}
for n in 1 2 3 4 5 6 7 8; do kill_trial "$n"; done

test_case "a stale .git/index.lock (left by a crashed git or crm): fail before committing, or succeed cleanly"
new_repo stale
crm contact add "Before Lock" >/dev/null
base=$(head_sha)
: >.git/index.lock
run crm contact add "During Lock"
if [ "$rc" = 0 ]; then
  expect_out_is_id
  expect_commits_since "$base" 1
  rm -f .git/index.lock
  expect_clean
else
  # a failure must leave nothing behind: no commit, no file
  expect_out_empty
  expect_eq "$(head_sha)" "$base"
  expect_eq "$(find contacts -name '*.yaml' | wc -l | tr -d ' ')" 1
  rm -f .git/index.lock
  expect_clean
fi


test_case "a stale branch lock (.git/refs/heads/main.lock): a failed add leaves no record behind"
new_repo reflock
crm contact add "Before Ref Lock" >/dev/null
base=$(head_sha)
: >.git/refs/heads/main.lock
run crm contact add "During Ref Lock"
if [ "$rc" = 0 ]; then
  expect_out_is_id
  rm -f .git/refs/heads/main.lock
  expect_clean
else
  expect_out_empty
  expect_err_has "main.lock"
  expect_eq "$(head_sha)" "$base"
  expect_eq "$(find contacts -name '*.yaml' | wc -l | tr -d ' ')" 1
  rm -f .git/refs/heads/main.lock
  expect_clean
  run crm show "during ref lock"
  expect_rc 3
fi

finish
