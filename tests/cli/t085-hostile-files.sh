#!/bin/bash
# Hostile or broken files put in the repository by hand: each is refused with a message naming
# the file (exit 4 on check/show), nothing crashes, and commands about other records keep working.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

new_repo
acme=$(crm company add "Acme Iberia S.L." --domain acme.example)
ana=$(crm contact add "Ana García" --email ana@acme.example --company "$acme")
git_files_before=$(git ls-files | sort)

# others_work: commands about other records still work, and a new add lands cleanly
others_work() {
  run crm show garcia
  expect_rc 0
  expect_out_has "Ana García"
  run crm contact list --format ids
  expect_rc 0
  expect_out_has "$ana"
  run crm company show acme
  expect_rc 0
  local base
  base=$(head_sha)
  run crm contact add "Fine Person $1"
  expect_rc 0
  expect_out_is_id
  expect_commits_since "$base" 1
  expect_eq "$(git show --name-only --format= HEAD)" "$(rec_path contact "$out")"
}
# refused ID PATH: show and check refuse it with exit 4 naming PATH, and no crash
refused() {
  local id=$1 path=$2
  run_t 30 "$CRM" show "$id"
  expect_rc 4
  expect_err_has "$path"
  run_t 30 "$CRM" check
  expect_rc 4
  expect_out_has "$path"
}

test_case "duplicate keys: check reports them"
mkdir -p contacts/du
printf 'name: Dup Key\ntitle: One\ntitle: Two\n' >contacts/du/du3n5p7r9t.yaml
refused du3n5p7r9t contacts/du/du3n5p7r9t.yaml
expect_out_match '^contacts/du/du3n5p7r9t\.yaml:3:1: .*(duplicate|title)'
others_work dup
hand_clean contacts/du

test_case "anchors and aliases are refused (exit 4 on check and show)"
mkdir -p contacts/an contacts/al
printf 'name: &a Anchor Person\ntitle: *a\n' >contacts/an/an3n5p7r9t.yaml
refused an3n5p7r9t contacts/an/an3n5p7r9t.yaml
expect_out_match '^contacts/an/an3n5p7r9t\.yaml:[0-9]+:[0-9]+: .*(anchor|alias)'
# a billion-laughs style file
{
  echo 'name: Laughs'
  echo 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
  echo 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]'
  echo 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]'
  echo 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]'
  echo 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]'
  echo 'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]'
  echo 'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]'
  echo 'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]'
} >contacts/al/al3n5p7r9t.yaml
refused al3n5p7r9t contacts/al/al3n5p7r9t.yaml
others_work anchors
hand_clean contacts/an contacts/al

test_case "a 50 MB file is refused with a message naming it; other commands fine"
mkdir -p contacts/bg
python3 - <<'PY'
with open("contacts/bg/bg3n5p7r9t.yaml", "w") as f:
    f.write("name: Big Person\nnotes: |\n")
    line = "  " + "x" * 97 + "\n"
    for _ in range(50 * 1024 * 1024 // len(line)):
        f.write(line)
PY
[ "$(stat -c %s contacts/bg/bg3n5p7r9t.yaml)" -ge 50000000 ] && pass || failed "the test file should be 50 MB"
refused bg3n5p7r9t contacts/bg/bg3n5p7r9t.yaml
run crm contact list --format ids
expect_out_lacks "bg3n5p7r9t"
others_work big
hand_clean contacts/bg

test_case "a file nested 10,000 levels deep is refused, no crash"
mkdir -p contacts/d1 contacts/d2 contacts/d3 contacts/d4
python3 - <<'PY'
n = 10000
open("contacts/d1/d13n5p7r9t.yaml", "w").write("name: Deep Flow\nx: " + "[" * n + "]" * n + "\n")
open("contacts/d2/d23n5p7r9t.yaml", "w").write("name: Deep Map\nx: " + "{a: " * n + "b" + "}" * n + "\n")
open("contacts/d3/d33n5p7r9t.yaml", "w").write("name: Deep Block\nx:\n" + "- " * n + "v\n")
open("contacts/d4/d43n5p7r9t.yaml", "w").write("[" * n + "]" * n + "\n")
PY
for id in d13n5p7r9t d23n5p7r9t d33n5p7r9t d43n5p7r9t; do
  p=$(rec_path contact "$id")
  run_t 30 "$CRM" show "$id"
  expect_rc 4
  expect_err_has "$p"
done
run_t 30 "$CRM" check
expect_rc 4
for id in d13n5p7r9t d23n5p7r9t d33n5p7r9t d43n5p7r9t; do
  expect_out_match "^$(rec_path contact "$id" | sed 's/\./\\./g'):[0-9]+:[0-9]+: "
done
run_t 30 "$CRM" contact list --format json
expect_rc 0
printf '%s' "$out" | jq -e . >/dev/null && pass || failed "list should still print valid JSON"
others_work deep
hand_clean contacts/d1 contacts/d2 contacts/d3 contacts/d4

test_case "a file named with an invalid id is reported and ignored"
mkdir -p contacts/ba
printf 'name: Bad Id Upper\n' >contacts/ba/BAD_ID.yaml
printf 'name: Bad Id Short\n' >contacts/ba/ba1.yaml
printf 'name: Bad Id Dots\n' >contacts/ba/ba..x.yaml
run crm check
expect_rc 4
expect_out_has "contacts/ba/BAD_ID.yaml"
expect_out_has "contacts/ba/ba1.yaml"
expect_out_has "contacts/ba/ba..x.yaml"
run crm show BAD_ID
expect_rc 3
run crm show "bad id upper"
case $rc in 3 | 4) pass ;; *) failed "a record with an invalid id should not be shown (rc $rc)" ;; esac
others_work badid
hand_clean contacts/ba

