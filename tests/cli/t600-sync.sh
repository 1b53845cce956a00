#!/usr/bin/env bash
# crm sync and crm merge-file: a bare remote and clones driven by the real binary and real git.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"
export PATH="$(dirname "$CRM"):$PATH"  # git runs the merge driver as `crm merge-file`

as() { local who=$1; shift; GIT_AUTHOR_NAME=$who GIT_COMMITTER_NAME=$who GIT_AUTHOR_EMAIL=$who@example.com "$@"; }
# in DIR CMD...: run CMD in a clone
at() { local d=$1; shift; (cd "$WORK/$d" && "$@"); }
remote_head() { git --git-dir="$WORK/remote.git" rev-parse refs/heads/main; }
tree_of() { (cd "$WORK/$1" && git ls-files -s | md5sum); }

git init -q --bare "$WORK/remote.git"

test_case "init --remote, first sync pushes to an empty remote"
crm init "$WORK/alice" --remote "$WORK/remote.git" -q
cd "$WORK/alice"
expect_file .gitattributes
expect_file_has .gitattributes "*.yaml merge=crm"
expect_eq "$(git config merge.crm.driver)" "crm merge-file %O %A %B %P"
acme=$(crm company add "Acme Iberia S.L." --domain acme.example)
ana=$(crm contact add "Ana García" --email ana@acme.example --phone "+34 600 111 222" --company "$acme" --title CTO)
luis=$(crm contact add "Luis Pérez" --email luis@acme.example --company "$acme")
deal=$(crm deal add "Website redesign" --company acme --contact ana --amount 12000 --currency EUR --stage proposal)
run as Alice crm sync
expect_rc 0
expect_out_empty
expect_err_has "pushed to origin"
expect_eq "$(remote_head)" "$(git rev-parse HEAD)"
expect_eq "$(git rev-parse --abbrev-ref main@{upstream})" "origin/main"
expect_clean

test_case "clone builds the index and registers the merge driver"
cd "$WORK"
run crm clone "$WORK/remote.git" bob
expect_rc 0
expect_out_empty
expect_err_has "cloned 4 records"
cd "$WORK/bob"
expect_eq "$(git config merge.crm.driver)" "crm merge-file %O %A %B %P"
run crm search garcia --format ids
expect_out "$ana"
crm clone -q "$WORK/remote.git" "$WORK/carol" 2>/dev/null

test_case "nothing to do: up to date, nothing pushed"
run crm sync
expect_rc 0
expect_err_has "up to date"
expect_clean

test_case "different fields of one record on two sides both land, no conflict"
at alice as Alice crm contact set ana "phones=+34 600 999 999" >/dev/null
at bob as Bob crm contact set ana --add-tag vip --title "VP Engineering" >/dev/null
at alice as Alice crm sync -q
cd "$WORK/bob"
run as Bob crm sync
expect_rc 0
expect_err_has "1 record changed on both sides"
expect_err_lacks "conflict"
f=$(rec_path contact "$ana")
expect_eq "$(yget "$f" '.phones[0]')" "+34 600 999 999"
expect_eq "$(yget "$f" '.title')" "VP Engineering"
expect_eq "$(yget "$f" '.tags[0]')" "vip"
expect_eq "$(yget "$f" '.conflicts')" "null"
expect_eq "$(git log -1 --format=%p | wc -w)" "2"
expect_match "$(last_subject)" "^sync: merge origin/main"
expect_clean
run crm search 'title:vp tag:vip' --format ids
expect_out "$ana"
at alice as Alice crm sync -q
expect_eq "$(tree_of alice)" "$(tree_of bob)"
run crm -C "$WORK/alice" search '+title:vp' --format ids
expect_out "$ana"
(cd "$WORK/alice" && expect_clean)

