#!/bin/bash
# crm agenda (tasks, meetings, deals closing, keep-in-touch cadences) at a fixed clock, the
# timeline and last contact of crm show, and crm export ics checked with the icalendar
# module and khal.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

NOW=2026-11-23T09:00:00Z # a Monday
TODAY=${NOW%%T*}
export CRM_NOW=$NOW LC_ALL=C
PY=/usr/bin/python3

day() { date -u -d "$TODAY $1 days" +%F; } # day +3, day -40
long_day() { date -u -d "$1" '+%A %Y-%m-%d'; }
task_files() { find tasks -type f -name '*.yaml' 2>/dev/null | sort; }
ids_of_files() { sed 's|.*/||; s|\.yaml$||' | sort; }

if ! $PY -c 'import icalendar' 2>/dev/null || ! command -v khal >/dev/null; then
  echo "python3-icalendar or khal missing: install them with scripts/setup-debian.sh"
  exit 1
fi

test_case "an empty agenda"
new_repo empty
run crm agenda
expect_rc 0
expect_out_empty
expect_err_has "nothing due from $TODAY to $(day +7)"
run crm agenda --format markdown
expect_rc 0
expect_out_has "# Agenda $TODAY to $(day +7)"
expect_out_has "Nothing due."
run crm agenda --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -c '[.from, .to, (.items | length)]')" "[\"$TODAY\",\"$(day +7)\",0]"
run crm agenda --days -1
expect_rc 2
run crm agenda --format yaml
expect_rc 2

# ---------------------------------------------------------------------------
new_repo
LONG_AGO=2026-06-01T09:00:00Z
CRM_NOW=$LONG_AGO crm company add "Acme Iberia S.L." >/dev/null
ana=$(CRM_NOW=$LONG_AGO crm contact add "Ana García" --email ana@acme.example --company acme --keep-in-touch 30d)
bob=$(CRM_NOW=$LONG_AGO crm contact add "Bob Stone" --email bob@example.org --keep-in-touch 30d)
carla=$(CRM_NOW=$LONG_AGO crm contact add "Carla Ruiz" --keep-in-touch 30d --owner Luis)
dora=$(CRM_NOW=$LONG_AGO crm contact add "Dora Vance")
acme=$(crm company show acme --format ids)
run crm contact set "ana garcia" --keep-in-touch 30d
expect_rc 0
expect_eq "$(yget "$(rec_path contact "$ana")" .keep_in_touch)" "30d"

# notes: Ana 60 and 40 days ago, Bob 5 days ago, a meeting tomorrow, a past one and one in
# ten days, a call with Dora tomorrow (not a meeting)
ana_email=$(crm log email "ana garcia" --at "$(day -60) 16:00" -m "Sent the brochure")
ana_call=$(crm log call "ana garcia" --at "$(day -40) 11:00" -m "Catch-up call")
bob_call=$(crm log call bob --at "$(day -5) 12:00" -m "Checked in")
meeting=$(crm log meeting acme --at "tomorrow 10:00" --duration 45m -m "Kick-off")
old_meeting=$(crm log meeting acme --at "$(day -2) 15:00" --duration 1h -m "Past review")
far_meeting=$(crm log meeting acme --at "$(day +10) 09:00" -m "Far workshop")
dora_call=$(crm log call dora --at "tomorrow 11:00" -m "Call planned with Dora")
# tasks
t_overdue=$(crm task add "Chase invoice" --due 2026-11-20 --for "ana garcia")
t_today=$(crm task add "Today task" --due today --owner Luis)
t_three=$(crm task add "In three days" --due +3d)
t_ten=$(crm task add "In ten days" --due +10d)
t_done=$(crm task add "Done task" --due +1d)
crm task done "$t_done" >/dev/null 2>&1
# deals
d_open=$(crm deal add "Open deal" --company acme --close +5d --amount 1000 --stage proposal --owner Luis)
d_won=$(crm deal add "Won deal" --company acme --close +2d --stage won)
d_lost=$(crm deal add "Lost deal" --company acme --close +1d --stage lost)
d_late=$(crm deal add "Late deal" --company acme --close -3d --stage negotiation)
for v in "$ana" "$bob" "$carla" "$dora" "$acme" "$ana_email" "$ana_call" "$bob_call" "$meeting" "$old_meeting" \
  "$far_meeting" "$dora_call" "$t_overdue" "$t_today" "$t_three" "$t_ten" "$t_done" "$d_open" "$d_won" "$d_lost" "$d_late"; do
  [ -n "$v" ] || { echo "setup failed"; exit 1; }
done
expect_clean
expect_eq "$(yget "$(rec_path tasks "$t_done")" 'has("done")')" "true"

# The expected agenda, from the dates above: section kind id when
ana_due=$(date -u -d "$(day -40) +30 days" +%F) # one period after the last contact
carla_due=$(date -u -d "${LONG_AGO%%T*} +30 days" +%F)
expect_eq "$carla_due" "2026-07-01"
expected_all=$(printf '%s\n' \
  "overdue cadence $carla $carla_due" \
  "overdue cadence $ana $ana_due" \
  "overdue task $t_overdue 2026-11-20" \
  "$TODAY task $t_today $TODAY" \
  "$(day +1) meeting $meeting $(day +1)T10:00:00Z" \
  "$(day +3) task $t_three $(day +3)" \
  "$(day +5) deal $d_open $(day +5)" | sort)
# (the open deal past its close date, $d_late, is checked on its own below and left out of the
# other checks)
# those that must never appear in a 7-day agenda
absent="$t_ten $t_done $d_won $d_lost $old_meeting $far_meeting $dora_call $bob $dora $ana_call"

test_case "agenda --format json"
run crm agenda --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.from')" "$TODAY"
expect_eq "$(printf '%s' "$out" | jq -r '.to')" "$(day +7)"
got=$(printf '%s' "$out" | jq -r --arg l "$d_late" '.items[] | select(.id != $l) | "\(.section) \(.kind) \(.id) \(.when)"' | sort)
expect_eq "$got" "$expected_all"
for id in $absent; do
  expect_eq "$(printf '%s' "$out" | jq -r --arg i "$id" '[.items[] | select(.id==$i)] | length')" 0
done
expect_eq "$(printf '%s' "$out" | jq -r --arg i "$meeting" '.items[] | select(.id==$i) | .type')" "note"
expect_eq "$(printf '%s' "$out" | jq -r --arg i "$d_open" '.items[] | select(.id==$i) | .type')" "deal"
expect_eq "$(printf '%s' "$out" | jq -r --arg i "$ana" '.items[] | select(.id==$i) | .type')" "contact"
expect_eq "$(printf '%s' "$out" | jq -r --arg i "$ana" '.items[] | select(.id==$i) | .title')" "Ana García"
expect_eq "$(printf '%s' "$out" | jq -r --arg i "$t_overdue" '.items[] | select(.id==$i) | .title')" "Chase invoice"
expect_match "$(printf '%s' "$out" | jq -r --arg i "$meeting" '.items[] | select(.id==$i) | .detail')" '45m'
expect_match "$(printf '%s' "$out" | jq -r --arg i "$carla" '.items[] | select(.id==$i) | .detail')" 'never contacted'
expect_match "$(printf '%s' "$out" | jq -r --arg i "$ana" '.items[] | select(.id==$i) | .detail')" "$(day -40)"
# no call shows as a meeting; exactly one meeting
expect_eq "$(printf '%s' "$out" | jq -r '[.items[] | select(.kind=="meeting")] | length')" 1
# sections come in order: overdue first, then days ascending
expect_eq "$(printf '%s' "$out" | jq -r '[.items[].section] | unique_by(.) | length')" \
  "$(printf '%s' "$out" | jq -r '[.items[].section] | reduce .[] as $s ([]; if (.[-1] // "") == $s then . else . + [$s] end) | length')"
expect_eq "$(printf '%s' "$out" | jq -r '.items[0].section')" "overdue"
expect_eq "$(printf '%s' "$out" | jq -r '[.items[].section | select(. != "overdue")] | . == sort')" "true"

test_case "agenda (table)"
run crm agenda
expect_rc 0
expect_out_has "Overdue"
expect_out_has "$(long_day "$TODAY") (today)"
expect_out_has "$(long_day "$(day +1)") (tomorrow)"
expect_out_has "$(long_day "$(day +3)")"
expect_out_has "$(long_day "$(day +5)")"
expect_out_lacks "$(long_day "$(day +2)")"
expect_out_match "${meeting:0:8} +10:00 +meeting"
expect_out_match "${t_overdue:0:8} +2026-11-20 +task +Chase invoice"
expect_out_match "${carla:0:8} +$carla_due +cadence +Carla Ruiz"
for t in "Chase invoice" "Today task" "In three days" "Open deal" "Ana García" "Carla Ruiz" "Kick-off"; do
  expect_out_has "$t"
done
for t in "In ten days" "Done task" "Won deal" "Lost deal" "Past review" "Far workshop" "Call planned" "Bob Stone" "Dora Vance"; do
  expect_out_lacks "$t"
done
# Overdue comes before today, today before tomorrow
expect_eq "$(printf '%s\n' "$out" | grep -n -e '^Overdue' -e '(today)' -e '(tomorrow)' | cut -d: -f1 | paste -sd' ')" \
  "$(printf '%s\n' "$out" | grep -n -e '^Overdue' -e '(today)' -e '(tomorrow)' | cut -d: -f1 | sort -n | paste -sd' ')"
expect_eq "$(printf '%s\n' "$out" | grep -c -e '^Overdue' -e '(today)' -e '(tomorrow)')" 3
expect_clean

test_case "agenda --days 3 and --days 0 narrow the window"
run crm agenda --days 3 --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.to')" "$(day +3)"
expect_eq "$(printf '%s' "$out" | jq -r --arg l "$d_late" '.items[] | select(.id != $l) | "\(.section) \(.kind) \(.id) \(.when)"' | sort)" \
  "$(printf '%s\n' "$expected_all" | grep -v " $d_open ")"
run crm agenda --days 3
expect_rc 0
expect_out_has "In three days"
expect_out_lacks "Open deal"
run crm agenda --days 0 --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r --arg l "$d_late" '.items[] | select(.id != $l) | "\(.section) \(.kind) \(.id) \(.when)"' | sort)" \
  "$(printf '%s\n' "$expected_all" | grep -E "^(overdue|$TODAY) ")"
