#!/usr/bin/env bash
# Hooks (.crm/hooks/TYPE-EVENT): each event with its JSON and environment, trust (untrusted,
# trusted, changed, untrust), failures that keep the commit, a hook that runs crm, the recursion
# guard, the timeout, hostile names and links, and clones and syncs through a bare remote.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"
export PATH="$(dirname "$CRM"):$PATH"  # hooks run `crm`; git runs the merge driver as `crm merge-file`

export HOOK_OUT="$WORK/hook-out"
mkdir -p "$HOOK_OUT"
reset_out() { rm -rf "$HOOK_OUT" && mkdir -p "$HOOK_OUT"; }
# hook NAME: the script on stdin becomes the executable .crm/hooks/NAME
hook() {
  mkdir -p .crm/hooks
  cat >".crm/hooks/$1"
  chmod +x ".crm/hooks/$1"
}
# recorder NAME...: hooks that keep their stdin, CRM_ environment and working folder in $HOOK_OUT,
# and append "NAME ID" to $HOOK_OUT/log
recorder() {
  local n
  for n in "$@"; do
    hook "$n" <<'EOF'
#!/bin/sh
name="$CRM_TYPE-$CRM_EVENT"
cat >"$HOOK_OUT/$name.json"
env | grep '^CRM_' | sort >"$HOOK_OUT/$name.env"
pwd >"$HOOK_OUT/$name.pwd"
echo "$name $CRM_ID" >>"$HOOK_OUT/log"
EOF
  done
}
hook_log() { cat "$HOOK_OUT/log" 2>/dev/null; }
# jv NAME FILTER: a value of the JSON the hook NAME was given
jv() { jq -r "$2" "$HOOK_OUT/$1.json" 2>/dev/null; }
envv() { sed -n "s/^$2=//p" "$HOOK_OUT/$1.env" 2>/dev/null; }

new_repo
root=$(pwd -P)
echo ".crm/" >>.git/info/exclude  # this repository's hooks stay uncommitted: git status stays clean

test_case "no hooks: commands are as before, crm hooks says there are none"
run crm contact add "Ana García" --email ana@acme.example
expect_rc 0
expect_out_is_id
expect_err_empty
ana=$out
run crm hooks
expect_rc 0
expect_out_empty
expect_err_has "no hooks"
run crm hooks --format json
expect_rc 0
expect_out "[]"

test_case "an untrusted hook does not run, says so once, and the command succeeds"
recorder contact-add contact-set contact-rm
reset_out
base=$(head_sha)
run crm contact add "Luis Pérez"
expect_rc 0
expect_out_is_id
luis=$out
expect_commits_since "$base" 1
expect_eq "$(hook_log)" ""
expect_err_has "crm: hook .crm/hooks/contact-add not run: it is not trusted in this clone; review it, then run \`crm hooks trust contact-add\`"
expect_eq "$(printf '%s\n' "$err" | grep -c 'not run')" 1
run crm hooks
expect_rc 0
expect_out_match '^contact-add +untrusted'
expect_out_match '^contact-rm +untrusted'
run crm hooks --format json
expect_eq "$(printf '%s' "$out" | jq -r '.[0].name + " " + .[0].state + " " + (.[0].executable|tostring)')" "contact-add untrusted true"
expect_eq "$(printf '%s' "$out" | jq -r '.[0].blob')" "$(git hash-object .crm/hooks/contact-add)"

test_case "crm hooks trust NAME records the content in .git/crm, never in the work tree"
run crm hooks trust contact-add
expect_rc 0
expect_out "contact-add"
expect_file_has .git/crm/hooks-trusted "$(git hash-object .crm/hooks/contact-add) contact-add"
run crm hooks
expect_out_match '^contact-add +trusted'
expect_out_match '^contact-set +untrusted'
run crm hooks trust
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "contact-add contact-rm contact-set "

