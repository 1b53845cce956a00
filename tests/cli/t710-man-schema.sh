# Nothing is typed twice: the man pages' field tables are spliced from `crm __schema` at build
# time, the completions ask `crm __complete`, and `--help` is built from the registry. These
# checks fail when any of them drifts from the schema (a field, flag or option missing).
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"
STAGE=${CRM_STAGE:-$(cd "$(dirname "$CRM")/.." && pwd)}
SRC=$(cd "$(dirname "${CRM_TEST_LIB:-$0}")/../.." && pwd)

# page NAME: the installed man page as text.
page() { MANWIDTH=200 man -l "$STAGE/share/man/$1" 2>/dev/null | col -b; }

new_repo repo
TYPES=$(crm __schema --builtin --format tsv | awk -F'\t' 'NR>1 {print $1}' | sort -u)

test_case "__schema lists every built-in type, and its tsv and json agree"
for t in contact company deal note task campaign; do expect_match "$TYPES" "(^|[[:space:]])$t($|[[:space:]])"; done
run crm __schema --builtin --format json
expect_rc 0
tsv=$(crm __schema --builtin --format tsv | awk -F'\t' 'NR>1 {print $1 "." $2}' | sort)
json=$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for t in (d if isinstance(d, list) else [d]):
    for f in t["fields"]: print(t["type"] + "." + f["name"])' | sort)
expect_eq "$json" "$tsv"
run crm __schema nosuchtype
expect_rc 2
expect_err_has "nosuchtype"

test_case "each type's man page has every field of its schema, with its flag"
for t in $TYPES; do
  [ -f "$STAGE/share/man/man1/crm-$t.1" ] || { failed "crm-$t.1 is not installed"; continue; }
  text=$(page "man1/crm-$t.1")
  while read -r field flag; do
    case "$text" in *"$field"*) pass ;; *) failed "crm-$t(1) lacks the field $field" ;; esac
    [ "$flag" = - ] && continue
    case "$text" in *"--$flag"*) pass ;; *) failed "crm-$t(1) lacks --$flag" ;; esac
  done < <(crm __schema --builtin --format tsv "$t" | awk -F'\t' 'NR>1 {print $2, ($3 == "" ? "-" : $3)}')
done

test_case "crm(5) has every type's field table"
text=$(page man5/crm.5)
while read -r type field; do
  case "$text" in *"$field"*) pass ;; *) failed "crm(5) lacks $type.$field" ;; esac
done < <(crm __schema --builtin --format tsv | awk -F'\t' 'NR>1 {print $1, $2}')

test_case "every option of 'crm TYPE add --help' is in the type's man page"
for t in contact company deal task campaign; do
  text=$(page "man1/crm-$t.1")
  for opt in $(crm "$t" add --help | grep -oE '^  (-[a-z],)?--[a-z-]+' | sed 's/.*--/--/'); do
    [ "$opt" = --help ] && continue
    case "$text" in *"$opt"*) pass ;; *) failed "crm-$t(1) lacks $opt (in crm $t add --help)" ;; esac
  done
done

if [ -d "$SRC/man" ]; then
  test_case "the man sources type no field table by hand"
  for t in contact company deal note task campaign; do
    grep -q "^%%FIELDS $t%%\$" "$SRC/man/crm-$t.1.scd" && pass || failed "man/crm-$t.1.scd has no %%FIELDS $t%% line"
    grep -q "^%%FIELDS $t%%\$" "$SRC/man/crm.5.scd" && pass || failed "man/crm.5.scd has no %%FIELDS $t%% line"
  done
  test_case "the completion scripts name no field or option (they ask crm __complete)"
  for f in "$SRC"/completions/*; do
    for word in lost_reason keep-in-touch reports-to --probability decision-maker; do
      grep -q -- "$word" "$f" && failed "$f names $word" || pass
    done
    grep -q "__complete" "$f" && pass || failed "$f does not ask crm __complete"
  done
else
  echo "# skipped: the man and completion sources (a build tree without its sources)"
fi

test_case "crm log --help has every note field's option, from the schema"
help=$(crm log --help)
while read -r field flag; do
  [ "$flag" = - ] && continue
  case "$field" in kind | body) continue ;; esac  # its arguments: crm log KIND REF... -m BODY
  case "$help" in *"--$flag"*) pass ;; *) failed "crm log --help lacks --$flag (note.$field)" ;; esac
done < <(crm __schema --builtin --format tsv note | awk -F'\t' 'NR>1 {print $2, ($3 == "" ? "-" : $3)}')

test_case "every option of every command's --help completes"
# The commands and their subcommands, as crm --help lists them.
cmds=$(crm --help | awk '/^SUBCOMMANDS:/{on=1; next} on && /^  [a-z]/{print $1}')
for c in $cmds; do
  subs=$(crm "$c" --help | awk '/^SUBCOMMANDS:/{on=1; next} on && /^  [a-z]/{print $1}')
  for path in "$c" $(for s in $subs; do echo "$c:$s"; done); do
    # shellcheck disable=SC2086
    words=${path//:/ }
    # shellcheck disable=SC2086
    offered=$(crm __complete --shell bash -- $words --)
    # shellcheck disable=SC2086
    for opt in $(crm $words --help | grep -oE '^  (-[a-zA-Z],)?--[a-z][a-z-]*' | sed 's/.*--/--/'); do
      case $'\n'"$offered"$'\n' in *$'\n'"$opt"$'\n'*) pass ;; *) failed "crm $words: $opt is in --help but not completed" ;; esac
    done
  done
done

test_case "a declared type: __schema from crm.yaml, --builtin without it"
cat >>crm.yaml <<'EOF'
types:
  project:
    folder: projects
    title: name
    fields:
      name: {kind: line, required: true}
      status: {kind: choice, choices: [planned, active, done], default: planned}
      budget: {kind: money}
EOF
git commit -qam "declare project"
run crm __schema --format tsv project
expect_rc 0
expect_out_match $'^project\tstatus\tstatus\tchoice'
expect_out_has "planned"
run crm __schema --builtin --format tsv
expect_out_lacks "project"
run crm __schema --format scdoc project
expect_out_has "budget"
run crm project add --help
expect_out_has "--status"
expect_out_has "--budget"

finish
