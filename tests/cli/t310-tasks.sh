#!/bin/bash
# Tasks: add with relative due dates, bad input, list filters at a fixed clock, repeating
# tasks completed several times, task done and the timeline of crm show.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

NOW=2026-11-23T09:00:00Z # a Monday
TODAY=${NOW%%T*}
export CRM_NOW=$NOW

tfile() { rec_path tasks "$1"; }
# the next due date of a task due PREV (YYYY-MM-DD) repeating every DAYS days, done on DONE_DAY:
# PREV + period, moved on by the period while it is on or before DONE_DAY
next_due_days() {
  local d
  d=$(date -u -d "$1 +$2 days" +%F)
  while [[ ! "$d" > "$3" ]]; do d=$(date -u -d "$d +$2 days" +%F); done
  printf '%s' "$d"
}
# epoch seconds by which a task due WHEN must be done: end of the day for a date
due_epoch() {
  case $1 in
    ????-??-??) echo $(($(date -u -d "$1" +%s) + 86399)) ;;
    *) date -u -d "$1" +%s ;;
  esac
}

new_repo
acme=$(crm company add "Acme Iberia S.L.")
ana=$(crm contact add "Ana García" --email ana@acme.example --company acme)
bob=$(crm contact add "Bob Stone" --email bob@example.org)
[ -n "$acme" ] && [ -n "$ana" ] && [ -n "$bob" ] || { echo "setup failed"; exit 1; }

test_case "task add --due +3d --for a contact"
base=$(head_sha)
run crm task add "Call back about invoice" --due +3d --for ana
expect_rc 0
expect_out_is_id
t_invoice=$out
f=$(tfile "$t_invoice")
expect_file "$f"
expect_eq "$(yget "$f" .title)" "Call back about invoice"
expect_eq "$(yget "$f" .due)" "$(date -u -d "$TODAY +3 days" +%F)"
expect_eq "$(yget "$f" '.contacts | join(",")')" "$ana"
expect_eq "$(yget "$f" 'has("done")')" "false"
expect_eq "$(yget "$f" 'has("every")')" "false"
expect_file_has "$f" "created: $NOW"
expect_commits_since "$base" 1
expect_subject "task: add Call back about invoice"
expect_clean

test_case "task add --due friday --for contact and company"
run crm task add "Send proposal" --due friday --for ana --for acme --priority high --owner Luis
expect_rc 0
expect_out_is_id
t_proposal=$out
f=$(tfile "$t_proposal")
expect_eq "$(yget "$f" .due)" "$(next_weekday "$TODAY" 5)"
expect_eq "$(yget "$f" '.contacts | join(",")')" "$ana"
expect_eq "$(yget "$f" .company)" "$acme"
expect_eq "$(yget "$f" .priority)" "high"
expect_eq "$(yget "$f" .owner)" "Luis"
expect_clean

test_case "task add --due '2026-12-01 10:00' keeps the time"
run crm task add "Demo" --due "2026-12-01 10:00" --for bob
expect_rc 0
t_demo=$out
f=$(tfile "$t_demo")
expect_file_has "$f" "due: 2026-12-01T10:00:00Z"
expect_eq "$(yget "$f" '.contacts | join(",")')" "$bob"
expect_eq "$(yget "$f" 'has("company")')" "false"
expect_clean

test_case "task add: other relative dates"
run crm task add "End of month report" --due "end of month"
expect_rc 0
t_eom=$out
expect_eq "$(yget "$(tfile "$t_eom")" .due)" "$(date -u -d "$(date -u -d "$TODAY" +%Y-%m-01) +1 month -1 day" +%F)"
run crm task add "Next month plan" --due "next month"
expect_rc 0
t_nextmonth=$out
expect_eq "$(yget "$(tfile "$t_nextmonth")" .due)" "$(date -u -d "$(date -u -d "$TODAY" +%Y-%m-01) +1 month" +%F)"
run crm task add "Two weeks out" --due 2w
expect_rc 0
t_2w=$out
expect_eq "$(yget "$(tfile "$t_2w")" .due)" "$(date -u -d "$TODAY +14 days" +%F)"
expect_clean


