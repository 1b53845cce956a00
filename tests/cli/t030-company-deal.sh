#!/bin/bash
# Deals (add, move, stage_history), crm show with links, rm of linked records.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

new_repo
acme=$(crm company add "Acme Iberia S.L." --domain acme.example --tag b2b)
ana=$(crm contact add "Ana García" --email ana@acme.example --phone "+34 600 111 222" --company "$acme" --title CTO)
luis=$(crm contact add "Luis Pérez" --email luis@acme.example --company acme --reports-to ana)

test_case "deal add with every acceptance flag"
base=$(head_sha)
CRM_NOW=2026-03-01T10:00:00Z run crm deal add "Website redesign" --company acme --contact ana --amount 12000 \
  --currency EUR --stage proposal --close 2026-12-31
expect_rc 0
expect_out_is_id
deal=$out
f=$(rec_path deal "$deal")
expect_file "$f"
expect_eq "$(yget "$f" .title)" "Website redesign"
expect_eq "$(yget "$f" .company)" "$acme"
expect_eq "$(yget "$f" '.contacts | join(",")')" "$ana"
expect_eq "$(yget "$f" .amount)" "12000"
expect_eq "$(yget "$f" .currency)" "EUR"
expect_eq "$(yget "$f" .stage)" "proposal"
expect_eq "$(yget "$f" .close)" "2026-12-31"
expect_eq "$(yget "$f" '.stage_history | length')" 1
expect_eq "$(yget "$f" '.stage_history[0].stage')" "proposal"
expect_match "$(yget "$f" '.stage_history[0].at')" '^2026-03-01[T ]10:00:00'
expect_commits_since "$base" 1
expect_subject "deal: add Website redesign"
expect_clean

test_case "deal move records both stages with dates"
base=$(head_sha)
CRM_NOW=2026-04-15T09:30:00Z run crm deal move "website" won
expect_rc 0
expect_out "$deal"
expect_eq "$(yget "$f" .stage)" "won"
expect_eq "$(yget "$f" '.stage_history | length')" 2
expect_eq "$(yget "$f" '[.stage_history[].stage] | join(",")')" "proposal,won"
expect_match "$(yget "$f" '.stage_history[0].at')" '^2026-03-01[T ]10:00:00'
expect_match "$(yget "$f" '.stage_history[1].at')" '^2026-04-15[T ]09:30:00'
# nothing else changed
expect_eq "$(yget "$f" .amount)" "12000"
expect_eq "$(yget "$f" .close)" "2026-12-31"
expect_commits_since "$base" 1
expect_subject "deal: move Website redesign to won"
expect_clean

test_case "deal move to the stage it is in commits nothing"
base=$(head_sha)
run crm deal move website won
expect_rc 0
expect_eq "$(yget "$f" '.stage_history | length')" 2
expect_unchanged "$base"

test_case "deal move --at and --reason"
d2=$(CRM_NOW=2026-04-01T10:00:00Z crm deal add "Hosting" --company acme --amount 300)
f2=$(rec_path deal "$d2")
expect_eq "$(yget "$f2" .currency)" "EUR"
expect_eq "$(yget "$f2" .stage)" "lead"
run crm deal move hosting lost --at 2026-05-02 --reason "went with a competitor"
expect_rc 0
expect_out "$d2"
expect_eq "$(yget "$f2" .stage)" "lost"
expect_eq "$(yget "$f2" .lost_reason)" "went with a competitor"
expect_match "$(yget "$f2" '.stage_history[1].at')" '^2026-05-02'
expect_subject "deal: move Hosting to lost"
expect_clean

test_case "deal set stage appends to stage_history"
CRM_NOW=2026-06-01T10:00:00Z run crm deal set hosting stage=negotiation
expect_rc 0
expect_eq "$(yget "$f2" '[.stage_history[].stage] | join(",")')" "lead,lost,negotiation"
expect_clean

