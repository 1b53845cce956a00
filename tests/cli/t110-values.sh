#!/bin/bash
# Values survive the trip through files exactly: awkward names, multi-line notes from stdin,
# relative dates, money; files stay readable by other YAML readers.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

new_repo

test_case "awkward names round-trip exactly (crm and PyYAML read the same string)"
i=0
while IFS= read -r name; do
  i=$((i + 1))
  run crm contact add "$name"
  if [ "$rc" != 0 ]; then
    failed "contact add [$name] failed"
    continue
  fi
  id=$out
  f=$(rec_path contact "$id")
  got=$(python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1], encoding="utf-8"))["name"], end="")' "$f" 2>&1)
  [ "$got" = "$name" ] && pass || failed "[$name] reads back from the file as [$got]"
  run crm show "$id" --json
  expect_eq "$(printf '%s' "$out" | jq -r 'if type=="array" then .[0].name else .name end')" "$name"
done <<'EOF'
Yes
NO
on
null
~
123
1e3
0x1F
0o17
2026-01-01
12:30
Ana: CEO
#1 fan
- dash
[brackets]
{braces}
@at
`tick
'single'
"double"
% pct
!bang
&amp
*star
|pipe
>gt
O'Brien
Ünïcödé 🎉
back\slash
...
---
a # not comment
key: value: more
?question
EOF
run crm check
expect_rc 0
expect_clean

test_case "multi-line notes from stdin (--notes -) round-trip exactly"
n=0
for notes in $'line one\nline two\n' $'  indented first\nsecond\n' $'trailing\n\n\n' 'no newline' $'tab\there\n' \
  $'# hash\n- dash\n' $'\nleading blank\n' $'ends with spaces   \nx\n' $'windows\r\nline\r\n' $'unicode ✓\n'; do
  n=$((n + 1))
  run_in "$notes" crm contact add "Notes $n" --notes -
  expect_rc 0
  f=$(rec_path contact "$out")
  python3 -c 'import sys,yaml; d=yaml.safe_load(open(sys.argv[1], encoding="utf-8", newline="")); sys.exit(0 if d.get("notes")==sys.argv[2] else 1)' \
    "$f" "$notes" && pass || failed "notes $n did not round-trip: $(od -c "$f" | head -5)"
done
run crm check
expect_rc 0
expect_clean

test_case "relative dates"
for pair in "today=2026-03-04" "tomorrow=2026-03-05" "friday=2026-03-06" "+3d=2026-03-07" "2w=2026-03-18" \
  "next month=2026-04-01" "2026-12-31=2026-12-31"; do
  when=${pair%%=*}
  want=${pair#*=}
  CRM_NOW=2026-03-04T10:00:00Z run crm deal add "Deal $when" --close "$when"
  expect_rc 0
  expect_eq "$(yget "$(rec_path deal "$out")" .close)" "$want"
done
expect_clean

test_case "money is stored as written, with its currency"
for amount in 0 12000 12000.50 0.01 999999999999.9999; do
  run crm deal add "Money $amount" --amount "$amount"
  expect_rc 0
  f=$(rec_path deal "$out")
  expect_file_has "$f" "amount: $amount"
  expect_eq "$(yget "$f" .currency)" "EUR"
done
expect_clean

test_case "crm rewrites only what it changed: other fields keep their values"
acme=$(crm company add "Acme" --domain acme.example --employees 50 --industry Software)
fc=$(rec_path company "$acme")
cp "$fc" "$WORK/before"
run crm company set acme --tag b2b
expect_rc 0
expect_eq "$(diff "$WORK/before" "$fc" | grep -c '^<')" 0
expect_file_has "$fc" "employees: 50"
expect_clean

test_case "hand-written comments survive crm set (hand edits are first-class)"
mkdir -p contacts/cm
printf '# Met at FOSDEM 2026; ask about the migration\nname: Camila Ortiz\ntitle: Dev  # promoted soon\n' >contacts/cm/cm3n5p7r9t.yaml
git add contacts/cm && git commit -qm "hand-written contact"
run crm contact set camila --add-tag fosdem
expect_rc 0
expect_file_has contacts/cm/cm3n5p7r9t.yaml "# Met at FOSDEM 2026; ask about the migration"
expect_file_has contacts/cm/cm3n5p7r9t.yaml "# promoted soon"
expect_clean

finish