# a longer window brings the far items and Bob's cadence (5 days ago + 30d)
run crm agenda --days 30 --format json
expect_rc 0
for id in "$t_ten" "$far_meeting" "$bob"; do
  expect_eq "$(printf '%s' "$out" | jq -r --arg i "$id" '[.items[] | select(.id==$i)] | length')" 1
done
expect_eq "$(printf '%s' "$out" | jq -r --arg i "$bob" '.items[] | select(.id==$i) | .section')" \
  "$(date -u -d "$(day -5) +30 days" +%F)"
for id in "$t_done" "$d_won" "$d_lost" "$old_meeting" "$dora_call" "$dora"; do
  expect_eq "$(printf '%s' "$out" | jq -r --arg i "$id" '[.items[] | select(.id==$i)] | length')" 0
done

test_case "an open deal past its close date is under Overdue, as crm-agenda(1) says"
run crm agenda --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r --arg l "$d_late" '.items[] | select(.id == $l) | "\(.section) \(.kind) \(.when)"')" \
  "overdue deal $(day -3)"
run crm agenda
expect_out_match "${d_late:0:8} +$(day -3) +deal +Late deal"

test_case "agenda --format markdown"
run crm agenda --format markdown
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -1)" "# Agenda $TODAY to $(day +7)"
expect_out_has "## Overdue"
expect_out_has "## $(long_day "$TODAY") (today)"
expect_out_has "## $(long_day "$(day +1)") (tomorrow)"
expect_out_has "## $(long_day "$(day +3)")"
expect_out_match '^- 10:00 \*\*meeting\*\* .*Kick-off'
expect_out_match "^- \*\*task\*\* Chase invoice.*\`${t_overdue:0:8}\`"
expect_eq "$(printf '%s\n' "$out" | grep -v "${d_late:0:8}" | grep -c '^- ')" "$(printf '%s\n' "$expected_all" | wc -l | tr -d ' ')"
expect_out_lacks "Won deal"