test_case "add: the new record as JSON on stdin, the environment, the repository root as working folder"
reset_out
mkdir -p "$WORK/elsewhere"
run sh -c "cd '$WORK/elsewhere' && crm -C '$root' contact add 'Marta Ruiz' --email marta@example.org --tag vip"
expect_rc 0
expect_out_is_id
expect_err_empty
marta=$out
expect_eq "$(hook_log)" "contact-add $marta"
expect_eq "$(jv contact-add .event)" "add"
expect_eq "$(jv contact-add .type)" "contact"
expect_eq "$(jv contact-add .id)" "$marta"
expect_eq "$(jv contact-add .path)" "$(rec_path contact "$marta")"
expect_eq "$(jv contact-add .commit)" "$(head_sha)"
expect_eq "$(jv contact-add .record.name)" "Marta Ruiz"
expect_eq "$(jv contact-add '.record.emails[0]')" "marta@example.org"
expect_eq "$(jv contact-add '.record.tags[0]')" "vip"
expect_eq "$(jv contact-add 'has("before")')" "false"
expect_eq "$(envv contact-add CRM_EVENT)" "add"
expect_eq "$(envv contact-add CRM_TYPE)" "contact"
expect_eq "$(envv contact-add CRM_ID)" "$marta"
expect_eq "$(envv contact-add CRM_COMMIT)" "$(head_sha)"
expect_eq "$(envv contact-add CRM_REPO)" "$root"
expect_eq "$(envv contact-add CRM_PATH)" "$(rec_path contact "$marta")"
expect_eq "$(envv contact-add CRM_HOOK_DEPTH)" "1"
expect_eq "$(cat "$HOOK_OUT/contact-add.pwd")" "$root"

test_case "set: the record and what it was before"
reset_out
run crm contact set marta --title CTO
expect_rc 0
expect_out "$marta"
expect_eq "$(hook_log)" "contact-set $marta"
expect_eq "$(jv contact-set .event)" "set"
expect_eq "$(jv contact-set .record.title)" "CTO"
expect_eq "$(jv contact-set '.before | has("title")')" "false"
expect_eq "$(jv contact-set .before.name)" "Marta Ruiz"
expect_eq "$(jv contact-set .commit)" "$(head_sha)"

test_case "a set that changes nothing commits nothing and fires nothing"
reset_out
base=$(head_sha)
run crm contact set marta --title CTO
expect_rc 0
expect_unchanged "$base"
expect_eq "$(hook_log)" ""

test_case "rm: the removed record"
reset_out
run crm contact rm luis
expect_rc 0
expect_out "$luis"
expect_eq "$(hook_log)" "contact-rm $luis"
expect_eq "$(jv contact-rm .event)" "rm"
expect_eq "$(jv contact-rm .record.name)" "Luis Pérez"
expect_eq "$(jv contact-rm 'has("before")')" "false"
expect_eq "$(jv contact-rm .commit)" "$(head_sha)"

test_case "deal move fires move (not set), with the stage before and after"
recorder deal-add deal-set deal-move task-add task-set note-add
crm hooks trust -q >/dev/null
reset_out
run crm deal add "Website redesign" --amount 12000 --stage proposal
expect_rc 0
deal=$out
expect_eq "$(hook_log)" "deal-add $deal"
reset_out
run crm deal move website won
expect_rc 0
expect_out "$deal"
expect_eq "$(hook_log)" "deal-move $deal"
expect_eq "$(jv deal-move .event)" "move"
expect_eq "$(jv deal-move .record.stage)" "won"
expect_eq "$(jv deal-move .before.stage)" "proposal"
expect_eq "$(jv deal-move '.record.stage_history | length')" "2"
expect_eq "$(jv deal-move .record.amount)" "12000"

test_case "a deal set that changes the stage is a move too; other changes are a set"
reset_out
run crm deal set website --stage lost
expect_rc 0
expect_eq "$(hook_log)" "deal-move $deal"
reset_out
run crm deal set website --amount 13000
expect_rc 0
expect_eq "$(hook_log)" "deal-set $deal"
expect_eq "$(jv deal-set .record.amount)" "13000"
expect_eq "$(jv deal-set .before.amount)" "12000"

