# Declared record types (crm.yaml `types:`): three of them, with a reference to a built-in type,
# references between themselves, choices, money, dates, integers and tags, go through every
# command a built-in type does (add, list in every format, set, edit, rm, search with ranges,
# show's links, export/import json, sync between two clones, check), and a crm.yaml that
# declares one badly is refused with its line and column, changing nothing.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"
export PATH="$(dirname "$CRM"):$PATH"  # git runs the merge driver as `crm merge-file`

TYPES='types:
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
  ticket:
    folder: tickets
    title: subject
    fields:
      subject: {kind: line, required: true}
      contact: {kind: ref, to: contact}
      project: {kind: ref, to: project}
      hours: {kind: integer}
      tags: {kind: tags}
  venue:
    folder: venues
    title: name
    fields:
      name: {kind: line, required: true}
      city: {kind: line}
      capacity: {kind: integer}
'
git init -q --bare "$WORK/remote.git"
crm init "$WORK/repo" --remote "$WORK/remote.git" -q
cd "$WORK/repo"
printf '%s' "$TYPES" >>crm.yaml
git commit -qam "declare project, ticket, venue"

test_case "add: ids, files in the declared folders, defaults, created"
acme=$(crm company add "Acme Corporation" -q)
ana=$(crm contact add "Ana García" --company acme -q)
run crm project add "Intranet" --company acme --budget 8000 --due 2027-03-01 -q
expect_rc 0
expect_out_is_id
intranet=$out
f=$(rec_path projects "$intranet")
expect_file "$f"
expect_file_has "$f" "name: Intranet"
expect_file_has "$f" "$acme"  # (YAML may quote an id that reads as a number)
expect_file_has "$f" "status: planned"
expect_file_has "$f" "budget: 8000"
expect_file_has "$f" "due: 2027-03-01"
expect_file_has "$f" "created: "
wiki=$(crm project add "Internal wiki" --budget 1200.50 --due 2026-12-20 -q)
ticket=$(crm ticket add "Login broken" --contact ana --project intranet --hours 3 --tags urgent -q)
expect_file_has "$(rec_path tickets "$ticket")" "$intranet"
expect_file_has "$(rec_path tickets "$ticket")" "$ana"
sala=$(crm venue add "Sala Uno" --city Madrid --capacity 120 -q)
crm venue add "Patio" --city Sevilla --capacity 40 -q >/dev/null
expect_clean

test_case "list: the declared columns, every format"
run crm project list
expect_rc 0
expect_out_match "^id +name +company +status +due"
expect_out_has "Acme Corporation"
run crm project list --format json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(r["name"] for r in d), {r["type"] for r in d})')" "['Internal wiki', 'Intranet'] {'project'}"
run crm project list --format ndjson
expect_eq "$(printf '%s\n' "$out" | wc -l)" "2"
run crm project list --format csv
expect_out_match "^id,name,company,status,due"
run crm project list --format tsv
expect_out_match $'^id\tname\tcompany\tstatus\tdue'
run crm project list --format yaml
expect_out_has "name: Intranet"
run crm project list --format markdown
expect_out_match '^\| *id *\| *name'
run crm project list --format html
expect_out_has "<table"
run crm project list --format ids
expect_eq "$(printf '%s\n' "$out" | sort)" "$(printf '%s\n' "$intranet" "$wiki" | sort)"
run crm venue list --sort capacity --format ids
expect_eq "$(printf '%s\n' "$out" | head -1)" "$(crm venue list --format json | python3 -c 'import json,sys; print(min(json.load(sys.stdin), key=lambda r: r["capacity"])["id"])')"
run crm ticket list 'tags:urgent' --format ids
expect_out "$ticket"