test_case "agenda --format csv and ids"
run crm agenda --format csv
expect_rc 0
# RFC 4180 line ends
expect_eq "$(printf '%s\n' "$out" | head -1)" "$(printf 'section,kind,when,id,title,detail\r')"
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | grep -v "$d_late" | wc -l | tr -d ' ')" "$(printf '%s\n' "$expected_all" | wc -l | tr -d ' ')"
run crm agenda --format ids
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | grep -vx "$d_late" | sort | paste -sd,)" "$(printf '%s\n' "$expected_all" | cut -d' ' -f3 | sort | paste -sd,)"

test_case "agenda --owner"
run crm agenda --owner luis --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.items[].id' | sort | paste -sd,)" \
  "$(printf '%s\n' "$carla" "$t_today" "$d_open" | sort | paste -sd,)"
run crm agenda --owner LUÍS --format ids
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sort | paste -sd,)" "$(printf '%s\n' "$carla" "$t_today" "$d_open" | sort | paste -sd,)"
# meetings by their author
run crm agenda --owner "test user" --format ids
expect_rc 0
expect_out "$meeting"
run crm agenda --owner nobody-at-all
expect_rc 0
expect_out_empty

test_case "logging a call moves a cadence on"
crm contact add "Eve Long" --keep-in-touch 2w >/dev/null 2>&1 # created now: due in 14 days
run crm agenda --days 14 --format json
expect_eq "$(printf '%s' "$out" | jq -r '[.items[] | select(.title=="Eve Long") | .section] | join(",")')" "$(day +14)"
run env CRM_NOW="$(day +3)T10:00:00Z" "$CRM" log call eve -m "Hello Eve"
expect_rc 0
# Seen from today, a call dated in three days is not contact yet: Eve is still due in 14 days.
run crm agenda --days 14 --format json
expect_eq "$(printf '%s' "$out" | jq -r '[.items[] | select(.title=="Eve Long") | .section] | join(",")')" "$(day +14)"
# Seen from that day, the cadence starts again from the call: due 14 days after it.
run env CRM_NOW="$(day +3)T12:00:00Z" "$CRM" agenda --days 13 --format json
expect_eq "$(printf '%s' "$out" | jq -r '[.items[] | select(.title=="Eve Long")] | length')" 0
run env CRM_NOW="$(day +3)T12:00:00Z" "$CRM" agenda --days 14 --format json
expect_eq "$(printf '%s' "$out" | jq -r '[.items[] | select(.title=="Eve Long") | .section] | join(",")')" "$(day +17)"
expect_clean