test_case "amount keeps its decimals exactly"
run crm deal add "Support plan" --company acme --amount 12000.50 --currency usd
expect_rc 0
f3=$(rec_path deal "$out")
expect_file_has "$f3" "amount: 12000.50"
expect_eq "$(yget "$f3" .currency)" "USD"
expect_clean

test_case "crm show ana: record, company, deals, direct reports"
run crm show ana
expect_rc 0
expect_out_has "Ana García"
expect_out_has "CTO"
expect_out_has "ana@acme.example"
expect_out_has "+34 600 111 222"
expect_out_has "Acme Iberia S.L."
expect_out_has "Website redesign"
expect_out_has "direct reports"
expect_out_has "Luis Pérez"
expect_out_lacks "Hosting"
run crm show ana --json
expect_rc 0
j=$(printf '%s' "$out" | jq -c 'if type=="array" then .[0] else . end')
expect_eq "$(printf '%s' "$j" | jq -r .id)" "$ana"
expect_eq "$(printf '%s' "$j" | jq -r .name)" "Ana García"
expect_eq "$(printf '%s' "$j" | jq -r .company)" "$acme"
expect_eq "$(printf '%s' "$j" | jq -r '[.linked_from[] | .id] | sort | join(",")')" \
  "$(printf '%s\n' "$deal" "$luis" | sort | paste -sd,)"
expect_eq "$(printf '%s' "$j" | jq -r --arg l "$luis" '.linked_from[] | select(.id==$l) | .field')" "reports_to"

test_case "crm show of a company lists its people and deals"
run crm show acme
expect_rc 0
expect_out_has "Acme Iberia S.L."
expect_out_has "acme.example"
expect_out_has "Ana García"
expect_out_has "Luis Pérez"
expect_out_has "Website redesign"
expect_out_has "Hosting"
run crm company show "acme iberia"
expect_rc 0
expect_out_has "Acme Iberia S.L."

test_case "crm show of a deal"
run crm deal show website
expect_rc 0
expect_out_has "Website redesign"
expect_out_has "won"
expect_out_has "12000"
expect_out_has "Acme Iberia S.L."
expect_out_has "Ana García"
# both stage changes are shown with their dates
expect_out_has "2026-03-01"
expect_out_has "2026-04-15"

test_case "rm of a record others link to refuses, names them, changes nothing"
base=$(head_sha)
run crm company rm acme
expect_rc 4
expect_err_has "Ana García"
expect_err_has "Luis Pérez"
expect_err_has "Website redesign"
expect_err_has "--force"
expect_out_empty
expect_file "$(rec_path company "$acme")"
expect_unchanged "$base"
run crm contact rm ana
expect_rc 4
expect_err_has "Luis Pérez"
expect_err_has "Website redesign"
expect_unchanged "$base"

test_case "rm --force removes and unlinks them in one commit"
base=$(head_sha)
run crm contact rm ana --force
expect_rc 0
expect_match "$(printf '%s\n' "$out" | head -1)" "^$ana\$"
expect_out_has "$luis"
expect_out_has "$deal"
expect_no_file "$(rec_path contact "$ana")"
expect_eq "$(yget "$(rec_path contact "$luis")" 'has("reports_to")')" "false"
expect_eq "$(yget "$(rec_path contact "$luis")" .company)" "$acme"
expect_eq "$(yget "$f" '.contacts // [] | length')" 0
expect_eq "$(yget "$f" .company)" "$acme"
expect_commits_since "$base" 1
expect_match "$(last_subject)" '^contact: remove Ana García'
expect_eq "$(git show --name-only --format= HEAD | sort | tr '\n' ' ')" \
  "$(printf '%s\n' "$(rec_path contact "$ana")" "$(rec_path contact "$luis")" "$f" | sort | tr '\n' ' ')"
expect_clean
run crm check
expect_rc 0

base=$(head_sha)
run crm company rm acme --force
expect_rc 0
expect_no_file "$(rec_path company "$acme")"
for x in "$(rec_path contact "$luis")" "$f" "$f2" "$f3"; do
  expect_file_lacks "$x" "$acme"
done
expect_commits_since "$base" 1
expect_clean
run crm check
expect_rc 0

finish