test_case "one commit of several records fires one hook per record (log --next, task done)"
reset_out
run crm log call marta -m "Talked budget" --next tomorrow "Send proposal"
expect_rc 0
expect_eq "$(hook_log | cut -d' ' -f1 | tr '\n' ' ')" "note-add task-add "
task=$(jv task-add .id)
expect_eq "$(jv task-add .record.title)" "Send proposal"
expect_eq "$(jv note-add .commit)" "$(head_sha)"
expect_eq "$(jv task-add .commit)" "$(head_sha)"
reset_out
run crm task done "$task"
expect_rc 0
expect_eq "$(hook_log)" "task-set $task"
expect_eq "$(jv task-set '.record | has("done")')" "true"
expect_eq "$(jv task-set '.before | has("done")')" "false"

test_case "crm edit fires set; crm contact merge fires set for the kept one and rm for the other"
reset_out
EDITOR="sed -i 's/^title: .*/title: Chief Executive/'" run crm contact edit marta
expect_rc 0
expect_eq "$(hook_log)" "contact-set $marta"
expect_eq "$(jv contact-set .record.title)" "Chief Executive"
expect_eq "$(jv contact-set .before.title)" "CTO"
dup=$(crm contact add "Marta Ruiz" --email marta.ruiz@example.org 2>/dev/null)
reset_out
run crm contact merge "$marta" "$dup"
expect_rc 0
expect_eq "$(hook_log | sort | tr '\n' ' ')" "$(printf 'contact-rm %s\ncontact-set %s\n' "$dup" "$marta" | sort | tr '\n' ' ')"
expect_eq "$(jv contact-rm .record.emails[0])" "marta.ruiz@example.org"
expect_eq "$(jv contact-set '.record.emails | length')" "2"
expect_eq "$(jv contact-set .commit)" "$(jv contact-rm .commit)"

test_case "an import runs one hook per record it adds"
crm export json -o "$WORK/export.json" 2>/dev/null
new_repo imported
echo ".crm/" >>.git/info/exclude
recorder contact-add company-add
crm hooks trust -q >/dev/null
reset_out
run crm import json "$WORK/export.json"
expect_rc 0
expect_eq "$(hook_log | grep -c '^contact-add ')" "$(jq '[.[] | select(.type == "contact")] | length' "$WORK/export.json")"
expect_ne "$(hook_log | grep -c '^contact-add ')" "0"
expect_eq "$(jv contact-add .commit)" "$(head_sha)"
cd "$root"

test_case "a hook's stdout goes to stderr: stdout keeps only the ids"
hook contact-add <<'EOF'
#!/bin/sh
echo "noise on stdout"
echo "noise on stderr" >&2
EOF
crm hooks trust -q contact-add >/dev/null
run crm contact add "Noisy Person"
expect_rc 0
expect_out_is_id
expect_err_has "noise on stdout"
expect_err_has "noise on stderr"
expect_err_lacks "failed"

test_case "content changed since trusted: not run again until trusted again"
recorder contact-add
reset_out
run crm contact add "Pia Weber"
expect_rc 0
expect_out_is_id
expect_eq "$(hook_log)" ""
expect_err_has "crm: hook .crm/hooks/contact-add not run: it changed since it was trusted; review it, then run \`crm hooks trust contact-add\`"
run crm hooks
expect_out_match '^contact-add +changed'
crm hooks trust -q contact-add >/dev/null
run crm contact add "Pia Weber 2"
expect_rc 0
expect_err_empty
expect_eq "$(hook_log)" "contact-add $out"

test_case "untrust: the hook stops running"
run crm hooks untrust contact-add
expect_rc 0
expect_out "contact-add"
reset_out
run crm contact add "Quentin Blake"
expect_eq "$(hook_log)" ""
expect_err_has "not trusted in this clone"
run crm hooks untrust contact-add
expect_rc 0
expect_out_empty
expect_err_has "no such hook was trusted"
crm hooks trust -q contact-add >/dev/null