test_case "the same field changed differently: one value kept, the other under conflicts"
at carol crm sync -q
at alice as Alice crm deal set website amount=15000 >/dev/null
at bob as Bob crm deal set website amount=13500 >/dev/null
at alice as Alice crm sync -q
cd "$WORK/bob"
run as Bob crm sync
expect_rc 5
expect_err_has "conflict: $(rec_path deal "$deal"): amount"
expect_err_has "pushed to origin"
d=$(rec_path deal "$deal")
expect_eq "$(yget "$d" '.amount')" "13500"
expect_eq "$(yget "$d" '.conflicts.amount[0].value')" "15000"
expect_eq "$(yget "$d" '.conflicts.amount[0].by')" "Alice"
expect_match "$(yget "$d" '.conflicts.amount[0].at')" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:'
expect_eq "$(remote_head)" "$(git rev-parse HEAD)"
expect_clean
run crm check
expect_rc 5
expect_out_has "$d"
expect_out_has "amount"
at alice as Alice crm sync -q
run crm -C "$WORK/alice" check
expect_rc 5
run as Bob crm deal set website amount=15000
expect_rc 0
expect_eq "$(yget "$d" '.conflicts')" "null"
run crm check
expect_rc 0
run as Bob crm sync -q
expect_rc 0

test_case "a conflict names who wrote the other value, not who merged it last"
at alice as Alice crm sync -q
at bob as Bob crm sync -q
at carol crm sync -q
at alice as Alice crm deal set website --probability 60 >/dev/null
at alice as Alice crm sync -q
at carol as Carol crm contact set ana --add-tag carol >/dev/null
at carol as Carol crm sync -q   # a merge commit by Carol on top of Alice's change
expect_eq "$(git --git-dir="$WORK/remote.git" log -1 --format='%an %p' main | wc -w)" "3"
at bob as Bob crm deal set website --probability 40 >/dev/null
cd "$WORK/bob"
run as Bob crm sync
expect_rc 5
expect_eq "$(yget "$d" '.conflicts.probability[0].value')" "60"
expect_eq "$(yget "$d" '.conflicts.probability[0].by')" "Alice"
run as Bob crm deal set website --probability 50
expect_rc 0
as Bob crm sync -q

test_case "removed on one side, linked by a new note on the other: the record is kept"
at alice as Alice crm sync -q
at carol crm sync -q
at alice as Alice crm contact rm luis >/dev/null
at bob as Bob crm log call luis -m "Asked about the invoice" >/dev/null
at alice as Alice crm sync -q
cd "$WORK/bob"
run as Bob crm sync
expect_rc 0
expect_err_has "kept $(rec_path contact "$luis")"
expect_file "$(rec_path contact "$luis")"
at alice as Alice crm sync -q
expect_file "$WORK/alice/$(rec_path contact "$luis")"
run crm -C "$WORK/alice" check
expect_rc 0
run crm -C "$WORK/alice" show luis
expect_rc 0
expect_out_has "Asked about the invoice"

test_case "the other order: the note arrives first, the removal is undone"
at bob as Bob crm log email luis -m "Sent the invoice again" >/dev/null
at bob as Bob crm sync -q
at alice as Alice crm contact rm luis --force >/dev/null
cd "$WORK/alice"
run as Alice crm sync
expect_rc 0
expect_err_has "kept $(rec_path contact "$luis")"
expect_file "$(rec_path contact "$luis")"
expect_clean
run crm check
expect_rc 0

test_case "an edit wins over a removal of the same record"
at bob as Bob crm sync -q
solo=$(at alice as Alice crm contact add "Solo Person" --email solo@example.com)
at alice as Alice crm sync -q
at bob as Bob crm sync -q
at alice as Alice crm contact rm solo >/dev/null
at bob as Bob crm contact set solo --title Founder >/dev/null
at alice as Alice crm sync -q
cd "$WORK/bob"
run as Bob crm sync
expect_rc 0
expect_err_has "kept $(rec_path contact "$solo")"
expect_eq "$(yget "$(rec_path contact "$solo")" .title)" "Founder"
at alice as Alice crm sync -q
expect_eq "$(yget "$WORK/alice/$(rec_path contact "$solo")" .title)" "Founder"

test_case "two notes about one person on two laptops never conflict"
at alice as Alice crm log call ana -m "From Alice's laptop" >/dev/null
at bob as Bob crm log meeting ana -m "From Bob's laptop" >/dev/null
at alice as Alice crm sync -q
run at bob as Bob crm sync
expect_rc 0
expect_err_lacks "conflict"
at alice as Alice crm sync -q
expect_eq "$(cd "$WORK/alice" && note_files | md5sum)" "$(cd "$WORK/bob" && note_files | md5sum)"
expect_eq "$(tree_of alice)" "$(tree_of bob)"

