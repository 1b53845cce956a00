#!/bin/bash
# crm check --duplicates (same email, same phone by its digits, similar names at one company) and
# crm contact merge KEEP OTHER (lists unioned, disagreements under conflicts:, links re-pointed,
# the other file removed, one commit); imports that meet an existing email update, not duplicate.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

export CRM_NOW=2026-11-23T09:00:00Z

new_repo
acme=$(crm company add "Acme Iberia")
globex=$(crm company add "Globex")
ana=$(crm contact add "Ana García" --email ana@acme.example --company acme --title CTO --tag vip --owner luis)
ana2=$(env CRM_NOW=2026-11-20T08:00:00Z "$CRM" contact add "Ana Garcia" --email work:ANA@acme.example --phone "0034 600 000 001" \
  --company acme --title "VP Engineering" --tag lead --notes "Met at the fair" 2>/dev/null)
luis=$(crm contact add "Luis Pérez" --phone "+34 600-000-001" --reports-to "$ana2")
marta=$(crm contact add "Marta Ruiz" --company acme)
marta2=$(crm contact add "Marta Ruix" --company acme)
other_marta=$(crm contact add "Marta Ruiz" --company globex)
note=$(crm log call "$ana2" -m "Talked about the budget")
deal=$(crm deal add "Website" --contact "$ana2" --contact "$ana" --company acme)
task=$(crm task add "Send proposal" --for "$ana2")
camp=$(crm campaign add "Launch" --member "$ana2")
for v in "$acme" "$ana" "$ana2" "$luis" "$marta" "$marta2" "$other_marta" "$note" "$deal" "$task" "$camp"; do
  [ -n "$v" ] || { echo "setup failed"; exit 1; }
done

test_case "check --duplicates lists each pair with its reason and the merge command; exit 4"
base=$(head_sha)
run crm check --duplicates
expect_rc 4
expect_out_match "Ana García \\(${ana:0:8}\\) and Ana Garcia \\(${ana2:0:8}\\)|Ana Garcia \\(${ana2:0:8}\\) and Ana García \\(${ana:0:8}\\)"
expect_out_has "same email ana@acme.example"
expect_out_match "Luis Pérez .*Ana Garcia .*same phone number|Ana Garcia .*Luis Pérez .*same phone number"
expect_out_match "Marta Rui[zx] .*Marta Rui[zx] .*similar names at the same company"
expect_out_lacks "${other_marta:0:8}"
expect_eq "$(printf '%s\n' "$out" | grep -c '^duplicate: ')" 3
expect_out_has "crm contact merge"
expect_err_has "3 pair(s) of contacts look like duplicates"
expect_unchanged "$base"

test_case "check without --duplicates does not look for them"
run crm check
expect_rc 0
expect_out_empty

test_case "contact merge: one commit, links re-pointed, the other file removed"
base=$(head_sha)
run crm contact merge "$ana" "$ana2"
expect_rc 0
expect_commits_since "$base" 1
expect_subject "contact: merge Ana Garcia into Ana García and relink 5 record(s)"
expect_eq "$(printf '%s\n' "$out" | head -2 | tr '\n' ' ')" "$ana $ana2 "
expect_eq "$(printf '%s\n' "$out" | tail -n +3 | sort | tr '\n' ' ')" "$(printf '%s\n' "$luis" "$note" "$deal" "$task" "$camp" | sort | tr '\n' ' ')"
expect_no_file "$(rec_path contact "$ana2")"
f=$(rec_path contact "$ana")
expect_eq "$(yget "$f" .title)" "CTO"
expect_eq "$(yget "$f" '.conflicts.title | join(",")')" "VP Engineering"
expect_eq "$(yget "$f" 'has("conflicts") and (.conflicts | has("name"))')" "false"
expect_eq "$(yget "$f" '.tags | join(",")')" "vip,lead"
expect_eq "$(yget "$f" '.emails | length')" 1
expect_eq "$(yget "$f" '.phones[0]')" "0034 600 000 001"
expect_eq "$(yget "$f" .notes)" "Met at the fair"
expect_eq "$(yget "$f" .owner)" "luis"
expect_file_has "$f" "created: 2026-11-20T08:00:00Z"
expect_err_has "title: kept 'CTO', the other had 'VP Engineering'"
expect_eq "$(yget "$(rec_path contact "$luis")" .reports_to)" "$ana"
expect_eq "$(yget "$(rec_path notes "$note")" '.contacts | join(",")')" "$ana"
expect_eq "$(yget "$(rec_path deal "$deal")" '.contacts | join(",")')" "$ana"
expect_eq "$(yget "$(rec_path tasks "$task")" '.contacts | join(",")')" "$ana"
expect_eq "$(yget "$(rec_path campaigns "$camp")" '.contacts | join(",")')" "$ana"
expect_eq "$(git grep -c "$ana2" -- '*.yaml' | wc -l | tr -d ' ')" 0
expect_clean

