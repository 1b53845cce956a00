#!/bin/bash
# Hand edits are first-class: every command sees the working tree as it is; crm check names
# path:line:col for each problem; a broken file never stops commands about other records.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

new_repo
acme=$(crm company add "Acme Iberia S.L." --domain acme.example)
ana=$(crm contact add "Ana García" --email ana@acme.example --company "$acme" --title CTO)
luis=$(crm contact add "Luis Pérez" --email luis@acme.example --company acme --reports-to ana)
fa=$(rec_path contact "$ana")

test_case "check: exit 0 when everything is valid"
run crm check
expect_rc 0
expect_out_empty
expect_clean

test_case "an uncommitted hand edit is seen at once by show and list"
sed -i 's/^title: CTO$/title: Hand Edited Title/' "$fa"
run crm show ana
expect_rc 0
expect_out_has "Hand Edited Title"
run crm contact list
expect_rc 0
expect_out_has "Hand Edited Title"
run crm contact list --format json
expect_eq "$(printf '%s' "$out" | jq -r --arg a "$ana" '.[] | select(.id==$a) | .title')" "Hand Edited Title"
run crm check
expect_rc 0

test_case "an in-place rewrite of the same size is seen too"
python3 - "$fa" <<'PY'
import os, sys
p = sys.argv[1]
st = os.stat(p)
s = open(p, encoding="utf-8").read().replace("Hand Edited Title", "Hand Edited Tit2")
with open(p, "r+", encoding="utf-8") as f:
    f.write(s)
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
run crm show ana
expect_out_has "Hand Edited Tit2"

test_case "a renamed record is found by its new name at once"
sed -i 's/^name: Ana García$/name: Anabel García/' "$fa"
run crm show anabel
expect_rc 0
expect_out_has "$ana"
run crm contact list
expect_out_has "Anabel García"
git checkout -q -- "$fa"
run crm show "Ana García"
expect_rc 0
expect_out_has "CTO"
expect_clean

test_case "a committed hand edit is seen"
sed -i 's/^title: CTO$/title: Committed By Hand/' "$fa"
git commit -qam "hand edit"
run crm show garcia
expect_rc 0
expect_out_has "Committed By Hand"
run crm history garcia --json
expect_eq "$(printf '%s' "$out" | jq -r '.[0].subject')" "hand edit"
expect_eq "$(printf '%s' "$out" | jq -r '.[0].changes[] | select(.field=="title") | .after')" "Committed By Hand"

test_case "a hand-written valid file in the right folder is found"
mkdir -p contacts/hw
cat >contacts/hw/hw2x7k9q4m.yaml <<'EOF'
name: Hilda Wright
title: Buyer
company: COMPANY
emails:
  - hilda@wright.example
tags:
  - written-by-hand
EOF
sed -i "s/COMPANY/$acme/" contacts/hw/hw2x7k9q4m.yaml
run crm show hilda
expect_rc 0
expect_out_has "hw2x7k9q4m"
expect_out_has "Buyer"
run crm show hilda@wright.example
expect_rc 0
expect_out_has "Hilda Wright"
run crm contact show hw2x
expect_rc 0
run crm contact list --format ids
expect_out_has "hw2x7k9q4m"
run crm show acme
expect_out_has "Hilda Wright"
run crm check
expect_rc 0
# crm works on it like on any other record
base=$(head_sha)
run crm contact set hilda --add-tag vip
expect_rc 0
expect_out "hw2x7k9q4m"
expect_commits_since "$base" 1
expect_eq "$(yget contacts/hw/hw2x7k9q4m.yaml '.tags | join(",")')" "written-by-hand,vip"
expect_clean

test_case "a hand-deleted file is gone at once"
rm contacts/hw/hw2x7k9q4m.yaml
run crm show hilda
expect_rc 3
run crm contact list --format ids
expect_out_lacks "hw2x7k9q4m"
git checkout -q -- contacts
run crm show hilda
expect_rc 0