test_case "hand edits are validated and committed first"
cd "$WORK/alice"
f=$(rec_path contact "$ana")
sed -i 's/^title: .*/title: Chief Architect/' "$f"
run as Alice crm sync
expect_rc 0
expect_err_has "committed your edits to 1 file"
expect_eq "$(git log --format=%s | grep -c '^sync: commit hand edits (1 file)')" "1"
expect_clean
expect_eq "$(git --git-dir="$WORK/remote.git" show main:"$f" | grep '^title:')" "title: Chief Architect"

test_case "an invalid hand edit stops the sync before anything changes"
printf 'name: Ana García\nemails:\n  - not-an-email\n' >"$f"
before=$(head_sha)
rbefore=$(remote_head)
run as Alice crm sync
expect_rc 4
expect_err_has "$f"
expect_err_has "nothing was synced"
expect_out_empty
expect_eq "$(head_sha)" "$before"
expect_eq "$(remote_head)" "$rbefore"
expect_file_has "$f" "not-an-email"
git checkout -q -- "$f"

test_case "--no-push merges but leaves the remote alone"
at bob as Bob crm contact set ana --department Engineering >/dev/null
at bob as Bob crm sync -q
cd "$WORK/alice"
as Alice crm contact set ana --add-tag speaker >/dev/null
rbefore=$(remote_head)
run as Alice crm sync --no-push
expect_rc 0
expect_err_has "not pushed"
expect_eq "$(remote_head)" "$rbefore"
expect_eq "$(yget "$f" .department)" "Engineering"
run as Alice crm sync -q
expect_eq "$(remote_head)" "$(head_sha)"

test_case "a remote that does not exist"
cd "$WORK/alice"
before=$(head_sha)
run crm sync nosuch
expect_rc 2
expect_err_has "no git remote named 'nosuch'"
expect_eq "$(head_sha)" "$before"
git remote add gone "$WORK/no-such-remote.git"
run crm sync gone
expect_rc 1
expect_err_has "cannot fetch from gone"
expect_eq "$(head_sha)" "$before"
expect_clean

test_case "a network cut in the middle of a fetch changes nothing"
at bob as Bob crm contact add "Someone New" --email new@example.com >/dev/null
at bob as Bob crm sync -q
cd "$WORK/alice"
# The transport dies after 300 bytes, as when a connection drops.
cat >"$WORK/cut-upload-pack" <<'EOF'
#!/usr/bin/python3
import os, subprocess, sys
p = subprocess.Popen(["git-upload-pack"] + sys.argv[1:], stdout=subprocess.PIPE)
sent = 0
while sent < 300:
    chunk = p.stdout.read1(300 - sent)
    if not chunk:
        break
    os.write(1, chunk)
    sent += len(chunk)
p.kill()
os._exit(0)
EOF
chmod +x "$WORK/cut-upload-pack"
git config remote.origin.uploadpack "$WORK/cut-upload-pack"
before=$(head_sha)
run_t 60 crm sync
expect_rc 1
expect_err_has "cannot fetch from origin"
expect_eq "$(head_sha)" "$before"
expect_clean
git config --unset remote.origin.uploadpack
run crm sync -q
expect_rc 0
run crm search new@example.com --format ids
expect_match "$out" '^[0-9a-z]{8,}$'