test_case "a failing hook is reported with its last stderr line; the commit stays; exit 0"
hook contact-set <<'EOF'
#!/bin/sh
echo "first line" >&2
echo "the webhook answered 503" >&2
exit 3
EOF
crm hooks trust -q contact-set >/dev/null
base=$(head_sha)
run crm contact set marta --title CEO
expect_rc 0
expect_out "$marta"
expect_err_has "crm: hook .crm/hooks/contact-set failed (exit 3): the webhook answered 503"
expect_commits_since "$base" 1
expect_subject "contact: set Marta Ruiz (title)"
expect_eq "$(yget "$(rec_path contact "$marta")" .title)" "CEO"
expect_clean

test_case "a hook killed by a signal is reported"
hook contact-set <<'EOF'
#!/bin/sh
kill -9 $$
EOF
crm hooks trust -q contact-set >/dev/null
run crm contact set marta --title CFO
expect_rc 0
expect_err_has "crm: hook .crm/hooks/contact-set failed (killed by signal 9"
expect_subject "contact: set Marta Ruiz (title)"

test_case "a trusted hook that is not executable is reported"
recorder contact-set
crm hooks trust -q contact-set >/dev/null
chmod -x .crm/hooks/contact-set
reset_out
run crm contact set marta --title COO
expect_rc 0
expect_err_has "crm: hook .crm/hooks/contact-set failed (not executable): make it executable with \`chmod +x .crm/hooks/contact-set\`"
expect_eq "$(hook_log)" ""
run crm hooks
expect_out_match '^contact-set +trusted +not executable'
chmod +x .crm/hooks/contact-set

test_case "a script without #! cannot be run, and says why"
printf 'echo hi\n' >.crm/hooks/contact-set
chmod +x .crm/hooks/contact-set
crm hooks trust -q contact-set >/dev/null
run crm contact set marta --title CTO
expect_rc 0
expect_err_has "crm: hook .crm/hooks/contact-set failed (exit 126): cannot run it: Exec format error"
rm .crm/hooks/contact-set

test_case "a hook may run crm itself: the lock is free, no deadlock"
hook deal-move <<'EOF'
#!/bin/sh
id=$(crm task add "Kick-off for $CRM_ID" --due tomorrow) || exit 1
echo "task $id" >>"$HOOK_OUT/log"
EOF
crm hooks trust -q deal-move >/dev/null
reset_out
base=$(head_sha)
CRM_LOCK_TIMEOUT=5 run_t 60 crm deal move website won
expect_rc 0
expect_out "$deal"
expect_err_lacks "failed"
expect_commits_since "$base" 2
expect_subject "task: add Kick-off for $deal"
expect_eq "$(git log -1 --skip=1 --format=%s)" "deal: move Website redesign to won"
# the task's own task-add hook ran too, one level deeper
expect_match "$(hook_log | tr '\n' ' ')" "^task-add [0-9a-z]+ task [0-9a-z]+ $"
expect_eq "$(envv task-add CRM_HOOK_DEPTH)" "2"
expect_clean

test_case "recursion guard: a hook that fires itself stops 3 levels deep"
hook company-add <<'EOF'
#!/bin/sh
echo "$CRM_HOOK_DEPTH" >>"$HOOK_OUT/depths"
crm company add "Child of $CRM_ID" >/dev/null
EOF
crm hooks trust -q company-add >/dev/null
reset_out
base=$(head_sha)
run_t 60 crm company add "Loop Ltd"
expect_rc 0
expect_out_is_id
expect_eq "$(cat "$HOOK_OUT/depths" | tr '\n' ' ')" "1 2 3 "
expect_commits_since "$base" 4
expect_err_has "hook .crm/hooks/company-add not run: hooks that run crm are nested 3 deep"
expect_eq "$(crm company list --format ids | wc -l)" "4"
rm .crm/hooks/company-add