# ---------------------------------------------------------------------------
test_case "crm show: timeline newest first and last contact"
run crm show "ana garcia"
expect_rc 0
expect_out_match "last contact +$(day -40)"
expect_out_has "timeline"
expect_out_has "Catch-up call"
expect_out_has "Sent the brochure"
expect_out_has "Chase invoice"
# newest first: the task due 2026-11-20, the call 40 days ago, the email 60 days ago
expect_eq "$(printf '%s\n' "$out" | grep -n -e "${t_overdue:0:8}" -e "${ana_call:0:8}" -e "${ana_email:0:8}" | cut -d: -f2- | cut -c3-10 | paste -sd,)" \
  "${t_overdue:0:8},${ana_call:0:8},${ana_email:0:8}"
run crm show "ana garcia" --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.[0].last_contacted')" "$(day -40)T11:00:00Z"
expect_eq "$(printf '%s' "$out" | jq -r '[.[0].timeline[].id] | join(",")')" "$t_overdue,$ana_call,$ana_email"
expect_eq "$(printf '%s' "$out" | jq -r '[.[0].timeline[].what] | join(",")')" "task,call,email"
run crm show bob
expect_rc 0
expect_out_match "last contact +$(day -5)"
run crm show bob --format json
expect_eq "$(printf '%s' "$out" | jq -r '.[0].last_contacted')" "$(day -5)T12:00:00Z"
run crm show carla --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.[0].last_contacted')" "null"
expect_eq "$(printf '%s' "$out" | jq -r '.[0].timeline | length')" 0
run crm show carla
expect_out_match "last contact +never"
# the company's timeline has its meetings and its people's notes, and deal moves
run crm show acme --format json
expect_rc 0
tl_ids=$(printf '%s' "$out" | jq -r '.[0].timeline[].id')
for id in "$meeting" "$old_meeting" "$far_meeting" "$ana_call" "$ana_email" "$t_overdue" "$d_open"; do
  printf '%s\n' "$tl_ids" | grep -qx "$id" && pass || failed "acme's timeline should have $id"
