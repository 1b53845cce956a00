#!/bin/bash
# crm init, --version, --help, repository discovery (-C, CRM_REPO, "not a crm repository").
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

test_case "--version and --help"
run crm --version
expect_rc 0
expect_out_match '^crm [0-9]+\.[0-9]+\.[0-9]+'
run crm --help
expect_rc 0
expect_out_has "contact"
expect_out_has "deal"
expect_out_has "init"
run crm contact --help
expect_rc 0
expect_out_has "add"
run crm contact add --help
expect_rc 0
expect_out_has "--email"
run crm
expect_rc 2
run crm frobnicate
expect_rc 2
expect_err_has "frobnicate"

# crm builds only the command it runs: each command listed by `crm --help` must still be found
# on its own, with global options before it, and its help must be what the whole table gives.
test_case "every command is found on its own"
commands=$(crm --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && /^  [a-z]/ {print $1}')
[ "$(printf '%s\n' "$commands" | grep -c .)" -ge 20 ] && pass || failed "expected 20+ commands, got: $commands"
for c in $commands; do
  run crm -q --color never "$c" --help
  expect_rc 0
  expect_out_has "Usage: crm $c"
done
run crm -C "$WORK" --format json search --help
expect_out_has "--limit"
run crm --version --format json
expect_rc 0
expect_out_match '^crm [0-9]'

test_case "init DIR creates a git repository with crm.yaml, one commit, clean"
run crm init "$WORK/r1"
expect_rc 0
expect_out_empty
expect_file "$WORK/r1/crm.yaml"
[ -d "$WORK/r1/.git" ] && pass || failed ".git should exist"
cd "$WORK/r1" || exit 1
expect_eq "$(commit_count)" 1
expect_clean
expect_eq "$(git ls-files | tr '\n' ' ')" ".gitattributes crm.yaml "
expect_file_has .gitattributes "*.yaml merge=crm"
expect_eq "$(git config merge.crm.driver)" "crm merge-file %O %A %B %P"
expect_eq "$(yget crm.yaml .currency)" "EUR"
expect_eq "$(yget crm.yaml '.stages | keys_unsorted | join(",")')" "lead,qualified,proposal,negotiation,won,lost"
expect_eq "$(yget crm.yaml '.stages.won')" "100"
expect_ne "$(last_subject)" ""
expect_eq "$(git symbolic-ref --short HEAD)" "main"

test_case "init in an existing crm repository refuses and changes nothing"
before=$(head_sha)
cp crm.yaml "$WORK/crm.yaml.before"
run crm init "$WORK/r1"
expect_rc 2
expect_err_has "already"
expect_unchanged "$before"
cmp -s crm.yaml "$WORK/crm.yaml.before" && pass || failed "crm.yaml changed"

test_case "init with no DIR uses the current folder; -q is quiet"
mkdir -p "$WORK/r2" && cd "$WORK/r2" || exit 1
run crm init -q
expect_rc 0
expect_out_empty
expect_err_empty
expect_file "$WORK/r2/crm.yaml"
expect_clean

test_case "init --currency"
run crm init "$WORK/r3" --currency usd
expect_rc 0
expect_eq "$(yget "$WORK/r3/crm.yaml" .currency)" "USD"
run crm init "$WORK/r4" --currency XYZ
expect_rc 4
expect_err_has "XYZ"
expect_no_file "$WORK/r4/crm.yaml"

test_case "outside a repository: not a crm repository, exit 2"
mkdir -p "$WORK/plain" && cd "$WORK/plain" || exit 1
for cmd in "contact list" "company list" "deal list" "check" "show ana"; do
  # shellcheck disable=SC2086
  run crm $cmd
  expect_rc 2
  expect_err_has "not a crm repository"
done
run crm contact add "Nobody Here"
expect_rc 2
expect_err_has "not a crm repository"
[ -z "$(ls -A "$WORK/plain")" ] && pass || failed "nothing may be written outside a repository"
# a plain git repository is not a crm repository either
git init -q "$WORK/gitonly"
cd "$WORK/gitonly" || exit 1
run crm contact list
expect_rc 2
expect_err_has "not a crm repository"

test_case "-C DIR and CRM_REPO select the repository"
cd "$WORK/r1" || exit 1
id=$(crm contact add "Carla Ruiz" --email carla@r1.example)
cd "$WORK/plain" || exit 1
run crm -C "$WORK/r1" contact list --format ids
expect_rc 0
expect_out "$id"
CRM_REPO="$WORK/r1" run crm contact list --format ids
expect_rc 0
expect_out "$id"
# -C wins over CRM_REPO
CRM_REPO="$WORK/r2" run crm -C "$WORK/r1" contact list --format ids
expect_rc 0
expect_out "$id"
# a mutating command through -C commits in that repository
run crm -C "$WORK/r2" contact add "Via Dash C"
expect_rc 0
expect_out_is_id
expect_eq "$(git -C "$WORK/r2" rev-list --count HEAD)" 2
expect_eq "$(git -C "$WORK/r2" log -1 --format=%s)" "contact: add Via Dash C"
expect_eq "$(git -C "$WORK/r2" status --porcelain)" ""
[ -z "$(ls -A "$WORK/plain")" ] && pass || failed "nothing may be written in the current folder"
# -C / CRM_REPO pointing at a folder that is not a repository
run crm -C "$WORK/plain" contact list
expect_rc 2
expect_err_has "not a crm repository"
CRM_REPO="$WORK/plain" run crm contact list
expect_rc 2
expect_err_has "not a crm repository"
run crm -C "$WORK/does-not-exist" contact list
expect_rc 2

test_case "the nearest enclosing repository is found from a subfolder"
cd "$WORK/r1/contacts" || exit 1
run crm contact list --format ids
expect_rc 0
expect_out "$id"

test_case "the index lives in .git/crm and is never committed"
cd "$WORK/r1" || exit 1
[ -d .git/crm ] && pass || failed ".git/crm should hold the index"
expect_eq "$(git ls-files | grep -c '^\.git/' || true)" 0
expect_clean

finish
