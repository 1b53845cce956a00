#!/bin/bash
# crm company/contact add, set, rm: stdout, files, commits, clean status.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

new_repo

test_case "company add prints only the id and writes companies/<sh>/<id>.yaml"
base=$(head_sha)
run crm company add "Acme Iberia S.L." --domain acme.example --tag b2b
expect_rc 0
expect_out_is_id
acme=$out
f=$(rec_path company "$acme")
expect_file "$f"
expect_eq "$(yget "$f" .name)" "Acme Iberia S.L."
expect_eq "$(yget "$f" '.domains | join(",")')" "acme.example"
expect_eq "$(yget "$f" '.tags | join(",")')" "b2b"
expect_match "$(yget "$f" .created)" '^2[0-9]{3}-[0-9]{2}-[0-9]{2}'
expect_eq "$(yget "$f" 'has("id")')" "false"
expect_commits_since "$base" 1
expect_subject "company: add Acme Iberia S.L."
expect_eq "$(git show --name-only --format= HEAD)" "$f"
expect_clean

test_case "contact add with every acceptance flag"
base=$(head_sha)
run crm contact add "Ana García" --email ana@acme.example --phone "+34 600 111 222" --company "$acme" --title CTO
expect_rc 0
expect_out_is_id
ana=$out
f=$(rec_path contact "$ana")
expect_file "$f"
expect_eq "$(yget "$f" .name)" "Ana García"
expect_eq "$(yget "$f" '.emails | join(",")')" "ana@acme.example"
expect_eq "$(yget "$f" '.phones | join(",")')" "+34 600 111 222"
expect_eq "$(yget "$f" .company)" "$acme"
expect_eq "$(yget "$f" .title)" "CTO"
expect_eq "$(yget "$f" 'keys | length')" 6
expect_commits_since "$base" 1
expect_subject "contact: add Ana García"
expect_clean
# git stored exactly what is on disk
expect_eq "$(git show "HEAD:$f")" "$(cat "$f")"

test_case "contact add with --company by name and --reports-to by name"
base=$(head_sha)
run crm contact add "Luis Pérez" --email luis@acme.example --company acme --reports-to ana
expect_rc 0
expect_out_is_id
luis=$out
f=$(rec_path contact "$luis")
expect_eq "$(yget "$f" .company)" "$acme"
expect_eq "$(yget "$f" .reports_to)" "$ana"
expect_commits_since "$base" 1
expect_subject "contact: add Luis Pérez"
expect_clean

test_case "contact set --add-tag by accent-free name"
base=$(head_sha)
run crm contact set garcia --add-tag vip
expect_rc 0
expect_out "$ana"
f=$(rec_path contact "$ana")
expect_eq "$(yget "$f" '.tags | join(",")')" "vip"
# the rest of the record is untouched
expect_eq "$(yget "$f" .title)" "CTO"
expect_eq "$(yget "$f" .company)" "$acme"
expect_commits_since "$base" 1
expect_match "$(last_subject)" '^contact: set Ana García'
expect_clean
# adding the same tag again adds nothing and commits nothing
base=$(head_sha)
run crm contact set garcia --add-tag VIP
expect_rc 0
expect_eq "$(yget "$f" '.tags | length')" 1
expect_unchanged "$base"

test_case "contact set FIELD=VALUE, clear with FIELD=, -m overrides the message"
base=$(head_sha)
run crm contact set ana title="VP Engineering" -m "promote Ana"
expect_rc 0
expect_out "$ana"
expect_eq "$(yget "$f" .title)" "VP Engineering"
expect_subject "promote Ana"
expect_commits_since "$base" 1
expect_clean
run crm contact set ana title=
expect_rc 0
expect_eq "$(yget "$f" 'has("title")')" "false"
expect_clean
run crm contact set ana --rm-tag vip
expect_rc 0
expect_eq "$(yget "$f" '.tags // [] | length')" 0
expect_clean
run crm contact set ana --add-tag vip
expect_rc 0
expect_clean

test_case "a second email and a labelled phone"
run crm contact set ana --email "home:ana@home.example" --phone "mobile:+34 600 999 000"
expect_rc 0
expect_out "$ana"
expect_eq "$(yget "$f" '.emails | length')" 2
expect_file_has "$f" "ana@home.example"
expect_file_has "$f" "+34 600 999 000"
expect_clean

test_case "set on nothing to change is a usage error"
base=$(head_sha)
run crm contact set ana
expect_rc 2
expect_unchanged "$base"

test_case "contact add --json prints the record"
run crm contact add "Marta Díaz" --email marta@acme.example --json
expect_rc 0
marta=$(printf '%s' "$out" | jq -r 'if type=="array" then .[0].id else .id end')
expect_match "$marta" '^[0-9a-z]{8,32}$'
expect_eq "$(printf '%s' "$out" | jq -r 'if type=="array" then .[0].name else .name end')" "Marta Díaz"
expect_eq "$(printf '%s' "$out" | jq -r 'if type=="array" then .[0].emails[0] else .emails[0] end')" "marta@acme.example"
expect_file "$(rec_path contact "$marta")"
expect_subject "contact: add Marta Díaz"
expect_clean

test_case "emails are stored lower-case; names are trimmed"
run crm contact add "  Pepe Ruiz  " --email Pepe@ACME.example
expect_rc 0
pepe=$out
expect_eq "$(yget "$(rec_path contact "$pepe")" .name)" "Pepe Ruiz"
expect_eq "$(yget "$(rec_path contact "$pepe")" '.emails[0]')" "pepe@acme.example"
expect_subject "contact: add Pepe Ruiz"
expect_clean

test_case "contact rm of an unlinked record"
base=$(head_sha)
run crm contact rm pepe
expect_rc 0
expect_out "$pepe"
expect_no_file "$(rec_path contact "$pepe")"
expect_commits_since "$base" 1
expect_subject "contact: remove Pepe Ruiz"
expect_clean
run crm contact show pepe
expect_rc 3

test_case "contact list shows what was added"
run crm contact list --format ids
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "$(printf '%s\n' "$ana" "$luis" "$marta" | sort | tr '\n' ' ')"

test_case "one commit per change, readable messages"
expect_eq "$(git log --format=%s | grep -c '^contact: add ')" 4
expect_eq "$(git log --format=%s | grep -c '^company: add ')" 1
git log --format=%s | grep -qx "contact: add Ana García" && pass || failed "git log should hold 'contact: add Ana García'"
git log --format=%s | grep -qx "contact: add Luis Pérez" && pass || failed "git log should hold 'contact: add Luis Pérez'"

finish