done
printf '%s\n' "$tl_ids" | grep -qx "$bob_call" && failed "acme's timeline should not have Bob's call" || pass
# whens never increase down the list
expect_eq "$(printf '%s' "$out" | $PY -c '
import json, sys, datetime
tl = json.load(sys.stdin)[0]["timeline"]
def inst(w):
    if len(w) == 10:
        return datetime.datetime.fromisoformat(w + "T00:00:00+00:00")
    return datetime.datetime.fromisoformat(w.replace("Z", "+00:00"))
ts = [inst(x["when"]) for x in tl]
print("ok" if len(ts) > 5 and all(a >= b for a, b in zip(ts, ts[1:])) else "bad order: %r" % [x["when"] for x in tl])
')" "ok"

# ---------------------------------------------------------------------------
test_case "export ics: parse, components, UIDs, escaping, folding"
long_notes="Bring the signed contract, the v2 annex; ask about the café order.$(printf ' Línea %s: comas, punto y coma; acentos áéíóú ñ — fin.' 1 2 3 4 5)"
SPECIAL='Call Ana; bring contract, v2 — café'
t_special=$(crm task add "$SPECIAL" --due "2026-11-25 15:00" --for "ana garcia" --priority high --tag vip --notes "$long_notes")
[ -n "$t_special" ] || failed "task add with a special title"
expect_clean
run crm export ics
expect_rc 0
expect_err_match 'exported [0-9]+ task'
printf '%s' "$out" >/dev/null
crm export ics >"$WORK/out.ics" 2>/dev/null
expect_eq "$?" 0

task_ids=$(task_files | ids_of_files)
meeting_ids=$(grep -l '^kind: meeting' $(find notes -name '*.yaml') | ids_of_files)
expect_eq "$(printf '%s\n' "$meeting_ids" | wc -l | tr -d ' ')" 3
expected_uids=$(printf '%s\n' $task_ids $meeting_ids | sed 's/$/@crm/' | sort)

cat >"$WORK/check_ics.py" <<'PY'
import sys, icalendar
path, = sys.argv[1:]
data = open(path, "rb").read()
problems = []
if not data.endswith(b"\r\n"):
    problems.append("does not end with CRLF")
