#!/bin/bash
# crm log: calls, emails, meetings and notes with people and companies; --next adds the
# follow-up task in the same commit; bad input writes and commits nothing.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

NOW=2026-11-23T09:00:00Z # a Monday
TODAY=${NOW%%T*}
export CRM_NOW=$NOW


new_repo
acme=$(crm company add "Acme Iberia S.L." --domain acme.example)
globex=$(crm company add "Globex Corp")
ana=$(crm contact add "Ana García" --email ana@acme.example --company acme)
luis=$(crm contact add "Luis Pérez" --email luis@acme.example --company acme)
hank=$(crm contact add "Hank Scorpio" --email hank@globex.example --company globex)
deal=$(crm deal add "Website redesign" --company acme --contact "$ana" --stage proposal)
for v in "$acme" "$globex" "$ana" "$luis" "$hank" "$deal"; do
  [ -n "$v" ] || { echo "setup failed"; exit 1; }
done

test_case "log call with --deal and --next: note + task in one commit"
base=$(head_sha)
run crm log call ana -m "Discussed budget; wants a proposal by Friday" --deal website --next friday "Send proposal"
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2
expect_match "$out" '^[0-9a-z]{8,32}
[0-9a-z]{8,32}$'
note=$(printf '%s\n' "$out" | sed -n 1p)
task=$(printf '%s\n' "$out" | sed -n 2p)
nf=$(rec_path notes "$note")
tf=$(rec_path tasks "$task")
expect_file "$nf"
expect_file "$tf"
expect_eq "$(yget "$nf" .kind)" "call"
expect_eq "$(yget "$nf" .body)" "Discussed budget; wants a proposal by Friday"
expect_eq "$(yget "$nf" '.contacts | join(",")')" "$ana"
expect_eq "$(yget "$nf" .deal)" "$deal"
expect_eq "$(yget "$nf" .company)" "$acme"
expect_eq "$(yget "$nf" .author)" "Test User"
expect_file_has "$nf" "at: $NOW"
expect_eq "$(yget "$nf" 'has("direction")')" "false"
friday=$(next_weekday "$TODAY" 5)
expect_eq "$friday" "2026-11-27"
expect_eq "$(yget "$tf" .title)" "Send proposal"
expect_eq "$(yget "$tf" .due)" "$friday"
expect_eq "$(yget "$tf" 'has("done")')" "false"
expect_eq "$(yget "$tf" '.contacts | join(",")')" "$ana"
expect_eq "$(yget "$tf" .deal)" "$deal"
expect_eq "$(yget "$tf" .company)" "$acme"
expect_commits_since "$base" 1
expect_eq "$(git show --name-only --format= HEAD | sort | tr '\n' ' ')" "$(printf '%s\n' "$nf" "$tf" | sort | tr '\n' ' ')"
expect_subject "note: call with Ana García; next: Send proposal"
expect_clean
expect_eq "$(note_files | wc -l | tr -d ' ')" 1
expect_eq "$(task_files | wc -l | tr -d ' ')" 1
expect_eq "$(unparsable_yaml)" ""

test_case "--next friday on a Friday is a week ahead"
run env CRM_NOW=2026-11-27T16:00:00Z "$CRM" log call luis -m "Quick sync" --next friday "Follow up"
expect_rc 0
t2=$(printf '%s\n' "$out" | sed -n 2p)
expect_eq "$(yget "$(rec_path tasks "$t2")" .due)" "$(next_weekday 2026-11-27 5)"
expect_eq "$(yget "$(rec_path tasks "$t2")" .due)" "2026-12-04"
expect_clean

test_case "--next with a time keeps the time"
run crm log call luis -m "Agreed on a demo" --next "tomorrow 10:00" "Demo"
expect_rc 0
t3=$(printf '%s\n' "$out" | sed -n 2p)
expect_match "$(grep '^due:' "$(rec_path tasks "$t3")")" "^due: \"?$(date -u -d "$TODAY +1 day" +%F)T10:00:00Z\"?\$"
expect_clean

test_case "log email with two contacts, --at and the body from stdin"
printf 'Thanks for the quick reply.\nLine two: with a colon, and "quotes"\n\n  indented line\n' >"$WORK/reply.txt"
base=$(head_sha)
run crm log email ana luis --at "2026-11-20 09:30" -m - <"$WORK/reply.txt"
expect_rc 0
expect_out_is_id
nf=$(rec_path notes "$out")
expect_file "$nf"
expect_eq "$(yget "$nf" .kind)" "email"
expect_eq "$(yget "$nf" '.contacts | sort | join(",")')" "$(printf '%s\n' "$ana" "$luis" | sort | paste -sd,)"
expect_eq "$(yget "$nf" .body)" "$(cat "$WORK/reply.txt")"
expect_file_has "$nf" "at: 2026-11-20T09:30:00Z"
expect_match "$(yget "$nf" .at)" '^2026-11-20[T ]09:30:00'
# both work at Acme: the note belongs to Acme
expect_eq "$(yget "$nf" .company)" "$acme"
expect_commits_since "$base" 1
expect_subject "note: email with Ana García and Luis Pérez"
expect_eq "$(task_files | wc -l | tr -d ' ')" 3
expect_clean

