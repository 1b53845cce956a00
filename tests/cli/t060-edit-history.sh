#!/bin/bash
# crm edit with scripted editors (valid edit, invalid then valid, unchanged, give up), crm history.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

new_repo
acme=$(crm company add "Acme Iberia S.L." --domain acme.example)
ana=$(crm contact add "Ana García" --email ana@acme.example --phone "+34 600 111 222" --company "$acme" --title CTO)
f=$(rec_path contact "$ana")
crm contact set garcia --add-tag vip >/dev/null
ED="$WORK/editors"
mkdir -p "$ED"

# An editor that changes the title.
cat >"$ED/retitle" <<'EOF'
#!/bin/sh
sed -i 's/^title: .*/title: Chief Technology Officer/' "$1"
EOF
# First call writes broken YAML; the second records what it was shown and writes a valid edit.
cat >"$ED/twice" <<'EOF'
#!/bin/sh
d=$(dirname "$0")
n=$(cat "$d/twice.n" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" >"$d/twice.n"
cp "$1" "$d/twice.seen.$n"
if [ "$n" = 1 ]; then
  cp "$1" "$d/twice.orig"
  printf 'name: Ana García\ntitle: [unclosed\n' >"$1"
else
  grep -v '^# crm: ' "$d/twice.orig" | sed 's/^title: .*/title: CEO/' >"$1"
fi
EOF
# First call writes valid YAML with an invalid email; the second fixes it.
cat >"$ED/bademail" <<'EOF'
#!/bin/sh
d=$(dirname "$0")
n=$(cat "$d/bademail.n" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" >"$d/bademail.n"
cp "$1" "$d/bademail.seen.$n"
if [ "$n" = 1 ]; then
  sed -i 's/ana@acme.example/not-an-email/' "$1"
else
  grep -v '^# crm: ' "$1" | sed 's/not-an-email/ana.garcia@acme.example/' >"$1.new" && mv "$1.new" "$1"
fi
EOF
# Always writes broken YAML, then leaves the file as shown (the user quits without saving).
cat >"$ED/giveup" <<'EOF'
#!/bin/sh
d=$(dirname "$0")
n=$(cat "$d/giveup.n" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" >"$d/giveup.n"
[ "$n" = 1 ] && printf 'name: [\n' >"$1"
exit 0
EOF
chmod +x "$ED"/*

test_case "edit with an editor that changes a field"
base=$(head_sha)
EDITOR="$ED/retitle" run crm edit ana
expect_rc 0
expect_out "$ana"
expect_eq "$(yget "$f" .title)" "Chief Technology Officer"
expect_eq "$(yget "$f" '.emails[0]')" "ana@acme.example"
expect_eq "$(yget "$f" .company)" "$acme"
expect_commits_since "$base" 1
expect_subject "contact: edit Ana García"
expect_clean
# VISUAL wins over EDITOR, like git
sed -i 's/Chief Technology Officer/CTO/' "$f" && git commit -qam "back to CTO"
VISUAL="$ED/retitle" EDITOR=false run crm contact edit garcia
expect_rc 0
expect_eq "$(yget "$f" .title)" "Chief Technology Officer"
expect_clean

test_case "edit: invalid YAML reopens with the error on top, then a valid save commits"
base=$(head_sha)
EDITOR="$ED/twice" run crm edit ana
expect_rc 0
expect_out "$ana"
expect_eq "$(cat "$ED/twice.n")" 2
first=$(head -1 "$ED/twice.seen.2")
expect_match "$first" '^# '
# the error names the place in the file
expect_match "$(grep -m1 -E '[0-9]+:[0-9]+' "$ED/twice.seen.2")" ':[0-9]+:[0-9]+'
grep -q '^title: \[unclosed' "$ED/twice.seen.2" && pass || failed "the reopened file should keep what the user wrote"
expect_eq "$(yget "$f" .title)" "CEO"
expect_file_lacks "$f" "# crm"
expect_file_lacks "$f" "unclosed"
expect_commits_since "$base" 1
expect_subject "contact: edit Ana García"
expect_clean

test_case "edit: a valid file with an invalid value reopens too"
base=$(head_sha)
EDITOR="$ED/bademail" run crm edit ana
expect_rc 0
expect_eq "$(cat "$ED/bademail.n")" 2
grep -q 'not-an-email' "$ED/bademail.seen.2" && pass || failed "the reopened file should show the bad value"
expect_match "$(head -1 "$ED/bademail.seen.2")" '^# .*(email|not-an-email)'
expect_eq "$(yget "$f" '.emails[0]')" "ana.garcia@acme.example"
expect_commits_since "$base" 1
expect_clean

test_case "edit: an editor that changes nothing says no changes and commits nothing"
base=$(head_sha)
cp "$f" "$WORK/before.yaml"
EDITOR=true run crm edit ana
expect_rc 0
expect_out_empty
expect_err_has "no changes"
expect_unchanged "$base"
cmp -s "$f" "$WORK/before.yaml" && pass || failed "the file should be untouched"
EDITOR=: run crm contact edit "$ana"
expect_rc 0
expect_err_has "no changes"
expect_unchanged "$base"

test_case "edit: giving up on an invalid file changes nothing"
base=$(head_sha)
EDITOR="$ED/giveup" run crm edit ana
expect_rc 4
expect_unchanged "$base"
cmp -s "$f" "$WORK/before.yaml" && pass || failed "the file should be untouched"

test_case "edit: an editor that fails changes nothing"
EDITOR=false run crm edit ana
expect_ne "$rc" 0
expect_unchanged "$base"
cmp -s "$f" "$WORK/before.yaml" && pass || failed "the file should be untouched"

test_case "edit: REF problems"
EDITOR="$ED/retitle" run crm edit nobody
expect_rc 3
expect_unchanged "$base"
run crm edit
expect_rc 2

test_case "no editor temp files are left in the working tree"
expect_eq "$(find . -path ./.git -prune -o -type f -name '*.yaml' -print | grep -v -e '^./contacts/' -e '^./companies/' -e '^./deals/' -e '^./crm.yaml$' | wc -l | tr -d ' ')" 0

test_case "history: field by field, newest first"
run crm history ana
expect_rc 0
# title: CTO -> Chief Technology Officer (edit), then -> CEO (edit), tags + vip (set), the add
expect_out_has "contact: edit Ana García"
expect_out_has "contact: set Ana García"
expect_out_has "contact: add Ana García"
expect_out_has "Chief Technology Officer -> CEO"
expect_out_has "vip"
expect_out_has "back to CTO"
expect_match "$(printf '%s\n' "$out" | grep -n 'contact: add Ana García' | cut -d: -f1)" '^[0-9]+$'
add_line=$(printf '%s\n' "$out" | grep -n 'contact: add Ana García' | cut -d: -f1)
ceo_line=$(printf '%s\n' "$out" | grep -n 'Chief Technology Officer -> CEO' | cut -d: -f1)
[ "${ceo_line:-0}" -gt 0 ] && [ "${ceo_line:-0}" -lt "${add_line:-0}" ] && pass || failed "newest change should come first"

test_case "history --json"
run crm history ana --json
expect_rc 0
printf '%s' "$out" | jq -e 'type=="array"' >/dev/null && pass || failed "history --json should be an array"
expect_eq "$(printf '%s' "$out" | jq 'length')" "$(git rev-list --count HEAD -- "$f")"
expect_eq "$(printf '%s' "$out" | jq -r '.[0].commit')" "$(git rev-parse HEAD)"
expect_eq "$(printf '%s' "$out" | jq -r '.[-1].subject')" "contact: add Ana García"
expect_eq "$(printf '%s' "$out" | jq -r '.[-1].action')" "added"
# one entry per title change with before and after
expect_eq "$(printf '%s' "$out" | jq -r '[.[] | .changes[] | select(.field=="title") | "\(.before // "")>\(.after // "")"] | join(",")')" \
  "Chief Technology Officer>CEO,CTO>Chief Technology Officer,Chief Technology Officer>CTO,CTO>Chief Technology Officer,>CTO"
expect_eq "$(printf '%s' "$out" | jq -r '[.[] | .changes[] | select(.field=="tags") | .added[]?] | join(",")')" "vip"
expect_eq "$(printf '%s' "$out" | jq -r '[.[] | .changes[] | select(.field=="emails") | .added[]?] | join(",")')" \
  "ana.garcia@acme.example,ana@acme.example"
run crm --json history garcia
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.[-1].id')" "$ana"

test_case "history shows uncommitted hand edits first, then the commits"
sed -i 's/^title: CEO$/title: Hand Title/' "$f"
run crm history "$ana" --json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.[0].changes[] | select(.field=="title") | "\(.before)>\(.after)"')" "CEO>Hand Title"
expect_eq "$(printf '%s' "$out" | jq -r '.[1].commit')" "$(git log -1 --format=%H -- "$f")"
run crm history "$ana"
expect_rc 0
expect_match "$(printf '%s\n' "$out" | grep -n 'CEO -> Hand Title' | cut -d: -f1)" '^[0-9]+$'
first_commit_line=$(printf '%s\n' "$out" | grep -n "$(git log -1 --format=%h -- "$f" | cut -c1-7)" | head -1 | cut -d: -f1)
hand_line=$(printf '%s\n' "$out" | grep -n 'CEO -> Hand Title' | head -1 | cut -d: -f1)
[ "${hand_line:-99}" -lt "${first_commit_line:-0}" ] && pass || failed "the uncommitted change should come first"
git checkout -q -- "$f"

test_case "history of a removed record by its full id"
gone=$(crm contact add "Gone Soon" --title Temp)
crm contact rm "$gone" >/dev/null
run crm history "$gone" --json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.[0].action')" "removed"
expect_eq "$(printf '%s' "$out" | jq -r '.[1].action')" "added"
run crm history "gone soon"
expect_rc 3

test_case "history: REF problems"
crm contact add "Ana Martín" >/dev/null
run crm history ana
expect_rc 3
expect_err_has "Ana Martín"
run crm history nobody
expect_rc 3
run crm history "../../etc/passwd"
expect_rc 3

test_case "edit right after a hand edit of the same file (uncommitted, then committed)"
sed -i 's/^title: .*/title: Hand Typed/' "$f"
base=$(head_sha)
EDITOR="$ED/retitle" run crm edit "$ana"
expect_rc 0
expect_out "$ana"
expect_eq "$(yget "$f" .title)" "Chief Technology Officer"
expect_commits_since "$base" 1
expect_clean
sed -i 's/^title: .*/title: Hand Typed/' "$f"
git commit -qam "hand typed title"
base=$(head_sha)
EDITOR="$ED/retitle" run crm contact edit "$ana"
expect_rc 0
expect_out "$ana"
expect_eq "$(yget "$f" .title)" "Chief Technology Officer"
expect_commits_since "$base" 1
expect_clean

expect_clean
finish