test_case "task add: bad input commits nothing"
expect_refused 4 "2026-02-30" crm task add "Bad date" --due 2026-02-30
expect_refused 4 "someday" crm task add "Bad date" --due someday
expect_refused 4 "0d" crm task add "Bad period" --every 0d
expect_refused 4 "3x" crm task add "Bad period" --every 3x
expect_refused 4 "urgent" crm task add "Bad priority" --priority urgent
expect_refused 3 "nobody" crm task add "For nobody" --for nobody
expect_refused 3 "nobody" crm task add "For nobody" --for ana --for nobody
expect_refused 4 "" crm task add ""

# ---------------------------------------------------------------------------
test_case "task list: default, --all, --done, --overdue at a fixed clock"
# More tasks around now (09:00): overdue by date, overdue by time today, due later today,
# due today (by the end of the day), no due date, done.
t_past=$(crm task add "Past date thing" --due 2026-11-20)
t_early=$(crm task add "Early today" --due "today 08:00")
t_late=$(crm task add "Late today" --due "today 17:00")
t_today=$(crm task add "Sometime today" --due today)
t_nodue=$(crm task add "Whenever")
t_fin=$(crm task add "Finished long ago" --due 2026-11-10 --for ana)
crm task done "$t_fin" --at "2026-11-11 12:00" >/dev/null 2>&1
expect_clean
expect_eq "$(yget "$(tfile "$t_fin")" 'has("done")')" "true"

# The expectations, from the due dates written here, not from crm
now_s=$(date -u -d "$NOW" +%s)
declare -A DUE=(
  [$t_invoice]=$(date -u -d "$TODAY +3 days" +%F) [$t_proposal]=$(next_weekday "$TODAY" 5)
  [$t_demo]=2026-12-01T10:00:00Z [$t_eom]=2026-11-30 [$t_nextmonth]=2026-12-01
  [$t_2w]=$(date -u -d "$TODAY +14 days" +%F) [$t_past]=2026-11-20 [$t_early]=${TODAY}T08:00:00Z
  [$t_late]=${TODAY}T17:00:00Z [$t_today]=$TODAY [$t_fin]=2026-11-10
)
open_ids=$(printf '%s\n' "$t_invoice" "$t_proposal" "$t_demo" "$t_eom" "$t_nextmonth" "$t_2w" "$t_past" "$t_early" \
  "$t_late" "$t_today" "$t_nodue" | sort)
all_ids=$(printf '%s\n' $open_ids "$t_fin" | sort)
overdue_ids=$(for id in $open_ids; do
  [ -n "${DUE[$id]:-}" ] && [ "$(due_epoch "${DUE[$id]}")" -lt "$now_s" ] && echo "$id"
done | sort)
expect_eq "$(printf '%s\n' $overdue_ids | paste -sd,)" "$(printf '%s\n' "$t_past" "$t_early" | sort | paste -sd,)"
# the order by due, for the tasks that have one on a distinct moment (a task due on a date and
# one due at a time of the same day may come in either order: those on a date are left out)
ordered=$(for id in $open_ids; do
  [ -n "${DUE[$id]:-}" ] && [ "$id" != "$t_today" ] && [ "$id" != "$t_nextmonth" ] && printf '%s %s\n' "$(due_epoch "${DUE[$id]}")" "$id"
done | sort -n | cut -d' ' -f2)

run crm task list --format csv
expect_rc 0
listed=$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1)
expect_eq "$(printf '%s\n' "$listed" | sort | paste -sd,)" "$(printf '%s\n' $open_ids | paste -sd,)"
expect_eq "$(printf '%s\n' "$listed" | grep -vx "$t_today" | grep -vx "$t_nextmonth" | grep -vx "$t_nodue" | paste -sd,)" \
  "$(printf '%s\n' $ordered | paste -sd,)"
# no due date comes last
expect_eq "$(printf '%s\n' "$listed" | tail -1)" "$t_nodue"

run crm task list
expect_rc 0
expect_out_has "Call back about invoice"
expect_out_has "Whenever"
expect_out_lacks "Finished long ago"
expect_out_has "${t_invoice:0:8}"
expect_out_has "Ana García"