test_case "log meeting with a company, --at tomorrow 10:00 and --duration"
base=$(head_sha)
run crm log meeting acme --at "tomorrow 10:00" --duration 45m -m "Kick-off"
expect_rc 0
expect_out_is_id
meeting=$out
nf=$(rec_path notes "$meeting")
expect_eq "$(yget "$nf" .kind)" "meeting"
expect_eq "$(yget "$nf" .company)" "$acme"
expect_eq "$(yget "$nf" '.contacts // [] | length')" 0
expect_eq "$(yget "$nf" .duration)" "45m"
expect_eq "$(yget "$nf" .body)" "Kick-off"
expect_file_has "$nf" "at: $(date -u -d "$TODAY +1 day" +%F)T10:00:00Z"
expect_commits_since "$base" 1
expect_subject "note: meeting with Acme Iberia S.L."
expect_clean

test_case "durations are normalised"
run crm log meeting acme --at "2026-11-10 15:00" --duration 90 -m "Workshop"
expect_rc 0
expect_eq "$(yget "$(rec_path notes "$out")" .duration)" "1h30m"
run crm log meeting acme --at "2026-11-11 15:00" --duration 1:30 --subject "Review" -m "x"
expect_rc 0
expect_eq "$(yget "$(rec_path notes "$out")" .duration)" "1h30m"
expect_eq "$(yget "$(rec_path notes "$out")" .subject)" "Review"
expect_clean

test_case "log note acme in \$EDITOR: '#' lines are dropped"
cat >"$WORK/editor.sh" <<EOF
#!/bin/sh
cp "\$1" "$WORK/template.txt"
printf '# a comment line\n\nLonger note, line one\n#  another comment\n\nline three # not a comment\n\n' >"\$1"
EOF
chmod +x "$WORK/editor.sh"
base=$(head_sha)
EDITOR="$WORK/editor.sh" run crm log note acme
expect_rc 0
expect_out_is_id
nf=$(rec_path notes "$out")
expect_eq "$(yget "$nf" .kind)" "note"
expect_eq "$(yget "$nf" .company)" "$acme"
expect_eq "$(yget "$nf" .body)" "$(printf 'Longer note, line one\n\nline three # not a comment')"
expect_file_lacks "$nf" "a comment line"
expect_file_lacks "$nf" "another comment"
expect_file "$WORK/template.txt"
# the template the editor got is only comments (or blank)
expect_eq "$(grep -v '^#' "$WORK/template.txt" | tr -d '[:space:]')" ""
expect_commits_since "$base" 1
expect_clean
expect_eq "$(ls -A .git/crm/tmp 2>/dev/null)" ""

test_case "VISUAL wins over EDITOR"
cat >"$WORK/visual.sh" <<'EOF'
#!/bin/sh
printf 'Written in VISUAL\n' >"$1"
EOF
chmod +x "$WORK/visual.sh"
VISUAL="$WORK/visual.sh" EDITOR=false run crm log note hank
expect_rc 0
expect_eq "$(yget "$(rec_path notes "$out")" .body)" "Written in VISUAL"
expect_clean

test_case "author is git's user.name (GIT_AUTHOR_NAME unset); --author overrides"
git config user.name "Rita Repo"
run env -u GIT_AUTHOR_NAME "$CRM" log call hank -m "Said hello"
expect_rc 0
expect_eq "$(yget "$(rec_path notes "$out")" .author)" "Rita Repo"
run crm log call hank -m "Said hello again" --author "Marta Other"
expect_rc 0
expect_eq "$(yget "$(rec_path notes "$out")" .author)" "Marta Other"
git config --unset user.name
expect_clean

test_case "company derived from the contact's company, or from the deal"
run crm log call hank -m "Globex call"
expect_rc 0
nf=$(rec_path notes "$out")
expect_eq "$(yget "$nf" .company)" "$globex"
expect_eq "$(yget "$nf" '.contacts | join(",")')" "$hank"
# people of two companies: no shared company
run crm log call ana hank -m "Intro call"
expect_rc 0
nf=$(rec_path notes "$out")
expect_eq "$(yget "$nf" 'has("company")')" "false"
expect_eq "$(yget "$nf" '.contacts | sort | join(",")')" "$(printf '%s\n' "$ana" "$hank" | sort | paste -sd,)"
# only a deal: its company
run crm log note --deal website -m "Scope notes"
expect_rc 0
nf=$(rec_path notes "$out")
expect_eq "$(yget "$nf" .company)" "$acme"
expect_eq "$(yget "$nf" .deal)" "$deal"
# a second company is a usage error
run crm log call acme globex -m "x"
expect_rc 2
expect_clean