test_case "after the merge: check lists the conflict (exit 5), show finds everything on the kept record"
run crm check
expect_rc 5
expect_out_has "conflict: title"
run crm show "$ana"
expect_rc 0
expect_out_has "Talked about the budget"
run crm contact show "$ana2"
expect_rc 3

test_case "merge refuses the same contact twice and unknown ones, changing nothing"
expect_refused 2 "are the same contact" crm contact merge "$ana" "Ana García"
expect_refused 3 "" crm contact merge "$ana" nobody-at-all

test_case "company merge: contacts, deals and subsidiaries re-pointed, one commit"
acme2=$(crm company add "ACME Iberia S.L." --domain acme.example --industry Retail --parent "$globex")
sub=$(crm company add "Acme Canarias" --parent "$acme2")
crm contact set "$marta" company="$acme2" >/dev/null
base=$(head_sha)
run crm company merge "$acme" "$acme2"
expect_rc 0
expect_commits_since "$base" 1
expect_subject "company: merge ACME Iberia S.L. into Acme Iberia and relink 2 record(s)"
expect_no_file "$(rec_path company "$acme2")"
expect_eq "$(yget "$(rec_path company "$acme")" '.domains | join(",")')" "acme.example"
expect_eq "$(yget "$(rec_path company "$acme")" .industry)" "Retail"
expect_eq "$(yget "$(rec_path company "$sub")" .parent)" "$acme"
expect_eq "$(yget "$(rec_path contact "$marta")" .company)" "$acme"
expect_eq "$(git grep -c "$acme2" -- '*.yaml' | wc -l | tr -d ' ')" 0
expect_clean

test_case "an import whose email matches an existing contact merges into it"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-1234\r\nFN:Ana G.\r\nEMAIL;TYPE=HOME:Ana@Acme.example\r\nTEL;TYPE=CELL:+34 699 999 999\r\nEND:VCARD\r\n' >"$WORK/ana.vcf"
run crm import vcard "$WORK/ana.vcf"
expect_rc 0
expect_out "$ana"
expect_err_has "Ana G.: merged into it (same email ana@acme.example as contact ${ana:0:8}"
expect_eq "$(yget "$(rec_path contact "$ana")" '.phones | length')" 2
expect_eq "$(find contacts -name '*.yaml' | wc -l | tr -d ' ')" 5
base=$(head_sha)
run crm import vcard "$WORK/ana.vcf"
expect_rc 0
expect_err_has "already there"
expect_unchanged "$base"

test_case "an import whose email belongs to two contacts is skipped with both named"
crm contact add "Dup One" --email same@x.example >/dev/null
crm contact add "Dup Two" --email same@x.example >/dev/null 2>&1
printf 'name,email\nSomeone,same@x.example\n' >"$WORK/same.csv"
expect_refused 4 "the email same@x.example belongs to 2 contacts" crm import csv "$WORK/same.csv"

finish
