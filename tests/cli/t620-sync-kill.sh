#!/usr/bin/env bash
# kill -9 in the middle of crm sync: the next crm writer finishes the work, nothing is lost.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"
export PATH="$(dirname "$CRM"):$PATH"

git init -q --bare "$WORK/remote.git"
crm init "$WORK/a" --remote "$WORK/remote.git" -q
cd "$WORK/a"
for i in $(seq 1 60); do crm contact add "Person $i" --email "p$i@example.com" >/dev/null; done
crm sync -q
crm clone -q "$WORK/remote.git" "$WORK/b" 2>/dev/null

# Each trial: B changes every contact and pushes; A changes one and syncs, killed after a delay.
trial=0
for delay in 0.02 0.05 0.08 0.12 0.17 0.25 0.35 0.5; do
  trial=$((trial + 1))
  test_case "sync killed after ${delay}s (trial $trial)"
  (cd "$WORK/b" && crm sync -q 2>/dev/null)
  (cd "$WORK/b" && for f in contacts/*/*.yaml; do sed -i "s/^name: \(Person [0-9]*\).*/name: \1 v$trial/" "$f"; done &&
    git commit -qam "b: rename everyone ($trial)" && git push -q)
  cd "$WORK/a"
  one=$(ls contacts/*/*.yaml | head -1)
  crm contact set "$(basename "$one" .yaml)" --add-tag "a$trial" >/dev/null
  # "$CRM" itself, not the crm() function: `crm ... &` forks a shell that runs crm as its child,
  # and kill -9 of that shell would leave crm running, racing the next sync.
  "$CRM" sync -q >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  # git, killed with crm (PR_SET_PDEATHSIG), may take a moment to go: as a person would, start
  # again once it is gone.
  for _ in $(seq 1 50); do pgrep -f "git -C $WORK/a " >/dev/null || break; sleep 0.1; done
  # The next writer (here another sync) finishes what the killed one left.
  run crm sync -q
  expect_rc 0
  expect_eq "$(git status --porcelain)" ""
  expect_no_file .git/crm/checkout
  expect_eq "$(git rev-parse HEAD)" "$(git --git-dir="$WORK/remote.git" rev-parse main)"
  expect_eq "$(grep -l "v$trial\$" contacts/*/*.yaml | wc -l)" "60"
  expect_eq "$(yget "$one" '.tags | index("a'$trial'") != null')" "true"
  run crm check
  expect_rc 0
  run crm search "v$trial" --format ids --limit 0
  expect_eq "$(printf '%s\n' "$out" | grep -c .)" "60"
done

finish
