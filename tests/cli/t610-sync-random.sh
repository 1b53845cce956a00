#!/usr/bin/env bash
# crm sync under random load: 200 random concurrent edits across three clones of one bare
# remote, synced in random order. After a final round-robin of syncs every clone has identical
# files, `crm check` lists exactly the fields left with two values, and every edit made is
# either the field's value or recorded under `conflicts:` (unless a later edit in a clone that
# had already seen it overwrote it on purpose).
#
# The driver is t610-sync-random.py beside this file. The random seed is printed; set
# CRM_SYNC_SEED to replay one (CRM_SYNC_STEPS changes the number of steps, 200 by default).
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"
export PATH="$(dirname "$CRM"):$PATH"  # git runs the merge driver as `crm merge-file`
export CRM

driver="$(cd "$(dirname "$0")" && pwd)/t610-sync-random.py"
mkdir -p "$WORK/t"
results="$WORK/results.tsv"

test_case "the random sync driver runs to the end"
run /usr/bin/python3 "$driver" "$WORK/t" "$results"
printf '%s\n' "$err" | grep '^t610:' >&2
expect_rc 0
# a traceback when the driver itself broke
[ "$rc" = 0 ] || printf '%s\n' "$err" | grep -v '^t610:' | tail -n 25 | sed 's/^/    /'
rc="" out="" err=""
[ -s "$results" ] && pass || failed "the driver wrote no results"

n=0
while IFS=$'\t' read -r status name msg details; do
  n=$((n + 1))
  test_case "$name"
  if [ "$status" = pass ]; then
    pass
  else
    rc="" out="" err=""
    failed "$msg"
    printf '%b\n' "$details" | sed 's/^/    /'
  fi
done <"$results"
# the driver's checks, from setup to the search index; fewer means it stopped early
test_case "all checks ran"
[ "$n" -ge 25 ] && pass || failed "only $n checks ran"

finish