test_case "--direction, --outcome, --tag, --subject and --commit-message"
base=$(head_sha)
run crm log call ana -m "They called us" --direction in --outcome "proposal requested" --tag hot --tag q4 \
  --subject "Inbound call" --commit-message "custom message"
expect_rc 0
nf=$(rec_path notes "$out")
expect_eq "$(yget "$nf" .direction)" "in"
expect_eq "$(yget "$nf" .outcome)" "proposal requested"
expect_eq "$(yget "$nf" '.tags | join(",")')" "hot,q4"
expect_eq "$(yget "$nf" .subject)" "Inbound call"
expect_subject "custom message"
expect_commits_since "$base" 1
expect_clean

test_case "a kind added to crm.yaml note_kinds"
python3 - <<'PY'
import re
s = open("crm.yaml", encoding="utf-8").read()
s = s.replace("  - note\n", "  - note\n  - visit\n", 1)
open("crm.yaml", "w", encoding="utf-8").write(s)
PY
git commit -qam "add visit kind"
run crm log visit acme -m "On site"
expect_rc 0
expect_eq "$(yget "$(rec_path notes "$out")" .kind)" "visit"
expect_clean

test_case "notes are listed and shown"
run crm note list
expect_rc 0
expect_out_has "Kick-off"
expect_out_has "Thanks for the quick reply."
run crm note list --format ids
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sort | paste -sd,)" \
  "$(note_files | sed 's|.*/||; s|\.yaml$||' | sort | paste -sd,)"
run crm note show "$meeting"
expect_rc 0
expect_out_has "Kick-off"
expect_out_has "45m"
expect_out_has "Acme Iberia S.L."

# ---------------------------------------------------------------------------
# Bad input: exit code, stdout empty, nothing written or committed.
git status --porcelain | grep -q . && { echo "tree not clean before the bad-input cases"; exit 1; }


cat >"$WORK/comments-only.sh" <<'EOF'
#!/bin/sh
printf '# only a comment\n#another one\n\n   \n' >"$1"
EOF
chmod +x "$WORK/comments-only.sh"

test_case "bad --at (exit 4)"
expect_refused 4 "yesterday-ish" crm log call ana -m "x" --at "yesterday-ish"
expect_refused 4 "2026-02-30" crm log call ana -m "x" --at 2026-02-30
expect_refused 4 "25:00" crm log call ana -m "x" --at "2026-11-20 25:00"

test_case "unknown kind (exit 2)"
expect_refused 2 "telepathy" crm log telepathy ana -m "x"

test_case "REF that matches nothing or several (exit 3)"
expect_refused 3 "nobody" crm log call nobody -m "x"
expect_refused 3 "nobody" crm log call ana nobody -m "x"
expect_refused 3 "" crm log call ana -m "x" --deal "no such deal"
crm contact add "Ana Martín" >/dev/null
git status --porcelain | grep -q . && failed "contact add left the tree dirty"
expect_refused 3 "Ana Martín" crm log call "ana" -m "x"
expect_err_has "Ana García"

test_case "no REF at all (exit 2)"
expect_refused 2 "" crm log call -m "x"

test_case "editor fails (exit 1), editor leaves only comments (exit 4)"
EDITOR=false expect_refused 1 "" crm log call "ana garcia"
EDITOR="$WORK/comments-only.sh" expect_refused 4 "empty" crm log call "ana garcia"
expect_refused 4 "empty" crm log call "ana garcia" -m ""
run_in "" crm log call "ana garcia" -m -
expect_rc 4
expect_clean

test_case "bad --duration (exit 4)"
expect_refused 4 "0m" crm log call "ana garcia" -m "x" --duration 0m
expect_refused 4 "abc" crm log call "ana garcia" -m "x" --duration abc
expect_refused 4 "-5m" crm log call "ana garcia" -m "x" --duration=-5m

test_case "bad --direction (exit 4)"
expect_refused 4 "sideways" crm log call "ana garcia" -m "x" --direction sideways

test_case "--next with one value (exit 2), with a bad date (exit 4)"
expect_refused 2 "" crm log call "ana garcia" -m "x" --next friday
expect_refused 4 "someday" crm log call "ana garcia" -m "x" --next someday "Send proposal"

# ---------------------------------------------------------------------------
test_case "crm check names a hand-written note file with a broken value"
run crm check
expect_rc 0
mkdir -p notes/zz
bad_note=notes/zz/zzzz0000aa.yaml
printf 'kind: call\nat: not-a-date\ncompany: %s\nbody: |\n  hand written\n' "$acme" >"$bad_note"
run crm check
expect_rc 4
expect_out_has "$bad_note"
expect_out_match "zzzz0000aa\.yaml.*at"
expect_out_has "not-a-date"
# a valid hand-written note passes
printf 'kind: call\nat: 2026-11-01T10:00:00Z\ncompany: %s\nbody: |\n  hand written\n' "$acme" >"$bad_note"
run crm check
expect_rc 0
hand_clean notes/zz

finish