lines = data.split(b"\r\n")[:-1]
for n, l in enumerate(lines, 1):
    if b"\n" in l or b"\r" in l:
        problems.append("line %d has a bare CR or LF" % n)
    if len(l) > 75:
        problems.append("line %d is %d octets" % (n, len(l)))
    try:
        l.decode("utf-8")
    except UnicodeDecodeError:
        problems.append("line %d splits a UTF-8 character" % n)
cal = icalendar.Calendar.from_ical(data)
if str(cal.get("VERSION")) != "2.0":
    problems.append("VERSION is not 2.0")
out = {"problems": problems, "VTODO": [], "VEVENT": []}
for c in cal.walk():
    if c.name in ("VTODO", "VEVENT"):
        d = {k: str(c.get(k)) for k in ("UID", "SUMMARY", "DESCRIPTION", "STATUS", "PRIORITY") if c.get(k) is not None}
        for k in ("DUE", "DTSTART", "COMPLETED"):
            if c.get(k) is not None:
                d[k] = c.decoded(k).isoformat()
        if c.get("DURATION") is not None:
            d["DURATION"] = int(c.decoded("DURATION").total_seconds())
        out[c.name].append(d)
import json
print(json.dumps(out, ensure_ascii=False))
PY
ics=$($PY "$WORK/check_ics.py" "$WORK/out.ics" 2>&1)
expect_match "$ics" '^\{'
expect_eq "$(printf '%s' "$ics" | jq -r '.problems | join("; ")')" ""
expect_eq "$(printf '%s' "$ics" | jq -r '.VTODO | length')" "$(printf '%s\n' $task_ids | wc -l | tr -d ' ')"
expect_eq "$(printf '%s' "$ics" | jq -r '.VEVENT | length')" 3
expect_eq "$(printf '%s' "$ics" | jq -r '[.VTODO[], .VEVENT[]] | .[].UID' | sort)" "$expected_uids"
expect_eq "$(printf '%s' "$ics" | jq -r '.VEVENT[].UID' | sort)" "$(printf '%s\n' $meeting_ids | sed 's/$/@crm/' | sort)"
# calls are not exported
expect_file_lacks "$WORK/out.ics" "$dora_call"
expect_file_lacks "$WORK/out.ics" "Call planned"
# the special task round-trips
sp=$(printf '%s' "$ics" | jq -c --arg u "$t_special@crm" '.VTODO[] | select(.UID==$u)')
expect_eq "$(printf '%s' "$sp" | jq -r .SUMMARY)" "$SPECIAL"
expect_match "$(printf '%s' "$sp" | jq -r .DESCRIPTION)" "Ana García"
desc=$(printf '%s' "$sp" | jq -r .DESCRIPTION)
case "$desc" in *"$long_notes"*) pass ;; *) failed "DESCRIPTION should contain the notes, is [$desc]" ;; esac
expect_eq "$(printf '%s' "$sp" | jq -r .DUE)" "2026-11-25T15:00:00+00:00"
expect_eq "$(printf '%s' "$sp" | jq -r .STATUS)" "NEEDS-ACTION"
expect_eq "$(printf '%s' "$sp" | jq -r .PRIORITY)" "1"
# the long description was folded: some line starts with a space
expect_eq "$(grep -c $'^ ' "$WORK/out.ics" | awk '{print ($1 > 0) ? "folded" : "not folded"}')" "folded"
expect_file_has "$WORK/out.ics" 'SUMMARY:Call Ana\; bring contract\, v2 — café'
# a date-only task, a done task, the meeting
expect_eq "$(printf '%s' "$ics" | jq -r --arg u "$t_three@crm" '.VTODO[] | select(.UID==$u) | .DUE')" "$(day +3)"
expect_file_has "$WORK/out.ics" "DUE;VALUE=DATE:$(day +3 | tr -d -)"
dn=$(printf '%s' "$ics" | jq -c --arg u "$t_done@crm" '.VTODO[] | select(.UID==$u)')
expect_eq "$(printf '%s' "$dn" | jq -r .STATUS)" "COMPLETED"
expect_eq "$(printf '%s' "$dn" | jq -r .COMPLETED)" "2026-11-23T09:00:00+00:00"
mt=$(printf '%s' "$ics" | jq -c --arg u "$meeting@crm" '.VEVENT[] | select(.UID==$u)')
expect_eq "$(printf '%s' "$mt" | jq -r .DTSTART)" "$(day +1)T10:00:00+00:00"
expect_eq "$(printf '%s' "$mt" | jq -r .DURATION)" "2700"
expect_match "$(printf '%s' "$mt" | jq -r .SUMMARY)" 'Kick-off'
expect_eq "$(head -c 15 "$WORK/out.ics")" "BEGIN:VCALENDAR"
expect_file_has "$WORK/out.ics" "ATTENDEE;CN=\"Ana García\":mailto:ana@acme.example"

