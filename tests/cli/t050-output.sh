#!/bin/bash
# Output: ids only from mutating commands, --json records, list formats, colour rules.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

new_repo
acme=$(crm company add "Acme Iberia S.L." --domain acme.example --tag b2b)
ana=$(crm contact add "Ana García" --email ana@acme.example --phone "+34 600 111 222" --company "$acme" --title CTO)
luis=$(crm contact add "Luis Pérez" --email luis@acme.example --company acme --reports-to ana)
odd=$(crm contact add 'Zoe "Quote", Comma' --email zoe@acme.example --title 'Head of R&D | Ops')
deal=$(crm deal add "Website redesign" --company acme --contact ana --amount 12000 --currency EUR --stage proposal --close 2026-12-31)
ids_sorted=$(printf '%s\n' "$ana" "$luis" "$odd" | sort)

test_case "mutating commands print only the affected ids"
run crm contact add "Only Id" --email only@x.example
expect_rc 0
expect_out_is_id
only=$out
run crm contact set only --title Boss
expect_rc 0
expect_out "$only"
run crm deal move website negotiation
expect_rc 0
expect_out "$deal"
run crm contact rm only
expect_rc 0
expect_out "$only"
run crm company add "Quiet Co" -q
expect_rc 0
expect_out_is_id
expect_err_empty
quiet=$out
run crm company rm "$quiet"
expect_rc 0
expect_out "$quiet"
expect_clean

test_case "--json on mutating commands prints the records"
run crm contact add "Json Person" --email json@x.example --title Dev --json
expect_rc 0
printf '%s' "$out" | jq -e . >/dev/null && pass || failed "stdout should be JSON"
rec=$(printf '%s' "$out" | jq -c 'if type=="array" then .[0] else . end')
jp=$(printf '%s' "$rec" | jq -r .id)
expect_eq "$(printf '%s' "$rec" | jq -r .name)" "Json Person"
expect_eq "$(printf '%s' "$rec" | jq -r .title)" "Dev"
expect_eq "$(printf '%s' "$rec" | jq -r '.emails[0]')" "json@x.example"
expect_file "$(rec_path contact "$jp")"
run crm --json contact set "$jp" --title Lead
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r 'if type=="array" then .[0].title else .title end')" "Lead"
run crm deal move website proposal --json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r 'if type=="array" then .[0].stage else .stage end')" "proposal"
EDITOR="sed -i s/^title:.*/title:\ Editor/" run crm --json edit "$jp"
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r 'if type=="array" then .[0].title else .title end')" "Editor"
# rm --json prints the removed record as JSON too (not a bare id)
run crm contact rm "$jp" --json
expect_rc 0
printf '%s' "$out" | jq -e . >/dev/null 2>&1 && pass || failed "rm --json should print JSON"
expect_eq "$(printf '%s' "$out" | jq -r 'if type=="array" then .[0].id else .id end' 2>/dev/null)" "$jp"
expect_no_file "$(rec_path contact "$jp")"
expect_clean

test_case "list --format table (default when not a TTY)"
run crm contact list
expect_rc 0
expect_match "$(printf '%s\n' "$out" | head -1)" '^id +name'
expect_eq "$(printf '%s\n' "$out" | wc -l)" 4
expect_out_has "Ana García"
expect_out_has "Luis Pérez"
expect_out_has "ana@acme.example"
expect_out_has "Acme Iberia S.L."
run crm contact list --format table
expect_rc 0
expect_out_has "Ana García"

