#!/bin/sh
# Install what is missing, build, and run every test (unit and end-to-end), the
# end-to-end ones again with a watcher answering every command (CRM_TEST_WATCH),
# then every test again on a build with AddressSanitizer and UBSan.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh --test
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"
# Again with a watcher answering every command's freshness question: no result may change.
CRM_TEST_WATCH=always ctest --test-dir build --output-on-failure -j"$jobs" -R '^cli-' -E 'lunr|sync-random'
if [ "${CRM_SKIP_SANITIZERS:-}" != 1 ]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCRM_SANITIZE=ON >/dev/null
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 CRM_SANITIZED=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs"
fi