test_case "an ssh remote goes through the user's own ssh setup (GIT_SSH_COMMAND)"
# A stand-in for ssh that runs the remote command here, as sshd would on the server.
cat >"$WORK/fake-ssh" <<'EOF'
#!/bin/sh
echo "$@" >>"$FAKE_SSH_LOG"
while [ $# -gt 1 ]; do shift; done
exec sh -c "$1"
EOF
chmod +x "$WORK/fake-ssh"
cd "$WORK/alice"
git remote add viassh "ssh://git.example.invalid$WORK/remote.git"
export FAKE_SSH_LOG="$WORK/ssh.log"
as Alice crm contact set ana --add-tag via-ssh >/dev/null
run env GIT_SSH_COMMAND="$WORK/fake-ssh" crm sync viassh
expect_rc 0
expect_err_has "pushed to viassh"
expect_file_has "$WORK/ssh.log" "git.example.invalid"
expect_file_has "$WORK/ssh.log" "git-receive-pack"
expect_eq "$(remote_head)" "$(head_sha)"

test_case "an ssh authentication failure: exit 1, git's message, nothing changed"
cat >"$WORK/denied-ssh" <<'EOF'
#!/bin/sh
echo "git@git.example.invalid: Permission denied (publickey)." >&2
exit 255
EOF
chmod +x "$WORK/denied-ssh"
before=$(head_sha)
run env GIT_SSH_COMMAND="$WORK/denied-ssh" crm sync viassh
expect_rc 1
expect_err_has "Permission denied (publickey)"
expect_err_has "cannot fetch from viassh"
expect_out_empty
expect_eq "$(head_sha)" "$before"
expect_clean
git remote remove viassh
run crm sync -q
expect_rc 0

test_case "a remote that refuses the push: the commits stay here"
cat >"$WORK/remote.git/hooks/pre-receive" <<'EOF'
#!/bin/sh
echo "policy: pushes are closed today" >&2
exit 1
EOF
chmod +x "$WORK/remote.git/hooks/pre-receive"
as Alice crm contact set ana --add-tag refused >/dev/null
mine=$(head_sha)
rbefore=$(remote_head)
run as Alice crm sync
expect_rc 1
expect_err_has "push to origin failed"
expect_err_has "pushes are closed today"
expect_eq "$(head_sha)" "$mine"
expect_eq "$(remote_head)" "$rbefore"
expect_clean
run crm check
expect_rc 0
rm "$WORK/remote.git/hooks/pre-receive"
run as Alice crm sync -q
expect_rc 0
expect_eq "$(remote_head)" "$mine"

test_case "a sync while another crm process holds the lock"
at bob as Bob crm contact set ana --add-tag locked >/dev/null
at bob as Bob crm sync -q
cd "$WORK/alice"
before=$(head_sha)
mkdir -p .git/crm
flock .git/crm/lock sleep 4 &
holder=$!
sleep 0.5
run env CRM_LOCK_TIMEOUT=0.5 crm sync
expect_rc 5
expect_err_has "locked by another crm process"
expect_eq "$(head_sha)" "$before"
expect_clean
wait $holder
run crm sync -q
expect_rc 0
expect_eq "$(yget "$f" '.tags | index("locked") != null')" "true"

test_case "a cron sync while the user logs a call: neither is lost"
cd "$WORK/alice"
for i in 1 2 3; do
  (crm sync -q >"$WORK/sync$i.out" 2>&1; echo $? >"$WORK/sync$i.rc") &
  sp=$!
  (crm log call ana -m "Concurrent call $i" >"$WORK/log$i.out" 2>&1; echo $? >"$WORK/log$i.rc") &
  lp=$!
  wait $sp $lp
  expect_eq "$(cat "$WORK/sync$i.rc")" "0"
  expect_eq "$(cat "$WORK/log$i.rc")" "0"
done
run crm sync -q
expect_rc 0
expect_clean
expect_eq "$(git --git-dir="$WORK/remote.git" grep -l 'Concurrent call' main -- notes | wc -l)" "3"
expect_eq "$(remote_head)" "$(head_sha)"

test_case "two clones syncing at the same moment both land"
at alice as Alice crm sync -q
at bob as Bob crm sync -q
at alice as Alice crm contact add "Parallel A" --email pa@example.com >/dev/null
at bob as Bob crm contact add "Parallel B" --email pb@example.com >/dev/null
(cd "$WORK/alice" && as Alice crm sync -q; echo $? >"$WORK/pa.rc") &
(cd "$WORK/bob" && as Bob crm sync -q; echo $? >"$WORK/pb.rc") &
wait
expect_eq "$(cat "$WORK/pa.rc")" "0"
expect_eq "$(cat "$WORK/pb.rc")" "0"
at alice crm sync -q
at bob crm sync -q
expect_eq "$(tree_of alice)" "$(tree_of bob)"
run crm -C "$WORK/bob" search 'email:pa@example.com email:pb@example.com' --format ids
expect_eq "$(printf '%s\n' "$out" | wc -l)" "2"

test_case "git pull with the merge driver gives the same file as crm sync"
at carol crm sync -q
at alice as Alice crm sync -q
at alice as Alice crm contact set ana --title "Head of Platform" --add-tag pull-a >/dev/null
at alice as Alice crm sync -q
cd "$WORK/carol"
as Carol crm contact set ana --title "Platform Lead" --add-tag pull-c --department R+D >/dev/null
cp -a "$WORK/carol" "$WORK/carol2"
run as Carol crm sync --no-push
expect_rc 5
(cd "$WORK/carol2" && as Carol git pull -q --no-rebase --no-edit >/dev/null 2>&1)
expect_eq "$(cd "$WORK/carol2" && git status --porcelain)" ""
expect_eq "$(cat "$WORK/carol2/$f")" "$(cat "$WORK/carol/$f")"
expect_eq "$(yget "$f" '.conflicts.title[0].value')" "Head of Platform"
expect_eq "$(yget "$f" '.conflicts.title[0].by')" "Alice"
expect_eq "$(yget "$f" '.tags | index("pull-a") != null and index("pull-c") != null')" "true"
run crm -C "$WORK/carol2" check
expect_rc 5

test_case "merge-file on its own: exit 0 when clean, 1 with conflict markers"
cd "$WORK/carol"
printf 'name: X\ntitle: A\n' >"$WORK/base.yaml"
printf 'name: X\ntitle: B\n' >"$WORK/ours.yaml"
printf 'name: X\ntitle: A\ndepartment: Sales\n' >"$WORK/theirs.yaml"
run crm merge-file "$WORK/base.yaml" "$WORK/ours.yaml" "$WORK/theirs.yaml" contacts/ab/abcdefgh.yaml
expect_rc 0
expect_eq "$(cat "$WORK/ours.yaml")" "$(printf 'name: X\ntitle: B\ndepartment: Sales')"
printf 'name: [broken\n' >"$WORK/ours.yaml"
printf 'name: {also broken\n' >"$WORK/theirs.yaml"
run crm merge-file "$WORK/base.yaml" "$WORK/ours.yaml" "$WORK/theirs.yaml" contacts/ab/abcdefgh.yaml
expect_rc 1
expect_file_has "$WORK/ours.yaml" "<<<<<<<"
expect_file_has "$WORK/ours.yaml" "also broken"
run crm merge-file "$WORK/base.yaml" "$WORK/ours.yaml"
expect_rc 2

test_case "a record broken by hand on one side: merged by lines, nothing lost"
at alice as Alice crm sync -q
at bob as Bob crm sync -q
cd "$WORK/bob"
b=$(rec_path company "$acme")
sed -i 's/^name: .*/name: [Acme broken/' "$b"
git commit -qam "break acme by hand"
git push -q
cd "$WORK/alice"
as Alice crm company set acme --website https://acme.example >/dev/null
run as Alice crm sync
expect_rc 5
expect_err_has "$b"
expect_file_has "$b" "Acme broken"
expect_file_has "$b" "https://acme.example"
run crm check
expect_rc 4
expect_out_has "$b"
expect_clean

test_case "help, man page and completions"
run crm sync --help
expect_rc 0
expect_out_has "--no-push"
run crm merge-file --help
expect_rc 0
expect_out_has "BASE OURS THEIRS PATH"
run man -l "$CRM_STAGE/share/man/man1/crm-sync.1"
expect_out_has "FIELD BY FIELD"
cd "$WORK/alice"
run bash -c "
  PATH='$CRM_STAGE/bin':\$PATH; source '$CRM_STAGE/share/bash-completion/completions/crm'
  COMP_WORDS=(crm sy); COMP_CWORD=1; _crm; printf '%s\n' \"\${COMPREPLY[@]}\"
  COMP_WORDS=(crm sync or); COMP_CWORD=2; _crm; printf '%s\n' \"\${COMPREPLY[@]}\"
  COMP_WORDS=(crm sync --no); COMP_CWORD=2; _crm; printf '%s\n' \"\${COMPREPLY[@]}\"
"
expect_out_has "sync"
expect_out_has "origin"
expect_out_has "--no-push"
if command -v zsh >/dev/null; then run zsh -n "$CRM_STAGE/share/zsh/vendor-completions/_crm"; expect_rc 0; fi
if command -v fish >/dev/null; then
  run fish -n "$CRM_STAGE/share/fish/vendor_completions.d/crm.fish"
  expect_rc 0
  run fish -c "source '$CRM_STAGE/share/fish/vendor_completions.d/crm.fish'; complete -C 'crm sync --no'"
  expect_out_has "--no-push"
fi

finish
