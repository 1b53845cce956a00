#!/bin/bash
# crm watch: a watcher process tells reads which folders changed, so they need not stat every
# folder. Whatever happens to it (stopped, killed, restarted, flooded, impersonated by a broken
# server, never started because the path is too long), reads must never serve stale results.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

export CRM_WATCH=always

# pid of the repository's watcher, or "" when none answers
watcher_pid() { "$CRM" watch --status 2>/dev/null | awk '$1 == "pid" { print $2 }'; }
# waits (up to 10 s) until process $1 has exited
gone() {
  local i
  for i in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}
# ids of the contacts whose title matches (a search that must see every hand edit at once)
titled() { "$CRM" search "title:$1" --format ids | sort | tr '\n' ' '; }
# set_title FILE TITLE: as an editor saves (a new file renamed into place)
set_title() { { grep -v '^title:' "$1"; echo "title: $2"; } >"$1.new" && mv "$1.new" "$1"; }

test_case "bad input"
new_repo
run crm watch --start --stop
expect_rc 2
expect_err_has "one of --start, --stop, --status"
run crm watch --idle soon
expect_rc 4
expect_err_has "--idle"
run crm watch --status
expect_rc 1
expect_err_has "no watcher runs"
run crm watch --stop
expect_rc 0
expect_err_has "no watcher was running"
mkdir "$WORK/nowhere"
run crm -C "$WORK/nowhere" watch --start
expect_rc 2
expect_err_has "repository"

test_case "start, status, and a second watcher refused"
new_repo main
ana=$(crm contact add "Ana García" --email ana@acme.example)
luis=$(crm contact add "Luis Pérez" --title Engineer)
pid=$(watcher_pid)
[ -n "$pid" ] && pass || failed "crm's first write should have started a watcher (CRM_WATCH=always)"
crm watch --stop -q
run crm watch --start
expect_rc 0
expect_err_has "the watcher runs"
pid=$(watcher_pid)
[ -n "$pid" ] && kill -0 "$pid" && pass || failed "no watcher process"
run crm watch --status
expect_rc 0
expect_out_has "folders "
expect_out_has "resets 0"
[ "$(stat -c %a .git/crm/watch.sock)" = 700 ] && pass || failed "only its owner may use the socket"
run crm watch --start
expect_rc 0
expect_err_has "already runs"
run crm watch --idle never
expect_rc 1
expect_err_has "a watcher already runs"
[ "$(watcher_pid)" = "$pid" ] && pass || failed "the first watcher should still answer"

test_case "hand edits are seen at once: in place, by rename, new folders, deletions"
crm search garcia >/dev/null
expect_file_has .git/crm/watch-token "crm-watch-token "
f=$(ls contacts/*/"$ana".yaml)
echo "title: CTO" >>"$f"  # an in-place write: the folder's stamps do not change
expect_eq "$(titled cto)" "$ana "
sed -i 's/^title: CTO/title: CEO/' "$f"  # a new file renamed into place
expect_eq "$(titled ceo)" "$ana "
expect_eq "$(titled cto)" ""
mkdir -p contacts/zz
printf 'name: Zoë Hand\ntitle: CTO\n' >contacts/zz/zz00000001.yaml
expect_eq "$(titled cto)" "zz00000001 "
rm -r contacts/zz
expect_eq "$(titled cto)" ""
rm "$(ls contacts/*/"$luis".yaml)"
expect_eq "$(titled engineer)" ""
git checkout -q -- .
expect_eq "$(titled engineer)" "$luis "
run crm watch --status
expect_out_has "resets 0"

test_case "branches and crm's own writes"
git checkout -q -b other
eva=$(crm contact add "Eva Nowak" --title CFO)
expect_eq "$(titled cfo)" "$eva "
git checkout -q main
expect_eq "$(titled cfo)" ""
git checkout -q other
expect_eq "$(titled cfo)" "$eva "
crm contact set eva --title COO -q
expect_eq "$(titled coo)" "$eva "
expect_clean

test_case "reads do not stat every folder while a watcher runs"
if [ -z "${CRM_SANITIZED:-}" ] && command -v strace >/dev/null; then
  python3 - <<'PY'