test_case "a hook that runs too long is killed after the timeout (CRM_HOOK_TIMEOUT), with what it started"
hook deal-set <<'EOF'
#!/bin/sh
sleep 60 &
echo $! >"$HOOK_OUT/sleep.pid"
echo "waiting for the server" >&2
wait
EOF
crm hooks trust -q deal-set >/dev/null
reset_out
base=$(head_sha)
start=$(date +%s)
CRM_HOOK_TIMEOUT=1 run_t 30 crm deal set website --amount 14000
took=$(($(date +%s) - start))
expect_rc 0
expect_out "$deal"
expect_err_has "crm: hook .crm/hooks/deal-set failed (timed out after 1 s and was killed): waiting for the server"
expect_commits_since "$base" 1
[ "$took" -lt 10 ] && pass || failed "the timeout took ${took}s"
sleep 0.2
# gone, or a zombie waiting for its new parent to reap it
case $(ps -o stat= -p "$(cat "$HOOK_OUT/sleep.pid")" 2>/dev/null) in "" | Z*) pass ;; *) failed "the hook's child still runs" ;; esac
rm .crm/hooks/deal-set

test_case "hostile names: not TYPE-EVENT, ../x, a symbolic link, a folder"
printf '#!/bin/sh\ntouch "$HOOK_OUT/ran-x"\n' >.crm/x
chmod +x .crm/x
printf '#!/bin/sh\ntouch "$HOOK_OUT/ran-outside"\n' >"$WORK/outside.sh"
chmod +x "$WORK/outside.sh"
rm -f .crm/hooks/contact-add
ln -s "$WORK/outside.sh" .crm/hooks/contact-add
ln -s ../x .crm/hooks/company-add
mkdir -p .crm/hooks/contact-rm.d .crm/hooks/deal-rm
printf '#!/bin/sh\ntouch "$HOOK_OUT/ran-readme"\n' >.crm/hooks/README
run crm hooks trust ../x
expect_rc 2
expect_err_has "'../x' is not a hook name"
run crm hooks trust README
expect_rc 2
run crm hooks trust contact-add
expect_rc 4
expect_err_has "cannot trust .crm/hooks/contact-add: it is a symbolic link"
run crm hooks trust deal-rm
expect_rc 4
run crm hooks trust note-rm
expect_rc 3
expect_err_has "no hook .crm/hooks/note-rm"
run crm hooks
expect_out_match '^contact-add +ignored +a symbolic link'
expect_out_match '^deal-rm +ignored +a folder'
expect_out_match '^README +ignored +not named TYPE-EVENT'
reset_out
run crm contact add "Link Target"
expect_rc 0
expect_out_is_id
expect_err_has "crm: hook .crm/hooks/contact-add not run: it is a symbolic link"
run crm company add "Symlinked Co"
expect_rc 0
expect_err_has "crm: hook .crm/hooks/company-add not run: it is a symbolic link"
d2=$(crm deal add "Doomed" 2>/dev/null)
run crm deal rm "$d2"
expect_rc 0
expect_err_empty
expect_no_file "$HOOK_OUT/ran-x"
expect_no_file "$HOOK_OUT/ran-outside"
expect_no_file "$HOOK_OUT/ran-readme"
rm -rf .crm/hooks/contact-add .crm/hooks/company-add .crm/hooks/contact-rm.d .crm/hooks/deal-rm .crm/hooks/README .crm/x

test_case ".crm/hooks as a symbolic link: no hook runs"
mv .crm/hooks "$WORK/real-hooks"
ln -s "$WORK/real-hooks" .crm/hooks
reset_out
run crm deal move website lost
expect_rc 0
expect_err_has "no hook was run: .crm/hooks is a symbolic link"
expect_eq "$(hook_log)" ""
run crm hooks trust deal-move
expect_rc 3
rm .crm/hooks
mv "$WORK/real-hooks" .crm/hooks

# ---------------------------------------------------------------------------
# Clones: hooks travel with the repository, trust does not.

git init -q --bare "$WORK/remote.git"
crm init "$WORK/alice" --remote "$WORK/remote.git" -q
cd "$WORK/alice"
crm contact add "Ana García" --email ana@acme.example >/dev/null
recorder contact-add contact-set

