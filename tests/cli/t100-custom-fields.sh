#!/bin/bash
# Custom fields: declared in crm.yaml (edited by hand, committed with git), set with --field or
# NAME=VALUE, validated by their type; undeclared ones are refused.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

new_repo
ana=$(crm contact add "Ana García" --email ana@acme.example)
fa=$(rec_path contact "$ana")
deal=$(crm deal add "Website redesign" --amount 100)

test_case "an undeclared custom field is refused (exit 4), nothing changed"
base=$(head_sha)
run crm contact set ana --field linkedin=https://x.example/ana
expect_rc 4
expect_err_has "linkedin"
expect_out_empty
expect_unchanged "$base"
expect_file_lacks "$fa" "linkedin"

test_case "declare fields in crm.yaml by hand and commit with git"
python3 - <<'PY'
import re
p = "crm.yaml"
s = open(p, encoding="utf-8").read()
decl = "fields:\n  contact:\n    linkedin: url\n    shoe_size: integer\n    vip_since: date\n    newsletter: boolean\n  deal:\n    po_number: string\n"
s2 = re.sub(r"^fields:.*(\n[ ].*)*\n?", decl, s, flags=re.M)
if s2 == s:
    s2 = s.rstrip("\n") + "\n" + decl
open(p, "w", encoding="utf-8").write(s2)
PY
expect_eq "$(yget crm.yaml '.fields.contact.linkedin')" "url"
git commit -qam "declare custom fields"
expect_clean
run crm check
expect_rc 0

test_case "contact set --field linkedin=URL"
base=$(head_sha)
run crm contact set ana --field linkedin=https://x.example/ana
expect_rc 0
expect_out "$ana"
expect_eq "$(yget "$fa" .fields.linkedin)" "https://x.example/ana"
expect_eq "$(yget "$fa" '.emails[0]')" "ana@acme.example"
expect_commits_since "$base" 1
expect_match "$(last_subject)" '^contact: set Ana García'
expect_clean
run crm show ana
expect_out_has "linkedin"
expect_out_has "https://x.example/ana"
run crm show ana --json
expect_eq "$(printf '%s' "$out" | jq -r 'if type=="array" then .[0] else . end | .fields.linkedin')" "https://x.example/ana"
run crm contact list --format json
expect_eq "$(printf '%s' "$out" | jq -r '.[0].fields.linkedin')" "https://x.example/ana"
run crm history ana --json
expect_eq "$(printf '%s' "$out" | jq -r '.[0].changes[0].field')" "fields"

test_case "other declared types are validated"
run crm contact set ana --field shoe_size=42 --field vip_since=2024-05-01 --field newsletter=true
expect_rc 0
expect_eq "$(yget "$fa" .fields.shoe_size)" "42"
expect_eq "$(yget "$fa" .fields.vip_since)" "2024-05-01"
expect_eq "$(yget "$fa" .fields.newsletter)" "true"
expect_clean
run crm check
expect_rc 0
for bad in "shoe_size=big" "vip_since=2024-13-01" "newsletter=maybe" "linkedin=not a url"; do
  base=$(head_sha)
  run crm contact set ana --field "$bad"
  expect_rc 4
  expect_err_has "${bad%%=*}"
  expect_unchanged "$base"
done

test_case "NAME=VALUE also sets a declared custom field"
run crm contact set ana linkedin=https://y.example/ana
expect_rc 0
expect_eq "$(yget "$fa" .fields.linkedin)" "https://y.example/ana"
expect_clean

test_case "custom fields belong to their record type"
base=$(head_sha)
run crm deal set website --field linkedin=https://x.example/d
expect_rc 4
expect_unchanged "$base"
run crm deal set website --field po_number=PO-2026-17
expect_rc 0
expect_eq "$(yget "$(rec_path deal "$deal")" .fields.po_number)" "PO-2026-17"
expect_clean
base=$(head_sha)
run crm contact set ana --field po_number=PO-1
expect_rc 4
expect_unchanged "$base"

test_case "add accepts --field too"
run crm contact add "Luis Pérez" --field linkedin=https://x.example/luis
expect_rc 0
expect_eq "$(yget "$(rec_path contact "$out")" .fields.linkedin)" "https://x.example/luis"
expect_clean
base=$(head_sha)
run crm contact add "Nope" --field twitter=@nope
expect_rc 4
expect_unchanged "$base"

test_case "clearing a custom field"
run crm contact set ana --field shoe_size=
expect_rc 0
expect_eq "$(yget "$fa" '.fields | has("shoe_size")')" "false"
expect_eq "$(yget "$fa" .fields.linkedin)" "https://y.example/ana"
expect_clean

test_case "an undeclared field written by hand is reported by check with its line"
sed -i 's/^fields:$/fields:\n  twitter: "@ana"/' "$fa"
run crm check
expect_rc 4
expect_out_match "^$(printf '%s' "$fa" | sed 's/\./\\./g'):[0-9]+:[0-9]+: .*twitter"
git checkout -q -- "$fa"

test_case "a broken crm.yaml is named with path:line:col"
cp crm.yaml "$WORK/crm.yaml.good"
printf 'fields:\n  contact:\n    linkedin: hyperlink\n' >>crm.yaml
run crm contact list
expect_rc 4
expect_err_match 'crm\.yaml:[0-9]+:[0-9]+'
cp "$WORK/crm.yaml.good" crm.yaml
sed -i 's/linkedin: url/linkedin: hyperlink/' crm.yaml
run crm check
expect_rc 4
expect_err_match 'crm\.yaml:[0-9]+:[0-9]+: .*linkedin'
cp "$WORK/crm.yaml.good" crm.yaml
expect_clean
run crm check
expect_rc 0

finish
