#!/bin/sh
# Install what is missing, build, install crm, and run it on a demo repository.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
cmake --install build >/dev/null
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-Demo User}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-demo@example.com}"
demo=$(mktemp -d /tmp/crm-demo.XXXXXX)
set -x
crm init "$demo"
cd "$demo"
acme=$(crm company add "Acme Iberia S.L." --domain acme.example --tag b2b)
crm contact add "Ana García" --email ana@acme.example --phone "+34 600 111 222" --company "$acme" --title CTO
crm contact add "Luis Pérez" --email luis@acme.example --company acme --reports-to ana
crm deal add "Website redesign" --company acme --contact ana --amount 12000 --currency EUR --stage proposal --close 2026-12-31
crm deal move website won
crm contact set garcia --add-tag vip
crm log call ana -m "Discussed budget; wants a proposal by Friday" --next friday "Send proposal"
crm log meeting acme --at "tomorrow 10:00" --duration 45m -m "Kick-off"
crm task add "Quarterly check-in" --for acme --every 3m --due +2d
crm contact set luis --keep-in-touch 30d
crm agenda
crm show ana
crm contact list
crm history ana
crm check
git log --oneline