test_case "list --format json | jq ."
run crm contact list --format json
expect_rc 0
printf '%s' "$out" | jq . >/dev/null && pass || failed "jq . should accept it"
expect_eq "$(printf '%s' "$out" | jq -r 'type')" "array"
expect_eq "$(printf '%s' "$out" | jq -r 'length')" 3
expect_eq "$(printf '%s' "$out" | jq -r '[.[].id] | sort | .[]')" "$ids_sorted"
expect_eq "$(printf '%s' "$out" | jq -r --arg a "$ana" '.[] | select(.id==$a) | .name')" "Ana García"
expect_eq "$(printf '%s' "$out" | jq -r --arg a "$ana" '.[] | select(.id==$a) | .company')" "$acme"
expect_eq "$(printf '%s' "$out" | jq -r --arg a "$ana" '.[] | select(.id==$a) | .phones[0]')" "+34 600 111 222"
expect_eq "$(printf '%s' "$out" | jq -r --arg l "$luis" '.[] | select(.id==$l) | .reports_to')" "$ana"
expect_eq "$(printf '%s' "$out" | jq -r --arg z "$odd" '.[] | select(.id==$z) | .name')" 'Zoe "Quote", Comma'
run crm --json contact list
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r 'length')" 3

test_case "list --format ndjson"
run crm contact list --format ndjson
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" 3
expect_eq "$(printf '%s\n' "$out" | jq -c . 2>/dev/null | wc -l)" 3
expect_eq "$(printf '%s\n' "$out" | jq -r .id | sort)" "$ids_sorted"

test_case "list --format csv (RFC 4180 quoting, full ids)"
run crm contact list --format csv
expect_rc 0
csv_json=$(printf '%s\n' "$out" | python3 -c 'import csv,json,sys; print(json.dumps(list(csv.DictReader(sys.stdin))))')
expect_eq "$(printf '%s' "$csv_json" | jq -r 'length')" 3
expect_eq "$(printf '%s' "$csv_json" | jq -r '[.[].id] | sort | .[]')" "$ids_sorted"
expect_eq "$(printf '%s' "$csv_json" | jq -r --arg z "$odd" '.[] | select(.id==$z) | .name')" 'Zoe "Quote", Comma'
expect_eq "$(printf '%s' "$csv_json" | jq -r --arg a "$ana" '.[] | select(.id==$a) | .company')" "Acme Iberia S.L."
expect_eq "$(printf '%s' "$csv_json" | jq -r --arg a "$ana" '.[] | select(.id==$a) | .emails')" "ana@acme.example"

test_case "list --format tsv"
run crm contact list --format tsv
expect_rc 0
expect_match "$(printf '%s\n' "$out" | head -1)" "^id	name	"
expect_eq "$(printf '%s\n' "$out" | wc -l)" 4
expect_eq "$(printf '%s\n' "$out" | awk -F'\t' -v a="$ana" '$1==a {print $2}')" "Ana García"
# every row has as many columns as the header
expect_eq "$(printf '%s\n' "$out" | awk -F'\t' '{print NF}' | sort -u | wc -l | tr -d ' ')" 1

test_case "list --format yaml"
run crm contact list --format yaml
expect_rc 0
y=$(printf '%s\n' "$out" | python3 -c 'import json,sys,yaml; print(json.dumps(list(yaml.safe_load_all(sys.stdin)), default=str))')
expect_eq "$(printf '%s' "$y" | jq -r '[.[] | select(. != null)] | length')" 3
expect_eq "$(printf '%s' "$y" | jq -r '[.[] | select(. != null) | .id] | sort | .[]')" "$ids_sorted"
expect_eq "$(printf '%s' "$y" | jq -r --arg a "$ana" '.[] | select(. != null and .id==$a) | .name')" "Ana García"

test_case "list --format ids"
run crm contact list --format ids
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sort)" "$ids_sorted"

test_case "list --format markdown"
run crm contact list --format markdown
expect_rc 0
expect_match "$(printf '%s\n' "$out" | sed -n 1p)" '^\| id \| name \|'
expect_match "$(printf '%s\n' "$out" | sed -n 2p)" '^\|( ?:?-+:? ?\|)+$'
expect_eq "$(printf '%s\n' "$out" | wc -l)" 5
# a | inside a value is escaped so the row keeps its columns
row=$(printf '%s\n' "$out" | grep 'Zoe')
expect_match "$row" 'R&D \\\| Ops'