import os
alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
for i in range(300):
    rid = alphabet[i // 32] + alphabet[i % 32] + "qq%06d" % i
    os.makedirs("contacts/" + rid[:2], exist_ok=True)
    with open("contacts/%s/%s.yaml" % (rid[:2], rid), "w") as f:
        f.write("name: Person %d\n" % i)
PY
  crm search person --format ids >/dev/null
  run strace -f -e trace=newfstatat,statx,stat,lstat -o "$WORK/trace" "$CRM" search person --format ids --limit 1000
  expect_eq "$(printf '%s\n' "$out" | wc -l)" 300
  n=$(grep -c 'contacts/\|"[0-9a-z][0-9a-z]"' "$WORK/trace")
  [ "$n" -lt 20 ] && pass || failed "with a watcher, a read stat'ed $n folders"
  CRM_WATCH=never run strace -f -e trace=newfstatat,statx,stat,lstat -o "$WORK/trace" "$CRM" search person --format ids --limit 1000
  n=$(grep -c 'contacts/\|"[0-9a-z][0-9a-z]"' "$WORK/trace")
  [ "$n" -ge 300 ] && pass || failed "without a watcher a read should stat every folder (got $n)"
fi

test_case "stopped, edited, restarted: the new watcher's first answer makes reads scan"
crm watch --stop -q
gone "$pid" && pass || failed "the watcher did not exit"
expect_no_file .git/crm/watch.sock
f=$(ls contacts/*/"$ana".yaml)
set_title "$f" Director
CRM_WATCH=never crm watch --start -q
expect_eq "$(titled director)" "$ana "
set_title "$f" Chair
expect_eq "$(titled chair)" "$ana "

test_case "killed: reads fall back to the scan, and a new watcher replaces the dead socket"
pid=$(watcher_pid)
kill -9 "$pid"
gone "$pid"
echo "phones: ['+34 600 000 111']" >>"$f"
set_title "$f" Founder
CRM_WATCH=never run crm search title:founder --format ids
expect_out "$ana"
run crm search title:founder --format ids  # no watcher answers: this read starts one
expect_out "$ana"
for i in $(seq 50); do [ -n "$(watcher_pid)" ] && break; sleep 0.1; done
[ -n "$(watcher_pid)" ] && pass || failed "a read should have started a watcher"
set_title "$f" Partner
expect_eq "$(titled partner)" "$ana "

test_case "a flood of events (queue overflow) makes the next read scan"
pid=$(watcher_pid)
kill -STOP "$pid"
python3 - "$f" <<'PY'
import os, sys
a = sys.argv[1]
b = a + ".tmp"
open(b, "w").close()
for i in range(20000):  # two files in turn: inotify merges only repeats of the last event
    os.utime(a if i % 2 else b)
os.remove(b)
PY
set_title "$f" Overflowed
kill -CONT "$pid"
expect_eq "$(titled overflowed)" "$ana "
run crm watch --status
expect_out_has "resets 1"

test_case "a broken or impostor server is not believed"
crm watch --stop -q
python3 - "$PWD/.git/crm/watch.sock" >"$WORK/fake.log" 2>&1 <<'PY' &
import fcntl, os, socket, sys
path = sys.argv[1]
lock = open(os.path.join(os.path.dirname(path), "watch.lock"), "w")
fcntl.flock(lock, fcntl.LOCK_EX)  # as a watcher does: no read starts a real one meanwhile
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(8)
open(path + ".ready", "w").close()
answers = [b"crm-watch 1 x:5\nchanged 3\ncontacts/00\n",        # cut short
           b"garbage",
           b"crm-watch 1 x:5\nchanged zz\n",                      # not a count
           b"crm-watch 1 x:5\nchanged 99999999999999999\n",       # a count to exhaust memory
           b"crm-watch 1 x:5\nchanged 1\n../../etc\n",            # outside the record folders
           b"crm-watch 1 x:5\nchanged 1\ncontacts/..\n",
           b"crm-watch 1 x:5\nchanged 0\nextra\n"]                # more than it said
for i in range(30):
    c, _ = s.accept()
    c.recv(4096)
    c.sendall(answers[i % len(answers)])
    c.close()
PY
fake=$!
for i in $(seq 50); do [ -e .git/crm/watch.sock.ready ] && break; sleep 0.1; done
for t in Alpha Beta Gamma Delta Epsilon Zeta Eta; do
  set_title "$f" "$t"
  expect_eq "$(titled "$t")" "$ana "
done
kill "$fake" 2>/dev/null
wait "$fake" 2>/dev/null
rm -f .git/crm/watch.sock .git/crm/watch.sock.ready
run crm watch --start
expect_rc 0

test_case "a read does not wait for the watcher it starts, nor holds the caller's pipes"
crm watch --stop -q
# If the watcher it starts held stdout open, $(...) would wait for it: the timeout would end it.
timeout 20 bash -c 'x=$("$0" search garcia --format ids) && [ -n "$x" ]' "$CRM" >"$WORK/pipe.log" 2>&1
rc=$?
expect_rc 0

test_case "a path too long for a unix socket: reads scan, the reason is kept, no retry for an hour"
long="$WORK/$(printf 'd%.0s' $(seq 120))"
crm init "$long" -q
cd "$long" || exit 1
crm contact add "Ana Long" --title CTO -q >/dev/null
run crm watch --start
expect_rc 1
expect_err_has "too long for a unix socket"
expect_file_has .git/crm/watch.failed "too long"
f=$(ls contacts/*/*.yaml)
echo "emails: [long@example.com]" >>"$f"
run crm search long@example.com --format ids
expect_rc 0
expect_out "$(basename "$f" .yaml)"
run crm watch --status
expect_rc 1

test_case "the repository deleted: its watcher exits"
new_repo doomed
crm contact add "Doomed Person" -q >/dev/null
crm watch --start -q
pid=$(watcher_pid)
cd "$WORK" || exit 1
rm -rf "$WORK/doomed"
gone "$pid" && pass || failed "the watcher of a deleted repository still runs"

cd "$WORK/main" && crm watch --stop -q
finish
