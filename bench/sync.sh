#!/usr/bin/env bash
# crm sync at scale: a bare remote made from a generated repository (bench/generate.py),
# `crm clone` of it with the index build (timed once), then `crm sync` bringing 1,000
# records changed by a teammate, as a fast-forward and as a merge (timed with hyperfine).
#
#   bench/sync.sh /work/bench/M [WORKDIR]
#
# Needs hyperfine, git, python3, /usr/bin/time and a built crm (CRM=..., default build/crm).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${1:?usage: bench/sync.sh GENERATED-REPO [WORKDIR]}
work=${2:-$here/out/sync-$(basename "$src")}
built=${CRM:-$here/../build/crm}
runs=${RUNS:-7}
changed=${CHANGED:-1000}
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com

echo "date: $(date -u +%FT%TZ); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
if [ "${REUSE:-}" = 1 ] && [ -d "$work/a/.git/crm" ]; then
  # REUSE=1: the clone and the teammate's commit of an earlier run; only the syncs are timed.
  git -C "$work/a" reset -q --hard "$(git -C "$work/a" rev-list --max-parents=0 HEAD)"
else
  rm -rf "$work"
  mkdir -p "$work"
  git clone -q --bare "$src" "$work/remote.git"
fi
# A private copy: a rebuild during the run cannot mix two binaries.
crm="$work/crm-$(sha256sum "$built" | cut -c1-12)"
cp "$built" "$crm"
echo "crm: $("$crm" --version) ($(basename "$crm")); $(git --version); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "records: $(git -C "$src" ls-files | grep -c '\.yaml$')"

if [ ! -d "$work/b" ]; then
  echo "== crm clone (git clone + merge driver + index build)"
  /usr/bin/time -f "crm clone: %e s elapsed, %U s user, %S s sys, peak RSS %M KB" "$crm" -q clone "$work/remote.git" "$work/a"
  git clone -q "$work/remote.git" "$work/b"
  # The teammate changes $changed contacts (their title) and pushes.
  python3 - "$work/b" "$changed" <<'PY'
import glob, sys
root, n = sys.argv[1], int(sys.argv[2])
for i, path in enumerate(sorted(glob.glob(root + "/contacts/*/*.yaml"))[:n]):
    lines = [l for l in open(path, encoding="utf-8").read().split("\n") if not l.startswith("title:")]
    lines.insert(1, "title: Synced title %d" % i)
    open(path, "w", encoding="utf-8").write("\n".join(lines))
PY
  git -C "$work/b" commit -qam "teammate: $changed contacts changed"
  git -C "$work/b" push -q origin main
fi
theirs=$(git -C "$work/b" rev-parse HEAD)
base=$(git -C "$work/a" rev-parse HEAD)

# Our own change, for the merge case: one record the teammate did not touch.
ours_ref=$(git -C "$work/a" ls-files 'deals/*' | sed -n '1s|.*/||;1s|\.yaml$||p')
"$crm" -C "$work/a" -q deal set "$ours_ref" --add-tag local-change >/dev/null
ours=$(git -C "$work/a" rev-parse HEAD)

# Each timed run starts from the same state: our branch, the remote and our
# tracking branch put back, the work tree checked out, crm's index brought up to date.
prepare() {
  echo "git -C $work/a reset -q --hard $1 && git -C $work/a update-ref refs/remotes/origin/main $base &&" \
       "git --git-dir=$work/remote.git update-ref refs/heads/main $theirs && $crm -C $work/a search zzz --format ids >/dev/null; true"
}
echo "== crm sync: fast-forward bringing $changed changed records"
hyperfine -r "$runs" -w 1 --prepare "$(prepare "$base")" --export-json "$work/sync-ff.json" "$crm -C $work/a -q sync"
echo "== crm sync: merge (one local commit) bringing $changed changed records, push included"
hyperfine -r "$runs" -w 1 --prepare "$(prepare "$ours")" --export-json "$work/sync-merge.json" "$crm -C $work/a -q sync"
echo "== after the last sync"
git -C "$work/a" status --porcelain | head -3
"$crm" -C "$work/a" search 'title:synced' --format ids --limit 0 | wc -l | sed 's/^/records found by title:synced: /'