test_case "company and deal lists"
run crm company list --format ids
expect_rc 0
expect_out "$acme"
run crm deal list --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.[0].title')" "Website redesign"
expect_eq "$(printf '%s' "$out" | jq -r '.[0].amount | tostring')" "12000"
run crm deal list
expect_rc 0
expect_out_has "Website redesign"
expect_out_has "Acme Iberia S.L."

test_case "--format bogus is a usage error"
run crm contact list --format bogus
expect_rc 2
expect_out_empty
expect_err_has "bogus"
run crm --format bogus contact list
expect_rc 2
base=$(head_sha)
run crm contact add "Never Added" --format bogus
expect_rc 2
expect_unchanged "$base"

test_case "not a TTY: no colour codes (even without NO_COLOR)"
for cmd in "contact list" "show ana" "history ana" "deal list" "check"; do
  # shellcheck disable=SC2086
  env -u NO_COLOR "$CRM" $cmd >"$WORK/o" 2>"$WORK/e"
  has_esc "$(cat "$WORK/o" "$WORK/e")" && failed "crm $cmd wrote ANSI codes to a pipe" || pass
done
run env -u NO_COLOR "$CRM" contact add "Pipe Person"
has_esc "$out$err" && failed "contact add wrote ANSI codes" || pass
crm contact rm "pipe person" >/dev/null

test_case "--color always emits ANSI codes; --color never and NO_COLOR do not"
run crm contact list --color always
expect_rc 0
has_esc "$out" && pass || failed "--color always should colour the table"
run crm --color always show ana
expect_rc 0
has_esc "$out" && pass || failed "--color always should colour crm show"
run env -u NO_COLOR "$CRM" --color never contact list
has_esc "$out" && failed "--color never must not colour" || pass
run crm --color bogus contact list
expect_rc 2

if command -v script >/dev/null 2>&1 && script -qc true /dev/null >/dev/null 2>&1; then
  test_case "on a TTY: colour by default, none with NO_COLOR or --color never"
  tty_out() { script -qc "$1" /dev/null </dev/null 2>/dev/null; }
  o=$(tty_out "env -u NO_COLOR '$CRM' contact list")
  has_esc "$o" && pass || failed "a TTY should get colour by default"
  o=$(tty_out "env NO_COLOR=1 '$CRM' contact list")
  expect_match "$o" 'Ana García'
  has_esc "$o" && failed "NO_COLOR must turn colour off on a TTY" || pass
  o=$(tty_out "env -u NO_COLOR '$CRM' --color never contact list")
  expect_match "$o" 'Ana García'
  has_esc "$o" && failed "--color never must turn colour off on a TTY" || pass
  o=$(tty_out "env -u NO_COLOR '$CRM' show ana")
  has_esc "$o" && pass || failed "crm show on a TTY should get colour"
fi

test_case "record lists print as they read: title order, --limit, one yaml record, an unreadable file left out"
(
  new_repo streamed
  for n in "Cy Third" "Ab First" "Bo Second"; do crm contact add "$n" >/dev/null; done
  mkdir -p contacts/zz && printf 'name: [unclosed\n' >contacts/zz/zzbroken01.yaml
  git add contacts && git commit -qm "a broken file"
)
cd "$WORK/streamed" || exit 1
run crm contact list --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '[.[].name] | join(",")')" "Ab First,Bo Second,Cy Third"
expect_err_has "1 contacts file(s) could not be read"
run crm contact list --format ndjson --limit 2
expect_eq "$(printf '%s\n' "$out" | jq -r .name | paste -sd, -)" "Ab First,Bo Second"
run crm contact list --format yaml --limit 1
expect_out_lacks "---"
expect_out_has "name: Ab First"
run crm contact list --format yaml
expect_eq "$(printf '%s\n' "$out" | grep -c '^---$')" 3
run crm contact list nobody-at-all --format json
expect_out "[]"
cd "$WORK/repo" || exit 1

expect_clean
finish