test_case "several YAML documents in one file"
mkdir -p contacts/md
printf 'name: Multi One\n---\nname: Multi Two\n' >contacts/md/md3n5p7r9t.yaml
refused md3n5p7r9t contacts/md/md3n5p7r9t.yaml
hand_clean contacts/md

test_case "YAML tags are refused"
mkdir -p contacts/tg
printf 'name: !!python/object/apply:os.system ["touch /tmp/crm-pwned"]\n' >contacts/tg/tg3n5p7r9t.yaml
refused tg3n5p7r9t contacts/tg/tg3n5p7r9t.yaml
hand_clean contacts/tg

test_case "invalid UTF-8, an empty file, a scalar file, a list file"
mkdir -p contacts/u8 contacts/em contacts/sc contacts/ls
printf 'name: Bad \xff\xfe Bytes\n' >contacts/u8/u83n5p7r9t.yaml
: >contacts/em/em3n5p7r9t.yaml
printf 'just a string\n' >contacts/sc/sc3n5p7r9t.yaml
printf -- '- name: In A List\n' >contacts/ls/ls3n5p7r9t.yaml
for id in u83n5p7r9t em3n5p7r9t sc3n5p7r9t ls3n5p7r9t; do
  refused "$id" "$(rec_path contact "$id")"
done
run crm check
expect_eq "$(printf '%s\n' "$out" | grep -c -e u83n5p7r9t -e em3n5p7r9t -e sc3n5p7r9t -e ls3n5p7r9t)" 4
others_work bytes
hand_clean contacts/u8 contacts/em contacts/sc contacts/ls

test_case "over-long values and wrong types are reported by check"
mkdir -p contacts/lv
python3 -c 'print("name: " + "N" * 5000 + "\ntags: vip\nemails: ana@x.example\n")' >contacts/lv/lv3n5p7r9t.yaml
run crm check
expect_rc 4
expect_out_match '^contacts/lv/lv3n5p7r9t\.yaml:1:[0-9]+: '
expect_out_match '^contacts/lv/lv3n5p7r9t\.yaml:2:[0-9]+: .*tags'
expect_out_match '^contacts/lv/lv3n5p7r9t\.yaml:3:[0-9]+: .*emails'
hand_clean contacts/lv

test_case "a record file that is a symlink to a file outside the repository is not read"
mkdir -p "$WORK/outside" contacts/sy
printf 'name: Outside Secret\nnotes: the secret is 42\n' >"$WORK/outside/secret.yaml"
ln -s "$WORK/outside/secret.yaml" contacts/sy/sy3n5p7r9t.yaml
run crm show sy3n5p7r9t
expect_ne "$rc" 0
expect_out_lacks "the secret is 42"
expect_err_lacks "the secret is 42"
run crm show "outside secret"
expect_out_lacks "the secret is 42"
run crm contact list --format json
expect_out_lacks "the secret is 42"
run crm check
expect_rc 4
expect_out_has "contacts/sy/sy3n5p7r9t.yaml"
hand_clean contacts/sy

test_case "a FIFO or a folder named like a record does not hang or crash"
mkdir -p contacts/ff contacts/fd/fd3n5p7r9t.yaml
mkfifo contacts/ff/ff3n5p7r9t.yaml
run_t 20 "$CRM" check
expect_ne "$rc" 124
run_t 20 "$CRM" show ff3n5p7r9t
expect_ne "$rc" 124
expect_ne "$rc" 0
run_t 20 "$CRM" contact list --format ids
expect_rc 0
expect_out_has "$ana"
hand_clean contacts/ff contacts/fd

test_case "after all that: nothing of it was committed, check passes"
expect_eq "$(git ls-files | grep -v "^contacts/" | sort)" "$(printf '%s\n' "$git_files_before" | grep -v "^contacts/" | sort)"
expect_eq "$(git log --format=%s | grep -vc -e '^contact: add Fine Person' -e '^contact: add Ana García' -e '^company: add' -e '^crm: ')" 0
expect_clean
run crm check
expect_rc 0
expect_no_file /tmp/crm-pwned

finish
