# Completion: the installed bash, zsh and fish scripts ask `crm __complete`, which answers from
# the command tree, the registry, crm.yaml and the index; so a declared type, its fields, its
# choices and its records complete like the built-in ones, and nothing is typed twice.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"
STAGE=${CRM_STAGE:-$(cd "$(dirname "$CRM")/.." && pwd)}
BASH_SHIM=$STAGE/share/bash-completion/completions/crm
ZSH_SHIM=$STAGE/share/zsh/vendor-completions/_crm
FISH_SHIM=$STAGE/share/fish/vendor_completions.d/crm.fish

# bash_complete LINE: what bash completion offers for LINE (cursor at the end), one per line.
bash_complete() {
  bash -c '
    PATH="$1/bin:$PATH"; source "$2"
    line=$3
    read -ra COMP_WORDS <<<"$line"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE=$line; COMP_POINT=${#line}
    _crm; printf "%s\n" "${COMPREPLY[@]}"' _ "$STAGE" "$BASH_SHIM" "$1"
}
# candidates WORDS...: what crm __complete answers (bash form).
candidates() { crm __complete --shell bash -- "$@"; }

new_repo repo
cat >>crm.yaml <<'EOF'
types:
  project:
    folder: projects
    title: name
    fields:
      name: {kind: line, required: true}
      company: {kind: ref, to: company}
      status: {kind: choice, choices: [planned, active, done], default: planned}
      budget: {kind: money}
      due: {kind: date}
    list: [name, company, status, due]
EOF
git commit -qam "declare project"
crm company add "Acme Corporation" -q >/dev/null
crm contact add "Ana García" --company acme -q >/dev/null
crm contact add "Andrés Núñez" -q >/dev/null
crm project add "Intranet" --company acme -q >/dev/null
crm project add "Internal wiki" -q >/dev/null

test_case "commands: built-in and declared nouns, and no hidden ones"
run candidates ""
expect_out_has "contact"
expect_out_has "project"
expect_out_has "report"
expect_out_has "hooks"
expect_out_lacks "__complete"
expect_out_lacks "__schema"
run candidates pro
expect_out "project"

test_case "every --help command word completes"
for word in $(crm --help | awk '/^SUBCOMMANDS:/{on=1; next} on && /^  [a-z]/{print $1}'); do
  run candidates "${word:0:3}"
  expect_out_has "$word"
done

test_case "a declared type's verbs come from its row (no move, done or merge)"
run candidates project ""
for verb in add list show edit set rm; do expect_out_has "$verb"; done
expect_out_lacks "move"
expect_out_lacks "merge"
run candidates deal ""
expect_out_has "move"

test_case "options of add are the type's field flags, from the schema"
run candidates project add --
for flag in --company --status --budget --due; do expect_out_has "$flag"; done
expect_out_lacks "--stage"
crm __schema --format tsv contact | awk -F'\t' 'NR>1 && $3 != "" {print "--" $3}' >"$WORK/flags"
run candidates contact add --
while read -r flag; do
  [ "$flag" = --name ] && continue  # add takes the name as its argument
  expect_out_has "$flag"
done <"$WORK/flags"

test_case "choices and references: --status, --company, set REF"
run candidates project add --status ""
expect_out "$(printf 'planned\nactive\ndone')"
run candidates project add --company ""
expect_out "Acme Corporation"
run candidates project set int
expect_out_has "Intranet"
expect_out_has "Internal wiki"
run candidates contact show an
expect_out_has "Ana García"
expect_out_has "Andrés Núñez"
# accent-free, and any word of the title
run candidates contact show nun
expect_out "Andrés Núñez"
run candidates contact show zzz
expect_out_empty

test_case "set FIELD=: field names of the type, then its values"
run candidates project set intranet st
expect_out_has "status="
run candidates project set intranet status=
expect_out_has "status=active"

test_case "search fields and type: values"
run candidates search type:
expect_out_has "type:project"
expect_out_has "type:contact"
run candidates search bud
expect_out_has "budget:"

test_case "global options, --format values, report names"
run candidates --form
expect_out_has "--format"
run candidates contact list --format ""
for f in table json csv tsv ids; do expect_out_has "$f"; done
run candidates report ""
expect_out_has "pipeline"
expect_out_has "forecast"

test_case "-C names the repository whose crm.yaml declares the noun"
cd "$WORK"
run candidates -C "$WORK/repo" project set int
expect_out_has "Intranet"
run candidates pro
expect_out_empty
cd "$WORK/repo"

test_case "outside a repository, or with a broken crm.yaml: built-in words, no error"
cd "$WORK"
run candidates cont
expect_out "contact"
expect_rc 0
cd "$WORK/repo"
cp crm.yaml "$WORK/crm.yaml.good"
printf 'types:\n  project: [broken\n' >>crm.yaml
run candidates cont
expect_out "contact"
expect_rc 0
cp "$WORK/crm.yaml.good" crm.yaml

test_case "hostile names: completion prints them as data, one per line"
crm contact add $'Evil\x1b]0;pwned\x07 Name' -q >/dev/null 2>&1
crm contact add 'Semi; rm -rf ~' -q >/dev/null
run candidates contact show semi
expect_out "Semi; rm -rf ~"
run candidates contact show evil
case "$out" in *$'\x1b'*) failed "an escape byte reached the completion output" ;; *) pass ;; esac

test_case "bash shim: words, quoting and '=' as bash splits them"
run bash_complete "crm proj"
expect_out "project"
run bash_complete "crm project add --status a"
expect_out "active"
run bash_complete "crm contact show Semi"
expect_out 'Semi\;\ rm\ -rf\ ~'
run bash_complete "crm contact show And"
expect_out 'Andrés\ Núñez'

if command -v zsh >/dev/null; then
  test_case "zsh shim parses, and crm answers it with descriptions"
  run zsh -n "$ZSH_SHIM"
  expect_rc 0
  run crm __complete --shell zsh -- project set int
  expect_out_match $'^Intranet\tproject '
else
  echo "# skipped: zsh is not installed"
fi

if command -v fish >/dev/null; then
  test_case "fish shim completes declared types and names"
  run fish -c "set PATH '$STAGE/bin' \$PATH; source '$FISH_SHIM'; cd '$WORK/repo'; complete -C 'crm proj'"
  expect_out_match "^project"
  run fish -c "set PATH '$STAGE/bin' \$PATH; source '$FISH_SHIM'; cd '$WORK/repo'; complete -C 'crm project set Intr'"
  expect_out_match "^Intranet"
else
  echo "# skipped: fish is not installed"
fi

test_case "completing writes nothing and builds no index"
before=$(head_sha)
rm -rf .git/crm/index
run candidates contact show an
expect_out_empty
expect_no_file .git/crm/index/iamglass
expect_eq "$(head_sha)" "$before"
expect_clean

finish
