#!/bin/sh
# Installs the Debian 12 packages crm needs to build, test and benchmark.
# Idempotent and non-interactive: packages already present are skipped.
set -eu
BUILD="cmake g++ make pkg-config git libcli11-dev libyaml-cpp-dev libgit2-dev libxapian-dev \
nlohmann-json3-dev libutf8proc-dev libssl-dev libkainjow-mustache-dev libgmime-3.0-dev scdoc"
TEST="catch2 jq python3 python3-yaml python3-icalendar khal strace man-db bsdextrautils util-linux xapian-tools nodejs npm chromium khard python3-vobject"
BENCH="hyperfine ripgrep time"
want="$BUILD"
TEST="$TEST zsh fish procps"  # completion syntax checks; pgrep in t620
case "${1:-}" in
  --test) want="$BUILD $TEST" ;;
  --bench) want="$BUILD $TEST $BENCH" ;;
esac
missing=""
for p in $want; do
  # Node.js often comes from NodeSource, whose nodejs package bundles npm and
  # conflicts with Debian's npm: a working command is enough.
  case "$p" in nodejs) command -v node >/dev/null 2>&1 && continue ;;
               npm) command -v npm >/dev/null 2>&1 && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
