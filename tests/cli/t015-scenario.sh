#!/bin/bash
# The issue's acceptance walk-through, in order: every command, its stdout, the files, one commit
# per change with a readable message, and a clean `git status` after each mutating command.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

test_case "crm init DIR"
run crm init "$WORK/crm"
expect_rc 0
expect_out_empty
cd "$WORK/crm" || exit 1
expect_eq "$(commit_count)" 1
expect_clean

step() { # step MESSAGE: the last command made exactly one commit with MESSAGE, and the tree is clean
  expect_rc 0
  expect_commits_since "$base" 1
  expect_subject "$1"
  expect_clean
}

test_case "acme=\$(crm company add ...)"
base=$(head_sha)
run crm company add "Acme Iberia S.L." --domain acme.example --tag b2b
expect_out_is_id
acme=$out
step "company: add Acme Iberia S.L."

test_case "ana=\$(crm contact add ...)"
base=$(head_sha)
run crm contact add "Ana García" --email ana@acme.example --phone "+34 600 111 222" --company "$acme" --title CTO
expect_out_is_id
ana=$out
step "contact: add Ana García"

test_case "crm contact add Luis --company acme --reports-to ana"
base=$(head_sha)
run crm contact add "Luis Pérez" --email luis@acme.example --company acme --reports-to ana
expect_out_is_id
luis=$out
step "contact: add Luis Pérez"
expect_eq "$(yget "$(rec_path contact "$luis")" .reports_to)" "$ana"
expect_eq "$(yget "$(rec_path contact "$luis")" .company)" "$acme"

test_case "crm deal add Website redesign"
base=$(head_sha)
CRM_NOW=2026-06-01T12:00:00Z run crm deal add "Website redesign" --company acme --contact ana --amount 12000 \
  --currency EUR --stage proposal --close 2026-12-31
expect_out_is_id
deal=$out
step "deal: add Website redesign"

test_case "crm deal move website won"
base=$(head_sha)
CRM_NOW=2026-07-15T08:00:00Z run crm deal move "website" won
expect_out "$deal"
step "deal: move Website redesign to won"
fd=$(rec_path deal "$deal")
expect_eq "$(yget "$fd" '[.stage_history[] | .stage + "@" + (.at | tostring | .[0:10])] | join(",")')" \
  "proposal@2026-06-01,won@2026-07-15"

test_case "crm contact set garcia --add-tag vip"
base=$(head_sha)
run crm contact set garcia --add-tag vip
expect_out "$ana"
expect_eq "$(yget "$(rec_path contact "$ana")" '.tags | join(",")')" "vip"
expect_rc 0
expect_commits_since "$base" 1
expect_match "$(last_subject)" '^contact: set Ana García'
expect_clean

test_case "crm show ana"
base=$(head_sha)
run crm show ana
expect_rc 0
for s in "Ana García" "CTO" "ana@acme.example" "+34 600 111 222" "vip" "Acme Iberia S.L." "Website redesign" \
  "Luis Pérez"; do
  expect_out_has "$s"
done
expect_unchanged "$base"

test_case "crm contact list --format json | jq ."
out=$(crm contact list --format json | jq .)
rc=$?
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r 'map(.name) | sort | join(",")')" "Ana García,Luis Pérez"

test_case "crm edit ana (scripted editor)"
cat >"$WORK/ed" <<'EOF'
#!/bin/sh
sed -i 's/^title: CTO$/title: CTO and co-founder/' "$1"
EOF
chmod +x "$WORK/ed"
base=$(head_sha)
EDITOR="$WORK/ed" run crm edit ana
expect_out "$ana"
step "contact: edit Ana García"
expect_eq "$(yget "$(rec_path contact "$ana")" .title)" "CTO and co-founder"

test_case "crm history ana (and --json)"
run crm history ana
expect_rc 0
expect_out_has "CTO -> CTO and co-founder"
expect_out_has "vip"
run crm history ana --json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r 'map(.subject) | join("|")')" \
  "contact: edit Ana García|$(git log -1 --skip=1 --format=%s -- "$(rec_path contact "$ana")")|contact: add Ana García"

test_case "crm check"
run crm check
expect_rc 0
expect_out_empty

test_case "git log --oneline: one commit per change"
expect_eq "$(git log --format=%s | tac | tr '\n' '|')" \
  "$(git log --reverse -1 --format=%s "$(git rev-list --max-parents=0 HEAD)")|company: add Acme Iberia S.L.|contact: add Ana García|contact: add Luis Pérez|deal: add Website redesign|deal: move Website redesign to won|$(git log -1 --skip=1 --format=%s)|contact: edit Ana García|"
expect_eq "$(commit_count)" 8
expect_clean

finish