run crm task list --all --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | sort | paste -sd,)" "$(printf '%s\n' $all_ids | paste -sd,)"
run crm task list --done --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | paste -sd,)" "$t_fin"
run crm task list --overdue --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | paste -sd,)" "$(printf '%s\n' "$t_past" "$t_early" | paste -sd,)"
# at 18:00 the time-of-day task due 17:00 is overdue too, the date-only one not yet
run env CRM_NOW="${TODAY}T18:00:00Z" "$CRM" task list --overdue --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | sort | paste -sd,)" \
  "$(printf '%s\n' "$t_past" "$t_early" "$t_late" | sort | paste -sd,)"
# the next day, today's date-only task is overdue
run env CRM_NOW="$(date -u -d "$TODAY +1 day" +%F)T00:30:00Z" "$CRM" task list --overdue --format csv
expect_rc 0
expect_out_has "$t_today"

test_case "task list: the filters do not go together"
run crm task list --overdue --done
expect_rc 2
run crm task list --all --done
expect_rc 2

test_case "task list QUERY"
run crm task list invoice --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | paste -sd,)" "$t_invoice"
run crm task list nothingmatchesthis
expect_rc 0
expect_out_lacks "Call back"
run crm task list contact:ana --all --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | sort | paste -sd,)" \
  "$(printf '%s\n' "$t_invoice" "$t_proposal" "$t_fin" | sort | paste -sd,)"

test_case "task list --format json"
run crm task list --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.[].id' | sort | paste -sd,)" "$(printf '%s\n' $open_ids | paste -sd,)"
expect_eq "$(printf '%s' "$out" | jq -r '[.[].type] | unique | join(",")')" "task"
expect_eq "$(printf '%s' "$out" | jq -r --arg i "$t_proposal" '.[] | select(.id==$i) | .due')" "$(next_weekday "$TODAY" 5)"
expect_eq "$(printf '%s' "$out" | jq -r --arg i "$t_proposal" '.[] | select(.id==$i) | .company')" "$acme"
expect_eq "$(printf '%s' "$out" | jq -r --arg i "$t_demo" '.[] | select(.id==$i) | .due')" "2026-12-01T10:00:00Z"
expect_eq "$(printf '%s' "$out" | jq -r '[.[] | select(has("done"))] | length')" 0
run crm task list --done --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.[].id' | paste -sd,)" "$t_fin"
expect_match "$(printf '%s' "$out" | jq -r '.[0].done')" '^2026-11-11T12:00:00'

test_case "task list --format ids: the same tasks in the same order as the other formats"
run crm task list --format ids
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sort | paste -sd,)" "$(printf '%s\n' $open_ids | paste -sd,)"
expect_eq "$(printf '%s\n' "$out" | grep -vx "$t_today" | grep -vx "$t_nextmonth" | grep -vx "$t_nodue" | paste -sd,)" \
  "$(printf '%s\n' $ordered | paste -sd,)"
run crm task list --done --format ids
expect_rc 0
expect_out "$t_fin"
run crm task list --overdue --format ids
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | paste -sd,)" "$(printf '%s\n' "$t_past" "$t_early" | paste -sd,)"
run crm task list --all --format ids
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sort | paste -sd,)" "$(printf '%s\n' $all_ids | paste -sd,)"

# ---------------------------------------------------------------------------
test_case "repeating task --every 2w done three times"
run crm task add "Pay rent" --every 2w --due 2026-11-01 --for acme --owner Luis --priority high --tag home \
  --notes "Transfer to the landlord"
expect_rc 0
r0=$out
f0=$(tfile "$r0")
expect_eq "$(yget "$f0" .every)" "2w"
expect_eq "$(yget "$f0" .due)" "2026-11-01"