test_case "a broken file does not stop commands about other records"
mkdir -p contacts/bk
printf 'name: Broken Bob\nemails: [bob@x.example\ntitle: Oops\n' >contacts/bk/bk4m2n8p6r.yaml
run crm show ana
expect_rc 0
expect_out_has "Ana García"
run crm contact list --format ids
expect_rc 0
expect_out_has "$ana"
expect_out_has "$luis"
expect_out_lacks "bk4m2n8p6r"
run crm contact list --format json
expect_rc 0
printf '%s' "$out" | jq -e . >/dev/null && pass || failed "list --format json should stay valid JSON"
run crm company show acme
expect_rc 0
base=$(head_sha)
run crm contact add "Carla Ruiz" --email carla@acme.example --company acme
expect_rc 0
expect_out_is_id
carla=$out
run crm contact set carla --title Buyer
expect_rc 0
expect_commits_since "$base" 2
# the commits did not pick the broken file up
expect_eq "$(git ls-files contacts/bk)" ""
run crm history carla --json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq length)" 2

test_case "check names the broken file as path:line:col, exit 4"
run crm check
expect_rc 4
expect_out_match '^contacts/bk/bk4m2n8p6r\.yaml:[0-9]+:[0-9]+: '
expect_eq "$(printf '%s\n' "$out" | grep -c 'bk4m2n8p6r')" 1
# only the broken file is reported
expect_eq "$(printf '%s\n' "$out" | grep -vc 'bk4m2n8p6r')" 0

test_case "show/set of the broken record: exit 4 naming the file, nothing changed"
base=$(head_sha)
run crm show bk4m2n8p6r
expect_rc 4
expect_err_has "contacts/bk/bk4m2n8p6r.yaml"
run crm contact set bk4m --title Fixed
expect_rc 4
expect_err_has "contacts/bk/bk4m2n8p6r.yaml"
expect_eq "$(head_sha)" "$base"
expect_file_has contacts/bk/bk4m2n8p6r.yaml "emails: [bob@x.example"
hand_clean contacts/bk
expect_clean

test_case "check: a bad value names its own line and column"
mkdir -p contacts/vb
printf 'name: Val Bad\ntitle: Ok\nemails:\n  - not-an-email\n' >contacts/vb/vb8k2m4n6p.yaml
run crm check
expect_rc 4
expect_out_match '^contacts/vb/vb8k2m4n6p\.yaml:4:5: .*not-an-email'
hand_clean contacts/vb

test_case "check: an unknown field and a dangling link"
mkdir -p contacts/uf
printf 'name: Unknown Field\nfavourite_colour: blue\n' >contacts/uf/uf3n5p7r9t.yaml
mkdir -p contacts/dl
printf 'name: Dangling Link\ncompany: zzzz9999zz\n' >contacts/dl/dl2m4p6r8t.yaml
run crm check
expect_rc 4
expect_out_match '^contacts/uf/uf3n5p7r9t\.yaml:2:1: .*favourite_colour'
expect_out_match '^contacts/dl/dl2m4p6r8t\.yaml:2:[0-9]+: .*zzzz9999zz'
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2
hand_clean contacts/uf contacts/dl

test_case "check: a file in the wrong folder"
mkdir -p contacts/zz
printf 'name: Wrong Shard\n' >contacts/zz/ab3n5p7r9t.yaml
run crm check
expect_rc 4
expect_out_has "contacts/zz/ab3n5p7r9t.yaml"
hand_clean contacts/zz

test_case "check: a missing required field"
mkdir -p deals/nt
printf 'amount: 100\ncurrency: EUR\nstage: lead\n' >deals/nt/nt3n5p7r9t.yaml
run crm check
expect_rc 4
expect_out_match '^deals/nt/nt3n5p7r9t\.yaml:[0-9]+:[0-9]+: .*title'
hand_clean deals/nt

test_case "check: exit 0 again once the files are fixed"
run crm check
expect_rc 0
expect_out_empty

test_case "the index is derived: deleting .git/crm loses nothing"
rm -rf .git/crm
run crm contact list --format ids
expect_rc 0
expect_out_has "$ana"
expect_out_has "$luis"
expect_out_has "$carla"
run crm show garcia
expect_rc 0
expect_out_has "Luis Pérez"
rm -rf .git/crm
run crm contact add "After Reindex"
expect_rc 0
expect_clean
run crm check
expect_rc 0

test_case "a corrupt index is rebuilt"
if [ -d .git/crm/index ]; then
  for x in .git/crm/index/*; do [ -f "$x" ] && printf 'garbage' >"$x"; done
  run crm contact list --format ids
  expect_rc 0
  expect_out_has "$ana"
  run crm show garcia
  expect_rc 0
fi

test_case "crm reindex rebuilds from the files"
run crm reindex
expect_rc 0
run crm contact list --format ids
expect_out_has "$carla"
expect_clean

finish
