#!/usr/bin/env bash
# crm clone and crm sync over git's smart HTTP with a token, through the user's own
# credential helper; a wrong token is a clear failure that changes nothing.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"
export PATH="$(dirname "$CRM"):$PATH"

server="$(cd "$(dirname "$0")" && pwd)/git-http-server.py"
mkdir -p "$WORK/srv"
git init -q --bare "$WORK/srv/team.git"
git -C "$WORK/srv/team.git" config http.receivepack true
/usr/bin/python3 "$server" "$WORK/srv" sales s3cret-token "$WORK/port" &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$WORK/port")/team.git"

# The token lives in the user's credential store, as with any hosted remote.
printf 'http://sales:s3cret-token@127.0.0.1:%s\n' "$(cat "$WORK/port")" >"$WORK/credentials"
git config --global credential.helper "store --file=$WORK/credentials"
git config --global credential.username sales

test_case "init --remote over http, first sync pushes"
crm init "$WORK/a" --remote "$url" -q
cd "$WORK/a"
ana=$(crm contact add "Ana García" --email ana@acme.example)
run crm sync
expect_rc 0
expect_err_has "pushed to origin"
expect_eq "$(git --git-dir="$WORK/srv/team.git" rev-parse main)" "$(git rev-parse HEAD)"

test_case "clone over http builds the index"
cd "$WORK"
run crm clone "$url" b
expect_rc 0
expect_err_has "cloned 1 records"
run crm -C "$WORK/b" search garcia --format ids
expect_out "$ana"

test_case "changes travel both ways over http"
(cd "$WORK/b" && crm contact set ana --title CTO >/dev/null && crm sync -q)
cd "$WORK/a"
crm contact set ana --add-tag vip >/dev/null
run crm sync
expect_rc 0
expect_eq "$(yget "$(rec_path contact "$ana")" .title)" "CTO"
expect_eq "$(yget "$(rec_path contact "$ana")" '.tags[0]')" "vip"
expect_clean

test_case "a wrong token: exit 1, git's message, nothing changed"
git config --global --unset credential.helper
git remote set-url origin "http://sales:wrong-token@127.0.0.1:$(cat "$WORK/port")/team.git"
crm contact set ana --add-tag local >/dev/null
before=$(git rev-parse HEAD)
run crm sync
expect_rc 1
expect_err_has "cannot fetch from origin"
expect_err_match "Authentication failed|401"
expect_out_empty
expect_eq "$(git rev-parse HEAD)" "$before"
expect_clean

test_case "the same with -q: git's message is still shown on failure"
run crm -q sync
expect_rc 1
expect_err_match "Authentication failed|401"

finish