# 1: done a few days late
done1=2026-11-05T12:00:00Z
due1=$(next_due_days 2026-11-01 14 "${done1%%T*}")
expect_eq "$due1" "2026-11-15"
base=$(head_sha)
run env CRM_NOW=$done1 "$CRM" task done "pay rent"
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2
expect_eq "$(printf '%s\n' "$out" | sed -n 1p)" "$r0"
r1=$(printf '%s\n' "$out" | sed -n 2p)
expect_match "$r1" '^[0-9a-z]{8,32}$'
expect_ne "$r1" "$r0"
expect_err_has "$due1"
f1=$(tfile "$r1")
expect_file "$f1"
expect_file_has "$f0" "done: $done1"
expect_eq "$(yget "$f1" .due)" "$due1"
expect_eq "$(yget "$f1" 'has("done")')" "false"
expect_eq "$(yget "$f1" .title)" "Pay rent"
expect_eq "$(yget "$f1" .every)" "2w"
expect_eq "$(yget "$f1" .company)" "$acme"
expect_eq "$(yget "$f1" .owner)" "Luis"
expect_eq "$(yget "$f1" .priority)" "high"
expect_eq "$(yget "$f1" '.tags | join(",")')" "home"
expect_eq "$(yget "$f1" .notes)" "Transfer to the landlord"
expect_file_has "$f1" "created: $done1"
expect_commits_since "$base" 1
expect_eq "$(git show --name-only --format= HEAD | sort | tr '\n' ' ')" "$(printf '%s\n' "$f0" "$f1" | sort | tr '\n' ' ')"
expect_match "$(last_subject)" '^task: done Pay rent'
expect_clean

# 2: done five weeks late: one copy, moved past the day it was done
done2=2026-12-20T12:00:00Z
due2=$(next_due_days "$due1" 14 "${done2%%T*}")
expect_eq "$due2" "2026-12-27"
base=$(head_sha)
run env CRM_NOW=$done2 "$CRM" task done "pay rent"
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sed -n 1p)" "$r1"
r2=$(printf '%s\n' "$out" | sed -n 2p)
f2=$(tfile "$r2")
expect_eq "$(yget "$f2" .due)" "$due2"
expect_file_has "$f1" "done: $done2"
expect_commits_since "$base" 1
expect_clean

# 3: done with --at on the day the next one would fall: moved on once more; the day is
# the --at day, not the clock's
done3_at="2027-01-10 18:00"
due3=$(next_due_days "$due2" 14 2027-01-10)
expect_eq "$due3" "2027-01-24"
base=$(head_sha)
run env CRM_NOW=2027-01-30T09:00:00Z "$CRM" task done "pay rent" --at "$done3_at"
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sed -n 1p)" "$r2"
r3=$(printf '%s\n' "$out" | sed -n 2p)
f3=$(tfile "$r3")
expect_eq "$(yget "$f3" .due)" "$due3"
expect_file_has "$f2" "done: 2027-01-10T18:00:00Z"
expect_commits_since "$base" 1
expect_clean

files=$(grep -l '^title: Pay rent$' $(task_files))
expect_eq "$(printf '%s\n' "$files" | wc -l | tr -d ' ')" 4
expect_eq "$(grep -l '^done:' $files | wc -l | tr -d ' ')" 3
expect_eq "$(grep -L '^done:' $files)" "$f3"
expect_eq "$(for x in $files; do yget "$x" .due; done | sort | paste -sd,)" "2026-11-01,$due1,$due2,$due3"

test_case "task done of a task already done says so and commits nothing"
base=$(head_sha)
run crm task done "$r0"
expect_rc 0
expect_out_empty
expect_err_has "already done"
expect_file_has "$f0" "done: $done1"
expect_unchanged "$base"
expect_eq "$(grep -l '^title: Pay rent$' $(task_files) | wc -l | tr -d ' ')" 4

test_case "a repeating task with a time of day keeps it"
run crm task add "Weekly standup" --every 1w --due "2026-11-10 09:00"
expect_rc 0
w0=$out
run env CRM_NOW=2026-11-25T12:00:00Z "$CRM" task done "$w0"
expect_rc 0
w1=$(printf '%s\n' "$out" | sed -n 2p)
expect_file_has "$(tfile "$w1")" "due: $(next_due_days 2026-11-10 7 2026-11-25)T09:00:00Z"
expect_file_has "$(tfile "$w1")" "due: 2026-12-01T09:00:00Z"
expect_clean

test_case "a monthly task due on the 31st: the next month's last day"
run crm task add "Month close" --every 1m --due 2026-01-31
expect_rc 0
m0=$out
run env CRM_NOW=2026-02-01T10:00:00Z "$CRM" task done "$m0"
expect_rc 0
m1=$(printf '%s\n' "$out" | sed -n 2p)
expect_eq "$(yget "$(tfile "$m1")" .due)" "2026-02-28"
expect_clean