test_case "export ics twice: the same UIDs and the same bytes"
CRM_NOW=2026-11-23T17:45:00Z crm export ics >"$WORK/out2.ics" 2>/dev/null
cmp -s "$WORK/out.ics" "$WORK/out2.ics" && pass || failed "a second export differs: $(diff "$WORK/out.ics" "$WORK/out2.ics" | head -5)"
expect_eq "$(grep -a '^UID:' "$WORK/out2.ics" | tr -d '\r' | sort)" "$(grep -a '^UID:' "$WORK/out.ics" | tr -d '\r' | sort)"
run crm export ics -o "$WORK/out3.ics"
expect_rc 0
expect_out_empty
cmp -s "$WORK/out.ics" "$WORK/out3.ics" && pass || failed "-o FILE differs from stdout"
expect_clean

test_case "export ics QUERY"
crm export ics contact:"$ana" >"$WORK/ana.ics" 2>/dev/null
expect_eq "$(grep -a '^UID:' "$WORK/ana.ics" | tr -d '\r' | sed 's/^UID://' | sort | paste -sd,)" \
  "$(printf '%s\n' "$t_overdue@crm" "$t_special@crm" | sort | paste -sd,)"

test_case "khal reads the file"
mkdir -p "$HOME/.config/khal" "$WORK/khalcal"
cat >"$HOME/.config/khal/config" <<EOF
[calendars]
[[crm]]
path = $WORK/khalcal
type = calendar

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
EOF
run timeout 60 khal printics "$WORK/out.ics"
expect_rc 0
expect_out_has "3 events found"
expect_out_has "$(day +1) 10:00-$(day +1) 10:45"
expect_out_has "Kick-off"
run timeout 60 khal import --batch "$WORK/out.ics"
expect_rc 0
expect_file "$WORK/khalcal/$meeting@crm.ics"
run timeout 60 khal search Kick-off
expect_rc 0
expect_out_has "Kick-off"
expect_out_has "$(day +1) 10:00"


test_case "agenda: a datetime with an offset is shown as written, filed under its local day"
# Hand-edited: due 23:30 at UTC-5 on the 24th is 04:30 UTC on the 25th.
t_offset=$(crm task add "Offset task" --due "$(day +1)" --for carla)
sed -i "s/^due: .*/due: '$(day +1)T23:30:00-05:00'/" "$(rec_path tasks "$t_offset")"
run env TZ=UTC "$CRM" agenda --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r --arg i "$t_offset" '.items[] | select(.id==$i) | "\(.section) \(.when) \(.detail)"')" \
  "$(day +2) $(day +1)T23:30:00-05:00 Carla Ruiz"
run env TZ=UTC "$CRM" agenda
expect_out_has "04:30      task     Offset task"
run env TZ=America/New_York "$CRM" agenda --format json
expect_eq "$(printf '%s' "$out" | jq -r --arg i "$t_offset" '.items[] | select(.id==$i) | .section')" "$(day +1)"

finish
