#!/bin/bash
# crm export json / crm import json: an exact round trip (ids kept, same bytes), idempotent
# re-import, --dry-run, and bad files refused with file, line and record number.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

export CRM_NOW=2026-11-23T09:00:00Z

new_repo src
acme=$(crm company add "Acme Iberia S.L." --domain acme.example --tag customer)
ana=$(crm contact add "Ana García" --email work:ana@acme.example --phone "+34 600 000 001" --company acme \
  --birthday 1990-02-03 --notes "línea 1
línea 2: with a colon")
luis=$(crm contact add "Luis Pérez" --email luis@acme.example --reports-to ana)
deal=$(crm deal add "Website redesign" --company acme --contact ana --amount 12000.50 --stage proposal)
crm log call ana -m "Discussed budget" --deal website --next 2026-12-01 "Send proposal" >/dev/null
camp=$(crm campaign add "Spring launch" --member ana --start 2026-03-01 --end 2026-03-31)
for v in "$acme" "$ana" "$luis" "$deal" "$camp"; do [ -n "$v" ] || { echo "setup failed"; exit 1; }; done

test_case "export json: one array of every record, ids and created kept"
run crm export json
expect_rc 0
printf '%s\n' "$out" >"$WORK/all.json"
expect_eq "$(jq length "$WORK/all.json")" 7
expect_eq "$(jq -r '[.[].type] | join(",")' "$WORK/all.json")" "contact,contact,company,deal,note,task,campaign"
expect_eq "$(jq -r --arg id "$ana" '.[] | select(.id == $id) | .name' "$WORK/all.json")" "Ana García"
expect_eq "$(jq -r --arg id "$ana" '.[] | select(.id == $id) | .emails[0].work' "$WORK/all.json")" "ana@acme.example"
expect_eq "$(jq -r --arg id "$deal" '.[] | select(.id == $id) | .amount' "$WORK/all.json")" "12000.50"
expect_eq "$(jq -r --arg id "$ana" '.[] | select(.id == $id) | .created' "$WORK/all.json")" "2026-11-23T09:00:00Z"
expect_err_has "exported 7 record(s)"

test_case "export json QUERY -o FILE"
run crm export json type:contact -o "$WORK/contacts.json"
expect_rc 0
expect_out_empty
expect_eq "$(jq -r '[.[].name] | sort | join(",")' "$WORK/contacts.json")" "Ana García,Luis Pérez"
expect_clean

test_case "import into an empty repository, export again: the same bytes"
new_repo dst
base=$(head_sha)
run crm import json "$WORK/all.json"
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "$(jq -r '.[].id' "$WORK/all.json" | sort | tr '\n' ' ')"
expect_commits_since "$base" 1
expect_subject "import: json all.json (7 added, 0 updated)"
expect_err_has "7 added, 0 updated, 0 unchanged, 0 not imported"
expect_clean
crm export json >"$WORK/again.json" 2>/dev/null
cmp -s "$WORK/all.json" "$WORK/again.json" && pass || failed "export after import differs: $(diff "$WORK/all.json" "$WORK/again.json" | head -5)"
cmp -s "$WORK/src/$(rec_path contact "$ana")" "$(rec_path contact "$ana")" && pass || failed "the record file differs from the source"
run crm show ana
expect_rc 0
expect_out_has "Website redesign"

test_case "re-import: nothing changes, no commit"
base=$(head_sha)
run crm import json "$WORK/all.json"
expect_rc 0
expect_out_empty
expect_err_has "0 added, 0 updated, 7 unchanged"
expect_unchanged "$base"

test_case "re-import after an edit updates the record, never duplicates it"
jq --arg id "$luis" 'map(if .id == $id then .title = "CTO" else . end)' "$WORK/all.json" >"$WORK/edited.json"
base=$(head_sha)
run crm import json "$WORK/edited.json"
expect_rc 0
expect_out "$luis"
expect_subject "import: json edited.json (0 added, 1 updated)"
expect_eq "$(yget "$(rec_path contact "$luis")" .title)" "CTO"
expect_eq "$(find contacts -name '*.yaml' | wc -l | tr -d ' ')" 2

test_case "--dry-run lists what would happen and changes nothing"
jq '. + [{"type":"contact","name":"Marta Ruiz","emails":["marta@example.org"]}] | map(if .type == "task" then .title = "Send the proposal" else . end)' \
  "$WORK/all.json" >"$WORK/more.json"
base=$(head_sha)
run crm import json --dry-run "$WORK/more.json"
expect_rc 0
expect_out_match "^add	contact	[0-9a-z]{10}	Marta Ruiz	.*more.json:[0-9]+: record 8$"
expect_out_match "^update	task	[0-9a-z]+	Send the proposal	"
expect_out_match "^update	contact	$luis	Luis Pérez	"
expect_out_match "^unchanged	company	$acme	Acme Iberia S.L.	"
expect_err_has "would be 1 added, 2 updated, 5 unchanged, 0 not imported; nothing was changed"
expect_unchanged "$base"

test_case "a record without an id is added with a new one"
run crm import json "$WORK/more.json"
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 3
run crm contact show marta
expect_rc 0
expect_out_has "marta@example.org"

test_case "not an array: refused, nothing changed"
printf '{"type": "contact", "name": "X"}\n' >"$WORK/object.json"
expect_refused 4 "object.json: the file holds a JSON object, not an array of records" crm import json "$WORK/object.json"

test_case "not JSON: refused with line and column"
printf '[\n  {"type": "contact",\n   "name": "X"\n' >"$WORK/truncated.json"
expect_refused 4 "truncated.json:4:1: not valid JSON" crm import json "$WORK/truncated.json"

test_case "invalid UTF-8: refused with its place"
printf '[\n {"type": "contact", "name": "Bad \xff name"}\n]\n' >"$WORK/latin1.json"
expect_refused 4 "latin1.json:2:" crm import json "$WORK/latin1.json"

test_case "bad records are named with line and record number; the good ones are imported"
cat >"$WORK/mixed.json" <<'EOF'
[
  {"type": "contact", "name": "Good One", "emails": ["good@example.org"]},
  {"type": "contact", "id": "../../etc/passwd", "name": "Path"},
  {"type": "contact", "name": ["not", "text"]},
  {"type": "contact", "name": "Bad Mail", "emails": ["not-an-email"]},
  {"type": "planet", "name": "Mars"},
  "just text",
  {"type": "deal", "title": "Cheap", "amount": "-5"},
  {"type": "company", "name": "Good Company"}
]
EOF
base=$(head_sha)
run crm import json "$WORK/mixed.json"
expect_rc 4
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2
expect_err_has "mixed.json:3: record 2: \"id\" \"../../etc/passwd\" is not a record id"
expect_err_has "mixed.json:4: record 3:"
expect_err_has "name must be a single value"
expect_err_has "mixed.json:5: record 4: Bad Mail: emails: 'not-an-email' is not a valid email address"
expect_err_has "mixed.json:6: record 5: unknown type 'planet'"
expect_err_has "mixed.json:7: record 6: a record is a JSON object, not a string"
expect_err_has "mixed.json:8: record 7: Cheap: amount: '-5' is not an amount"
expect_err_match "record 2: .*
.*record 3: .*
.*record 4: .*
.*record 5: .*
.*record 6: .*
.*record 7: "
expect_err_has "6 record(s) could not be imported"
expect_commits_since "$base" 1
expect_subject "import: json mixed.json (2 added, 0 updated)"
expect_no_file "$WORK/etc/passwd"
expect_eq "$(git ls-files | grep -c passwd)" 0
run crm contact show "Good One"
expect_rc 0
expect_clean

test_case "bad records with --dry-run: named, exit 4, nothing changed"
base=$(head_sha)
run crm import json --dry-run "$WORK/mixed.json"
expect_rc 4
expect_err_has "record 2: \"id\""
expect_out_match "^skip	deal	[0-9a-z]+	Cheap	.*record 7	amount: "
expect_out_match "^unchanged	company	[0-9a-z]+	Good Company	"
expect_unchanged "$base"

test_case "an id that is another type's: skipped"
printf '[{"type": "company", "id": "%s", "name": "Not Ana"}]\n' "$ana" >"$WORK/clash.json"
expect_refused 4 "is a contact already" crm import json "$WORK/clash.json"

test_case "import from stdin"
printf '[{"type": "contact", "name": "Stdin Person"}]\n' >"$WORK/stdin.json"
run sh -c "'$CRM' import json - <'$WORK/stdin.json'"
expect_rc 0
expect_out_is_id
expect_subject "import: json stdin (1 added, 0 updated)"

test_case "links to records that are not there are kept and named"
printf '[{"type": "contact", "name": "Orphan", "company": "zzzzzzzzzz"}]\n' >"$WORK/orphan.json"
run crm import json "$WORK/orphan.json"
expect_rc 0
expect_out_is_id
expect_err_has "links to zzzzzzzzzz, which is neither in the repository nor in the import"
run crm check
expect_rc 4
expect_out_has "company: links to zzzzzzzzzz, which does not exist"

test_case "missing file: not found, nothing changed"
expect_refused 3 "nope.json: no such file" crm import json "$WORK/nope.json"

finish