test_case "a repeating task without a due date: one period after the day it was done"
run crm task add "Water the plants" --every 30d
expect_rc 0
p0=$out
run crm task done "$p0"
expect_rc 0
p1=$(printf '%s\n' "$out" | sed -n 2p)
expect_eq "$(yget "$(tfile "$p1")" .due)" "$(date -u -d "$TODAY +30 days" +%F)"
expect_clean

test_case "task done of several tasks: one commit"
base=$(head_sha)
run crm task done "$t_past" "$t_early"
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sort | paste -sd,)" "$(printf '%s\n' "$t_past" "$t_early" | sort | paste -sd,)"
expect_file_has "$(tfile "$t_past")" "done: $NOW"
expect_file_has "$(tfile "$t_early")" "done: $NOW"
expect_commits_since "$base" 1
expect_clean
# only the copy of "Month close" due 2026-02-28 is left overdue
run crm task list --overdue --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | paste -sd,)" "$m1"

test_case "task done: unknown REF (3), bad --at (4), nothing committed"
expect_refused 3 "" crm task done "no such task at all"
expect_refused 4 "" crm task done "$t_late" --at "2026-02-30"

test_case "task done, then crm show lists it in the timeline"
run env CRM_NOW=2026-11-24T15:00:00Z "$CRM" task done "$t_invoice"
expect_rc 0
expect_out "$t_invoice"
expect_file_has "$(tfile "$t_invoice")" "done: 2026-11-24T15:00:00Z"
run crm show "ana garcia"
expect_rc 0
expect_out_has "timeline"
expect_out_match "${t_invoice:0:8} +2026-11-24 15:00 +done +Call back about invoice"
expect_out_match "${t_fin:0:8} +2026-11-11 12:00 +done +Finished long ago"
expect_out_match "${t_proposal:0:8} +$(next_weekday "$TODAY" 5) +task +Send proposal"
run crm show "ana garcia" --format json
expect_rc 0
tl=$(printf '%s' "$out" | jq -c '.[0].timeline')
expect_eq "$(printf '%s' "$tl" | jq -r --arg i "$t_invoice" '.[] | select(.id==$i) | .what')" "done"
expect_eq "$(printf '%s' "$tl" | jq -r --arg i "$t_invoice" '.[] | select(.id==$i) | .type')" "task"
expect_match "$(printf '%s' "$tl" | jq -r --arg i "$t_invoice" '.[] | select(.id==$i) | .when')" '^2026-11-24T15:00:00'
# newest first: the done task of the 24th before the one of the 11th; the proposal due on Friday before both
expect_eq "$(printf '%s' "$tl" | jq -r --arg a "$t_invoice" --arg b "$t_fin" --arg c "$t_proposal" \
  '[.[] | select(.id==$a or .id==$b or .id==$c) | .id] | join(",")')" "$t_proposal,$t_invoice,$t_fin"

test_case "task set, reopen with done=, task rm"
base=$(head_sha)
run crm task set "$t_demo" priority=low --owner Marta
expect_rc 0
expect_out "$t_demo"
expect_eq "$(yget "$(tfile "$t_demo")" .priority)" "low"
expect_eq "$(yget "$(tfile "$t_demo")" .owner)" "Marta"
expect_commits_since "$base" 1
expect_clean
expect_refused 4 "urgent" crm task set "$t_demo" priority=urgent
expect_refused 4 "2026-02-30" crm task set "$t_demo" --due 2026-02-30
run crm task set "$t_invoice" done=
expect_rc 0
expect_eq "$(yget "$(tfile "$t_invoice")" 'has("done")')" "false"
run crm task list --format csv
expect_out_has "$t_invoice"
expect_clean
base=$(head_sha)
run crm task rm "$t_nodue"
expect_rc 0
expect_no_file "$(tfile "$t_nodue")"
expect_commits_since "$base" 1
expect_match "$(last_subject)" '^task: remove Whenever'
expect_clean
run crm check
expect_rc 0

finish