test_case "crm sync commits a new hook as a hand edit, executable, and leaves git status clean"
run crm sync
expect_rc 0
expect_err_has "pushed to origin"
expect_eq "$(git ls-files -s .crm/hooks/contact-add | cut -d' ' -f1)" "100755"
[ -x .crm/hooks/contact-add ] && pass || failed "the hook lost its executable bit"
expect_clean

test_case "a clone through a bare remote does not run the hooks until trusted there"
cd "$WORK"
crm clone -q "$WORK/remote.git" bob 2>/dev/null
cd "$WORK/bob"
[ -x .crm/hooks/contact-add ] && pass || failed "the cloned hook is not executable"
reset_out
run crm contact add "Bob's First"
expect_rc 0
expect_out_is_id
expect_eq "$(hook_log)" ""
expect_err_has "hook .crm/hooks/contact-add not run: it is not trusted in this clone"
run crm hooks trust contact-add contact-set
expect_rc 0
run crm contact add "Bob's Second"
expect_rc 0
expect_err_empty
expect_eq "$(hook_log)" "contact-add $out"
expect_eq "$(jv contact-add .commit)" "$(head_sha)"

test_case "sync's merges fire no hooks (other people's changes)"
at_alice() { (cd "$WORK/alice" && "$@"); }
at_alice crm -q contact set ana --title CTO >/dev/null 2>&1
at_alice crm -q contact add "Alice's Contact" >/dev/null 2>&1
at_alice crm -q sync
reset_out
run crm sync
expect_rc 0
expect_eq "$(hook_log)" ""
expect_eq "$(crm contact list --format ids | wc -l)" "4"
expect_clean

test_case "a new version pulled by sync is untrusted again, and stays executable"
cd "$WORK/alice"
printf '#!/bin/sh\necho "version 2 $CRM_ID" >>"$HOOK_OUT/log"\n' >.crm/hooks/contact-add
chmod +x .crm/hooks/contact-add
printf '#!/bin/sh\necho "deal-add $CRM_ID" >>"$HOOK_OUT/log"\n' >.crm/hooks/deal-add
chmod +x .crm/hooks/deal-add
crm -q sync 2>/dev/null
cd "$WORK/bob"
crm -q contact add "Bob's Local" >/dev/null 2>&1  # a local commit: the next sync is a merge
reset_out
run crm sync
expect_rc 0
expect_eq "$(hook_log)" ""
expect_match "$(git log -1 --format=%s)" "^sync: merge"
[ -x .crm/hooks/contact-add ] && pass || failed "the updated hook lost its executable bit"
[ -x .crm/hooks/deal-add ] && pass || failed "the new hook is not executable"
expect_eq "$(git ls-files -s .crm/hooks/deal-add | cut -d' ' -f1)" "100755"
expect_eq "$(git ls-tree HEAD .crm/hooks/deal-add | cut -d' ' -f1)" "100755"
expect_clean
run crm hooks
expect_out_match '^contact-add +changed'
expect_out_match '^deal-add +untrusted'
reset_out
run crm contact add "After Pull"
expect_rc 0
expect_eq "$(hook_log)" ""
expect_err_has "hook .crm/hooks/contact-add not run: it changed since it was trusted"
crm hooks trust -q contact-add >/dev/null
run crm contact add "After Trust"
expect_eq "$(hook_log)" "version 2 $out"

test_case "a fast-forward sync keeps the executable bit too"
crm -q sync 2>/dev/null
cd "$WORK/alice"
crm -q sync 2>/dev/null
printf '#!/bin/sh\necho "version 3" >>"$HOOK_OUT/log"\n' >.crm/hooks/contact-add
crm -q sync 2>/dev/null
cd "$WORK/bob"
crm -q sync 2>/dev/null
expect_eq "$(git rev-parse HEAD)" "$(git --git-dir="$WORK/remote.git" rev-parse refs/heads/main)"
expect_match "$(last_subject)" "^sync: commit hand edits"
[ -x .crm/hooks/contact-add ] && pass || failed "the fast-forwarded hook lost its executable bit"
expect_file_has .crm/hooks/contact-add "version 3"
expect_clean

finish