test_case "set: checked as the schema says, one commit, nothing changed on refusal"
run crm project set intranet --status active -q
expect_rc 0
expect_file_has "$f" "status: active"
before=$(head_sha)
run crm project set intranet --status nope
expect_rc 4
expect_err_has "--status"
expect_err_has "planned"
run crm project set intranet --budget abc
expect_rc 4
expect_err_has "--budget"
run crm project set intranet due=2027-02-30
expect_rc 4
expect_err_has "due"
run crm venue set sala --capacity many
expect_rc 4
expect_err_has "--capacity"
run crm ticket set login --project nosuch
expect_rc 3
expect_err_has "nosuch"
run crm project add ""
expect_rc 4
expect_eq "$(head_sha)" "$before"
expect_clean
run crm project set intranet budget=9000.25 -q
expect_rc 0
expect_file_has "$f" "budget: 9000.25"

test_case "edit: the editor's change is checked and committed"
run env EDITOR="sed -i s/Madrid/Toledo/" crm venue edit sala -q
expect_rc 0
expect_file_has "$(rec_path venues "$sala")" "city: Toledo"
before=$(head_sha)
run env EDITOR="sed -i s/capacity:.*/capacity:\ lots/" crm venue edit sala
expect_ne "$rc" "0"
expect_err_has "capacity"
expect_eq "$(head_sha)" "$before"
expect_file_has "$(rec_path venues "$sala")" "capacity: 120"

test_case "search: type:, choice terms, money, integer and date ranges"
run crm search 'type:project +status:active' --format ids
expect_out "$intranet"
# unmarked terms rank (crm-search(1), as Lunr): the active project first, the others after it
run crm search 'type:project status:active' --format ids
expect_eq "$(printf '%s\n' "$out" | head -1)" "$intranet"
expect_eq "$(printf '%s\n' "$out" | wc -l)" "2"
run crm search 'budget:>5000' --format ids
expect_out "$intranet"
run crm search 'budget:<5000' --format ids
expect_out "$wiki"
run crm search 'budget:1000..1300' --format ids
expect_out "$wiki"
run crm search 'capacity:100..200' --format ids
expect_out "$sala"
run crm search 'capacity:>500' --format ids
expect_out_empty
run crm search 'due:2027-01-01..2027-12-31' --format ids
expect_out "$intranet"
run crm search 'hours:>=3 type:ticket' --format ids
expect_out "$ticket"
run crm search toledo --format ids
expect_out "$sala"

test_case "show: links from declared types to built-in and declared records"
run crm show acme
expect_rc 0
expect_out_match "^projects \(1\)"
expect_out_has "Intranet"
run crm show ana
expect_out_match "^tickets \(1\)"
expect_out_has "Login broken"
run crm show intranet
expect_out_has "Acme Corporation"
expect_out_match "^tickets \(1\)"

test_case "rm: a linked record is refused, --force unlinks"
before=$(head_sha)
run crm project rm intranet
expect_rc 4
expect_err_has "Login broken"
expect_eq "$(head_sha)" "$before"
run crm venue rm patio -q
expect_rc 0
run crm venue list --format ids
expect_out "$sala"

test_case "export json and import json into a fresh repository: the same records"
crm export json -o "$WORK/all.json" -q
new_repo copy
printf '%s' "$TYPES" >>crm.yaml
git commit -qam "declare"
run crm import json "$WORK/all.json" -q
expect_rc 0
expect_clean
for t in project ticket venue; do
  expect_eq "$(crm "$t" list --format json)" "$(crm -C "$WORK/repo" "$t" list --format json)"
done
cd "$WORK/repo"

test_case "import json of types this repository does not declare: each record named, none written"
new_repo bare_types
run crm import json "$WORK/all.json"
expect_rc 4
expect_err_match "all.json:[0-9]+: record [0-9]+: unknown type 'project'"
expect_err_has "unknown type 'venue'"
expect_no_file projects
expect_no_file tickets
expect_clean
cd "$WORK/repo"

test_case "sync: two clones change one declared record and add others; the merge keeps both"
crm sync -q 2>/dev/null
crm clone "$WORK/remote.git" "$WORK/bob" -q
(cd "$WORK/bob" && crm project set intranet --due 2027-04-15 -q >/dev/null && crm venue add "Aula" --capacity 30 -q >/dev/null && crm sync -q 2>/dev/null)
crm project set intranet --status done -q >/dev/null
crm ticket add "Slow pages" --project intranet -q >/dev/null
run crm sync
expect_rc 0
expect_file_has "$f" "status: done"
expect_file_has "$f" "due: 2027-04-15"
run crm venue list --format ids
expect_eq "$(printf '%s\n' "$out" | wc -l)" "2"
run crm search 'type:ticket project:intranet' --format ids
expect_eq "$(printf '%s\n' "$out" | wc -l)" "2"
(cd "$WORK/bob" && crm sync -q 2>/dev/null)
expect_eq "$(cd "$WORK/bob" && git rev-parse HEAD)" "$(git rev-parse HEAD)"
expect_clean

test_case "check: clean, then after crm.yaml narrows a choice the old values are named"
run crm check
expect_rc 0
sed -i 's/choices: \[planned, active, done\]/choices: [planned, active]/' crm.yaml
git commit -qam "narrow status"
run crm check
expect_ne "$rc" "0"
expect_out_has "$(rec_path projects "$intranet" | sed 's/^\.\///')"
expect_out_has "status"
git revert --no-edit HEAD >/dev/null

test_case "declarations that are refused: file, line and column, and nothing runs"
cp crm.yaml "$WORK/good.yaml"
refuse() {  # refuse YAML-TAIL WORDS...: crm.yaml with TAIL in place of the types is refused
  local tail=$1; shift
  { sed '/^types:/,$d' "$WORK/good.yaml"; printf '%s' "$tail"; } >crm.yaml
  run crm venue list
  expect_ne "$rc" "0"
  expect_err_match "crm.yaml:[0-9]+(:[0-9]+)?"
  for w in "$@"; do expect_err_has "$w"; done
}
refuse $'types:\n  contact:\n    folder: people\n    fields: {name: {kind: line}}\n' contact
refuse $'types:\n  venue:\n    folder: contacts\n    fields: {name: {kind: line}}\n' contacts
refuse $'types:\n  venue:\n    folder: venues\n    fields:\n      name: {kind: nosuchkind}\n' nosuchkind
refuse $'types:\n  venue:\n    folder: venues\n    fields:\n      owner: {kind: ref, to: nosuchtype}\n' nosuchtype
refuse $'types:\n  venue:\n    folder: venues\n    title: missing\n    fields:\n      name: {kind: line}\n' missing
refuse $'types:\n  venue:\n    folder: ../escape\n    fields:\n      name: {kind: line}\n' folder
refuse $'types:\n  Bad-Name:\n    folder: bad\n    fields:\n      name: {kind: line}\n' Bad-Name
refuse $'types:\n  venue:\n    folder: venues\n    fields:\n      state: {kind: choice}\n' choices
refuse $'types:\n  venue: [not, a, map]\n' venue
refuse $'types:\n  venue:\n    folder: venues\n    fields:\n      state: {kind: choice, choices: [a, b], default: c}\n' "default 'c'"
refuse $'types:\n  venue:\n    folder: a/b\n    fields:\n      name: {kind: line}\n' folder
refuse $'types:\n  venue:\n    folder: venues\n    fields:\n      amount: {kind: date}\n' amount money
# no command word may be taken by a declared type
for word in $(crm --help | awk '/^SUBCOMMANDS:/{on=1; next} on && /^  [a-z]/{print $1}'); do
  { sed '/^types:/,$d' "$WORK/good.yaml"; printf 'types:\n  %s:\n    folder: x%s\n    fields:\n      name: {kind: line}\n' "$word" "$word"; } >crm.yaml
  run crm venue list
  [ "$rc" != 0 ] && case "$err" in *"$word"*) pass ;; *) failed "declaring '$word' was refused without naming it" ;; esac \
    || failed "a type named after the command '$word' was accepted"
done
cp "$WORK/good.yaml" crm.yaml
expect_clean

test_case "the index keeps every type's values apart (declared field names shared between types)"
run crm search 'capacity:>100' --format ids
expect_out "$sala"
run crm search 'hours:>100' --format ids
expect_out_empty

finish
