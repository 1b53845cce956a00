#!/bin/bash
# crm search and list QUERY: the Lunr query language end to end (the issue's examples), result
# formats and options, phrases, ranges with boundary values, prohibited-only queries, freshness
# after hand edits, git commits and checkouts, a deleted or corrupt index, bad queries (exit 2
# naming the column), and wildcards on a few thousand records.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

# search_ids ARGS...: `crm search --format ids --limit 0 ARGS...`, ids sorted into $got
search_ids() {
  run crm search --format ids --limit 0 "$@"
  got=$(printf '%s\n' "$out" | sed '/^$/d' | sort)
}
# expect_ids ID...: $got is exactly these ids (any order)
expect_ids() {
  local want
  want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
  [ "$got" = "$want" ] && pass || failed "expected exactly {$(echo $want)}, got {$(echo $got)}"
}
# list_ids TYPE ARGS...: `crm TYPE list --format ids ARGS...` into $got, in order
list_ids() {
  local t=$1
  shift
  run crm "$t" list --format ids "$@"
  got=$out
}
# csv_out: $out without the CR of CSV's CRLF line ends
csv_out() { printf '%s' "$out" | tr -d '\r'; }
# expect_csv TEXT: $out is this CSV (lines ending in CRLF, as RFC 4180 says)
expect_csv() {
  [ "$(csv_out)" = "$1" ] && pass || failed "CSV should be [$1]"
  local crlf
  crlf=$(printf '%s\n' "$out" | grep -c $'\r$')
  [ "$crlf" = "$(printf '%s\n' "$out" | wc -l)" ] && pass || failed "every CSV line should end in CRLF"
}
# millis: a clock for timing
millis() { date +%s%3N; }

new_repo
acme=$(crm company add "Acme Iberia S.L." --domain acme.example --tag vip)
globex=$(crm company add "Globex" --tag vip)
initech=$(crm company add "Initech")
ana=$(crm contact add "Ana García" --email ana@acme.example --company "$acme" --title CTO --tag vip)
anna=$(crm contact add "Anna Smith" --title "Sales engineer")
ama=$(crm contact add "Ama Otu" --title Engineer --notes "the budget approved yesterday")
bea=$(crm contact add "Bea Apart" --notes "the budget was never approved")
cy=$(crm contact add "Cy Cross" --title Budget --notes "approved by nobody")
luis=$(crm contact add "Luis Pérez" --email luis@acme.example --email l.perez@home.example --company "$acme")
angel=$(crm contact add "Ángel Ruiz" --email angel@acme.example --company "$acme")
bob=$(crm contact add "Bob Nomail" --company "$acme")
zoe=$(crm contact add "Zoe Acme" --email zoe@other.example --company "$initech")
dee=$(crm contact add "Dee Dancing")
eli=$(crm contact add "Eli Teacher" --notes "dancing lessons on Fridays")
# deals around the boundaries of amount:>=5000 close:<2026-12-31
d_renew=$(crm deal add "Acme renewal" --company "$acme" --amount 5000 --close 2026-12-30 --stage lead --tag vip)
d_almost=$(crm deal add "Almost five" --amount 4999.99 --close 2026-12-01 --stage lead)
d_late=$(crm deal add "Big late" --amount 12000 --close 2026-12-31 --stage qualified)
d_early=$(crm deal add "Big early" --amount 15000 --close 2026-06-01 --stage proposal)
d_noamt=$(crm deal add "No amount" --close 2026-01-01 --stage lead)
d_noclose=$(crm deal add "No close" --amount 9000 --stage lead)
d_lost=$(crm deal add "Acme lost deal" --company "$acme" --amount 7000 --close 2026-03-01 --stage lost --tag vip)
all_deals="$d_renew $d_almost $d_late $d_early $d_noamt $d_noclose $d_lost"
all_contacts="$ana $anna $ama $bea $cy $luis $angel $bob $zoe $dee $eli"
all_companies="$acme $globex $initech"

# ---------------------------------------------------------------------------------------------
test_case "issue: crm search 'garcia' finds Ana García (case and accents folded)"
run crm search garcia
expect_rc 0
expect_out_has "Ana García"
expect_out_has "contact"
for q in garcia GARCIA García garcía GARCÍA "ana garcia"; do
  search_ids "$q"
  expect_ids "$ana"
done
search_ids "perez"
expect_ids "$luis"

test_case "issue: +tag:vip -stage:lost acme* (required, prohibited, wildcard ranking)"
search_ids '+tag:vip -stage:lost acme*'
expect_rc 0
# every vip record except the lost deal; acme* only ranks
expect_ids "$acme" "$globex" "$ana" "$d_renew"
run crm search --format ids --limit 0 '+tag:vip -stage:lost acme*'
last=$(printf '%s\n' "$out" | tail -1)
expect_eq "$last" "$globex"  # the only one without an acme* word ranks last
search_ids 'tag:vip'
expect_ids "$acme" "$globex" "$ana" "$d_renew" "$d_lost"
search_ids '+qwertyuiop vip'
expect_ids
search_ids '+tag:vip +acme*'
expect_ids "$acme" "$ana" "$d_renew" "$d_lost"

test_case "issue: name:ana~1 finds Ana, Anna and Ama"
search_ids 'name:ana~1'
expect_rc 0
expect_ids "$ana" "$anna" "$ama"
search_ids 'name:ana'
expect_ids "$ana"
search_ids 'name:alcie~1'  # a transposition is one edit; nobody is called alice
expect_ids
search_ids 'name:nomial~1'  # transposition of Nomail
expect_ids "$bob"

test_case "edit distance counts letters, not bytes (Cyrillic)"
zhanna=$(crm contact add "Жанна Иванова")
search_ids 'ЖАННА'
expect_ids "$zhanna"
search_ids 'name:жана~1'  # one letter deleted
expect_ids "$zhanna"
search_ids 'name:шанна~1'  # one letter replaced
expect_ids "$zhanna"
crm contact rm -q "$zhanna" >/dev/null 2>&1 || failed "could not remove the Cyrillic contact"

test_case "issue: title:cto^10 engineer ranks the CTO first"
run crm search --format ids --limit 0 'title:cto^10 engineer'
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -1)" "$ana"
search_ids 'title:cto^10 engineer'
expect_ids "$ana" "$anna" "$ama"

test_case "boost changes the ranking (several CTOs, one strong engineer)"
(
  new_repo rank
  for n in "Carla Uno" "Carlos Dos" "Cora Tres" "Ciro Cuatro"; do crm contact add "$n" --title CTO -q >/dev/null; done
  crm contact add "Eve Builder" --title Engineer --notes "engineer who engineers; lead engineer" >"$WORK/eve"
  crm contact add "Pat Other" --title Sales -q >/dev/null
) 
eve=$(cat "$WORK/eve")
cd "$WORK/rank" || exit 1
run crm search --format csv 'title:cto engineer'
expect_eq "$(csv_out | sed -n 2p | cut -d, -f2)" "$eve"  # unboosted: the engineer first
run crm search --format csv 'title:cto^10 engineer'
expect_eq "$(csv_out | sed -n 2p | cut -d, -f4 | grep -c CTO)" "1"  # boosted: a CTO first
expect_eq "$(csv_out | tail -1 | cut -d, -f2)" "$eve"
run crm search --format csv 'title:cto engineer^10'
expect_eq "$(csv_out | sed -n 2p | cut -d, -f2)" "$eve"
cd "$WORK/repo" || exit 1

test_case "ranges: each bound alone, with the boundary values"
search_ids 'amount:>=5000'
expect_ids "$d_renew" "$d_late" "$d_early" "$d_noclose" "$d_lost"
search_ids 'amount:>5000'
expect_ids "$d_late" "$d_early" "$d_noclose" "$d_lost"
search_ids 'amount:<=5000'
expect_ids "$d_renew" "$d_almost"
search_ids 'amount:<5000'
expect_ids "$d_almost"
search_ids 'amount:5000'
expect_ids "$d_renew"
search_ids 'amount:5000.00'
expect_ids "$d_renew"
search_ids 'amount:4999.99..5000'
expect_ids "$d_renew" "$d_almost"
search_ids 'amount:1000..5000'
expect_ids "$d_renew" "$d_almost"
search_ids 'amount:..5000'
expect_ids "$d_renew" "$d_almost"
search_ids 'amount:12000..'
expect_ids "$d_late" "$d_early"
search_ids 'close:<2026-12-31'
expect_ids "$d_renew" "$d_almost" "$d_early" "$d_noamt" "$d_lost"
search_ids 'close:<=2026-12-30'
expect_ids "$d_renew" "$d_almost" "$d_early" "$d_noamt" "$d_lost"
search_ids 'close:>2026-12-30'
expect_ids "$d_late"
search_ids 'close:>=2026-12-30'
expect_ids "$d_renew" "$d_late"
search_ids 'close:2026-12-31'
expect_ids "$d_late"
search_ids 'close:2026-12-30..2026-12-31'
expect_ids "$d_renew" "$d_late"
search_ids 'close:2026-12-30..'
expect_ids "$d_renew" "$d_late"

test_case "ranges: an open start before a date (close:..DATE), like amount:..5000"
search_ids 'close:..2026-06-01'
expect_rc 0
expect_ids "$d_early" "$d_noamt" "$d_lost"

test_case "ranges combined with + are an intersection"
search_ids '+type:deal +amount:>=5000 +close:<2026-12-31'
expect_rc 0
expect_ids "$d_renew" "$d_early" "$d_lost"
search_ids '+type:deal +amount:>=5000 +close:<2026-12-31 -stage:lost'
expect_ids "$d_renew" "$d_early"

test_case "issue: type:deal amount:>=5000 close:<2026-12-31 lists the deals that meet every condition"
search_ids 'type:deal amount:>=5000 close:<2026-12-31'
expect_rc 0
expect_ids "$d_renew" "$d_early" "$d_lost"

test_case "relative dates (CRM_NOW pinned)"
(
  new_repo dates
  CRM_NOW=2026-01-01T10:00:00Z crm contact add "Old Timer" >"$WORK/old"
  CRM_NOW=2026-03-10T10:00:00Z crm contact add "New Comer" >"$WORK/new"
)
old=$(cat "$WORK/old")
new=$(cat "$WORK/new")
cd "$WORK/dates" || exit 1
export CRM_NOW=2026-03-12T00:00:00Z
search_ids 'created:>=-7d'
expect_ids "$new"
search_ids 'created:<-7d'
expect_ids "$old"
search_ids 'created:2026-01-01'
expect_ids "$old"
search_ids 'created:>2026-01-01'
expect_ids "$new"
unset CRM_NOW
cd "$WORK/repo" || exit 1

test_case "date ranges over datetimes with offsets: a day is its UTC day, whether few or many days' notes are read"
(
  new_repo offsets
  who=$(crm contact add "Oz Offset")
  # Written on the 7th, in UTC the 6th; written on the 6th, in UTC the 7th.
  crm log note "$who" --at "2026-12-07T00:30:00+01:00" -m "early on the 7th in Madrid" >"$WORK/east"
  crm log note "$who" --at "2026-12-06T23:30:00-05:00" -m "late on the 6th in New York" >"$WORK/west"
  crm log meeting "$who" --at "2026-12-09T10:00:00Z" -m "in the middle" >"$WORK/mid"
  crm log note "$who" --at "2026-12-12" -m "a date alone" >"$WORK/dated"
)
east=$(cat "$WORK/east") west=$(cat "$WORK/west") mid=$(cat "$WORK/mid") dated=$(cat "$WORK/dated")
cd "$WORK/offsets" || exit 1
check_days() {
  search_ids 'at:2026-12-06'
  expect_ids "$east"
  search_ids 'at:2026-12-07'
  expect_ids "$west"
  search_ids 'at:2026-12-05..2026-12-09'
  expect_ids "$east" "$west" "$mid"
  search_ids '+kind:meeting +at:2026-12-07..2026-12-14'
  expect_ids "$mid"
  search_ids 'at:2026-12-10..2026-12-12'
  expect_ids "$dated"
  search_ids 'at:2026-12-08..2026-12-08'
  expect_ids
}
check_days
# Past 64 terms on the days asked for (and one either side), the range reads the value slot
# instead: the same answers.
mkdir -p notes/zz
for i in $(seq 1 70); do
  printf 'kind: note\nat: 2026-12-08T%02d:%02d:00Z\nsubject: filler %s\ncreated: 2026-12-01T00:00:00Z\n' \
    $((i / 60)) $((i % 60)) "$i" >"notes/zz/zz$(printf %08d "$i").yaml"
done
git add notes && git commit -qm "70 notes on the 8th"
search_ids 'at:2026-12-08'
[ "$(printf '%s\n' "$got" | grep -c '^zz')" = 70 ] && [ "$(printf '%s\n' "$got" | wc -l)" = 70 ] && pass ||
  failed "the 70 notes of the 8th, got: $got"
search_ids '+at:2026-12-05..2026-12-09 -subject:filler'
expect_ids "$east" "$west" "$mid"
cd "$WORK/repo" || exit 1

test_case "issue: contact list 'company:acme has:email' --sort name --format csv"
run crm contact list 'company:acme has:email' --sort name --format csv
expect_rc 0
expect_csv "id,name,emails,phones,company,title
$ana,Ana García,ana@acme.example,,Acme Iberia S.L.,CTO
$angel,Ángel Ruiz,angel@acme.example,,Acme Iberia S.L.,
$luis,Luis Pérez,\"luis@acme.example, l.perez@home.example\",,Acme Iberia S.L.,"

test_case "list QUERY with + clauses, --sort, --reverse"
run crm contact list '+company:acme +has:email' --sort name --format csv
expect_rc 0
expect_csv "id,name,emails,phones,company,title
$ana,Ana García,ana@acme.example,,Acme Iberia S.L.,CTO
$angel,Ángel Ruiz,angel@acme.example,,Acme Iberia S.L.,
$luis,Luis Pérez,\"luis@acme.example, l.perez@home.example\",,Acme Iberia S.L.,"
list_ids contact '+company:acme +has:email' --sort name --reverse
expect_eq "$got" "$luis
$angel
$ana"
list_ids contact '+company:acme'
expect_eq "$got" "$ana
$angel
$bob
$luis"
list_ids contact 'has:email'
expect_eq "$got" "$ana
$angel
$luis
$zoe"
# list QUERY is limited to its type
list_ids deal 'acme*'
expect_eq "$got" "$d_lost
$d_renew"
list_ids company '+tag:vip'
expect_eq "$got" "$acme
$globex"

test_case "phrases: \"budget approved\" against the same words apart"
search_ids '"budget approved"'
expect_rc 0
expect_ids "$ama"
search_ids 'budget approved'
expect_ids "$ama" "$bea" "$cy"
search_ids '+budget +approved'
expect_ids "$ama" "$bea" "$cy"
search_ids '"approved budget"'
expect_ids
search_ids 'budget -"budget approved"'
expect_ids "$bea" "$cy"
search_ids '"BUDGET Approved"'
expect_ids "$ama"

test_case "phrases: a field's phrase (notes:\"budget approved\")"
search_ids 'notes:"budget approved"'
expect_rc 0
expect_ids "$ama"

test_case "free text is stemmed, names are not"
search_ids 'approving'
expect_ids "$ama" "$bea" "$cy"
search_ids 'dance'
expect_ids "$eli"
search_ids 'dancing'
expect_ids "$dee" "$eli"

test_case "prohibited-only queries return everything else"
search_ids -- '-type:contact -type:company'
expect_rc 0
expect_ids $all_deals
search_ids --type deal -- '-stage:lost'
expect_ids "$d_renew" "$d_almost" "$d_late" "$d_early" "$d_noamt" "$d_noclose"
search_ids -- '-qwertyuiop'
expect_ids $all_deals $all_contacts $all_companies
search_ids -- '-tag:vip -type:deal -type:contact'
expect_ids "$initech"
search_ids -- '-"budget approved" -type:company -type:deal'
expect_ids "$ana" "$anna" "$bea" "$cy" "$luis" "$angel" "$bob" "$zoe" "$dee" "$eli"

test_case "a query that starts with '-' works without '--' (or the error names it)"
run crm search '-stage:lost'
if [ "$rc" = 0 ]; then
  pass
  expect_out_lacks "Acme lost deal"
  expect_out_has "Big early"
else
  expect_rc 2
  expect_err_has "-stage:lost"
fi

test_case "--type"
search_ids --type deal 'acme*'
expect_ids "$d_renew" "$d_lost"
search_ids --type company 'acme*'
expect_ids "$acme"
run crm search --type deal --json vip
expect_eq "$(printf '%s' "$out" | jq -r '[.[].type] | unique | join(",")')" "deal"
run crm search --type bogus vip
expect_rc 2
expect_out_empty

test_case "--limit"
run crm search --format ids --limit 2 vip
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" "2"
run crm search --limit 2 vip
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" "3"  # header and two rows
expect_err_has "2 of about"
run crm search --format ids --limit 0 vip
expect_eq "$(printf '%s\n' "$out" | wc -l)" "5"
run crm search --format ids vip
expect_eq "$(printf '%s\n' "$out" | wc -l)" "5"

test_case "--sort amount, --reverse (numeric order, not text)"
run crm search --format ids --limit 0 --sort amount '+type:deal +has:amount'
expect_rc 0
expect_eq "$out" "$d_almost
$d_renew
$d_lost
$d_noclose
$d_late
$d_early"
run crm search --format ids --limit 0 --sort amount --reverse '+type:deal +has:amount'
expect_rc 0
expect_eq "$out" "$d_early
$d_late
$d_noclose
$d_lost
$d_renew
$d_almost"
run crm search --format ids --limit 3 --sort amount --reverse '+type:deal +has:amount'
expect_eq "$out" "$d_early
$d_late
$d_noclose"
run crm search --format ids --limit 0 --sort close '+type:deal +has:close'
expect_eq "$out" "$d_noamt
$d_lost
$d_early
$d_almost
$d_renew
$d_late"
run crm search --format ids --sort name 'name:ana~1'
expect_eq "$out" "$ama
$ana
$anna"
run crm search --sort bogus vip
expect_rc 2
expect_out_empty

test_case "--format json: type, id, title, snippet"
run crm search --format json garcia
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r 'length')" "1"
expect_eq "$(printf '%s' "$out" | jq -r '.[0].type')" "contact"
expect_eq "$(printf '%s' "$out" | jq -r '.[0].id')" "$ana"
expect_eq "$(printf '%s' "$out" | jq -r '.[0].title')" "Ana García"
expect_eq "$(printf '%s' "$out" | jq -r '.[0].snippet | type')" "string"
expect_match "$(printf '%s' "$out" | jq -r '.[0].snippet')" "García"
run crm search --json vip
expect_eq "$(printf '%s' "$out" | jq -r 'map(has("type") and has("id") and has("title") and has("snippet")) | all')" "true"
expect_eq "$(printf '%s' "$out" | jq -r 'length')" "5"
run crm search --json zzzmatchesnothing
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -c '.')" "[]"
run crm search --json 'acme renewal'
expect_eq "$(printf '%s' "$out" | jq -r '.[0].id + " " + .[0].type + " " + .[0].title')" "$d_renew deal Acme renewal"

test_case "--format ndjson: one object per line"
run crm search --format ndjson vip
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" "5"
expect_eq "$(printf '%s\n' "$out" | jq -r '.type' | sort | tr '\n' ' ')" "company company contact deal deal "
expect_eq "$(printf '%s\n' "$out" | jq -r 'has("snippet") and has("title") and has("id")' | sort -u)" "true"

test_case "--format csv and ids: full ids; table: short ids"
run crm search --format csv garcia
expect_rc 0
expect_eq "$(csv_out | head -1)" "type,id,title,snippet"
expect_match "$(csv_out | sed -n 2p)" "^contact,$ana,Ana García,"
expect_eq "$(printf '%s\n' "$out" | wc -l)" "2"
run crm search --format ids garcia
expect_out "$ana"
run crm search --format table garcia
expect_rc 0
expect_match "$(printf '%s\n' "$out" | head -1)" "^type +id +title +snippet$"
expect_match "$(printf '%s\n' "$out" | sed -n 2p)" "^contact +${ana:0:8} +Ana García +"
expect_out_lacks "$ana"  # the table shortens ids
run crm search --format bogus garcia
expect_rc 2
expect_out_empty

test_case "snippets show where a long text matched"
long="We met at the conference in Madrid and talked for a long time about their plans for next year. They want to move their billing to a new provider and need help with the migration of old invoices. The team is small but motivated and the manager seems keen to start soon. Later in the afternoon we discussed pricing and the platypus integration they need for the warehouse, which could be a large order."
noted=$(crm contact add "Noted Person" --notes "$long")
run crm search --json platypus
expect_eq "$(printf '%s' "$out" | jq -r '.[0].id')" "$noted"
expect_match "$(printf '%s' "$out" | jq -r '.[0].snippet')" "platypus"
run crm search --json warehouse
expect_match "$(printf '%s' "$out" | jq -r '.[0].snippet')" "warehouse"

# ---------------------------------------------------------------------------------------------
test_case "bad queries: exit 2, nothing on stdout, the column named"
# QUERY | what stderr must contain
while IFS='|' read -r q want; do
  test_case "bad query [$q]"
  run crm search "$q"
  expect_rc 2
  expect_out_empty
  expect_err_has "$want"
done <<'EOF'
"budget approved|at column 1
foo "bar baz|at column 5
title:|at column 7
foo title:|at column 11
unknown:foo|'unknown'
foo unknown:bar|at column 5
foo~|at column 4
foo~a|at column 4
foo^abc|at column 4
bar foo^abc|at column 8
~2|at column 1
^2|at column 1
+|at column 1
amount:abc..|'abc'
amount:abc..|at column 1
foo amount:abc..|at column 5
close:<2026-02-30|2026-02-30
close:<2026-02-30|at column 1
foo close:<2026-02-30|at column 5
close:2026-12-31..2026-01-01|at column 1
type:bogus|at column 1
has:bogus|at column 1
name:ana~9|at column 1
EOF

test_case "bad query: the same errors from list QUERY"
run crm contact list 'title:'
expect_rc 2
expect_out_empty
expect_err_has "at column 7"
run crm deal list 'close:<2026-02-30'
expect_rc 2
expect_err_has "at column 1"

test_case "bad query: 100 KB"
big=$(head -c 102400 /dev/zero | tr '\0' 'a')
start=$(millis)
run crm search "$big"
expect_rc 2
expect_out_empty
expect_err_has "query:"
expect_err_has "4096"
[ $(($(millis) - start)) -lt 5000 ] && pass || failed "a 100 KB query took over 5 s to refuse"
big=$(python3 -c 'print("word " * 20480, end="")')
run crm search "$big"
expect_rc 2
expect_out_empty

test_case "bad query: invalid UTF-8"
run crm search "$(printf 'caf\xe9')"
expect_rc 2
expect_out_empty
expect_err_has "UTF-8"

test_case "the man page the error hint names is installed"
run crm search 'title:'
case $err in
  *"man crm-search"*)
    if [ -n "${CRM_STAGE:-}" ]; then
      [ -e "$CRM_STAGE/share/man/man1/crm-search.1" ] && pass || failed "the hint names man crm-search; $CRM_STAGE/share/man/man1/crm-search.1 is missing"
    fi
    ;;
esac

# ---------------------------------------------------------------------------------------------
test_case "freshness: hand edits, uncommitted, seen at once"
new_repo fresh
p=$(crm contact add "Fresh Person" --notes "original words")
f=$(rec_path contact "$p")
search_ids original
expect_ids "$p"
sed -i 's/original/sedded/' "$f"  # sed -i writes a new file and renames it over the old one
search_ids sedded
expect_ids "$p"
search_ids original
expect_ids
printf 'name: Fresh Person\nnotes: printed words\n' >"$f"  # in place: same inode
search_ids printed
expect_ids "$p"
search_ids sedded
expect_ids
expect_match "$(git status --porcelain)" "^ M $f"
# quick same-size rewrites, each searched at once
misses=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
  w=$(printf 'qz%02dword' "$i")
  printf 'name: Fresh Person\nnotes: %s\n' "$w" >"$f"
  r=$(crm search --format ids "$w")
  [ "$r" = "$p" ] || misses=$((misses + 1))
  sed -i "s/$w/sz${i}sed/" "$f"
  r=$(crm search --format ids "sz${i}sed")
  [ "$r" = "$p" ] || misses=$((misses + 1))
done
expect_eq "$misses" "0"

test_case "freshness: a file added by hand, in a new shard folder"
mkdir -p contacts/zq
printf 'name: Hand Wombat\n' >contacts/zq/zqzqzq0001.yaml
search_ids wombat
expect_ids zqzqzq0001
run crm contact list wombat --format ids
expect_out "zqzqzq0001"

test_case "freshness: a file deleted by hand"
rm contacts/zq/zqzqzq0001.yaml
search_ids wombat
expect_rc 0
expect_ids
rm "$f"
search_ids 'fresh'
expect_ids
git checkout -q -- "$f"
search_ids 'original'
expect_ids "$p"

test_case "freshness: git commit, then git checkout of an older commit and back"
v1=$(head_sha)
sed -i 's/original words/beta words/' "$f"
git commit -qam "hand edit: beta"
q=$(crm contact add "Later Person")
search_ids beta
expect_ids "$p"
search_ids later
expect_ids "$q"
git checkout -q "$v1"
search_ids beta
expect_ids
search_ids original
expect_ids "$p"
search_ids later
expect_ids
git checkout -q main
search_ids beta
expect_ids "$p"
search_ids later
expect_ids "$q"
search_ids original
expect_ids

test_case "the index deleted: search still works"
rm -rf .git/crm/index
search_ids beta
expect_rc 0
expect_ids "$p"
[ -d .git/crm/index ] && pass || failed "the index was not rebuilt"
search_ids later
expect_ids "$q"

test_case "a corrupt index (a file truncated to nothing) is rebuilt, and says so"
for g in postlist.glass termlist.glass docdata.glass position.glass iamglass; do
  test_case "index file $g truncated"
  crm search -q beta >/dev/null 2>&1
  [ -f ".git/crm/index/$g" ] || { failed ".git/crm/index/$g does not exist"; continue; }
  : >".git/crm/index/$g"
  search_ids beta
  expect_rc 0
  expect_ids "$p"
  expect_err_has "rebuild"
  search_ids later
  expect_rc 0
  expect_ids "$q"
  expect_err_empty
done

# ---------------------------------------------------------------------------------------------
test_case "a few thousand records: generated by hand, committed"
new_repo big
python3 - <<'EOF'
import os, random
random.seed(7)
alpha = "0123456789abcdefghjkmnpqrstvwxyz"
syl = ["ka", "lo", "mi", "ra", "te", "su", "vo", "ne", "di", "pa", "xu", "ze", "bo", "fi", "gu", "ha", "je", "qi", "wy", "co"]
def word(lo, hi):
    return "".join(random.choice(syl) for _ in range(random.randint(lo, hi)))
for i in range(4000):
    rid = "".join(random.choice(alpha) for _ in range(10))
    d = "contacts/" + rid[:2]
    os.makedirs(d, exist_ok=True)
    name = word(2, 4).capitalize() + " " + word(2, 4).capitalize()
    notes = " ".join(word(1, 4) for _ in range(12))
    with open(d + "/" + rid + ".yaml", "w") as f:
        f.write("name: %s\nemails:\n  - a%d@ex%d.example\nnotes: %s\n" % (name, i, i % 50, notes))
EOF
git add contacts && git commit -qm "4000 generated contacts"
total=$(find contacts -name '*.yaml' | wc -l)
expect_eq "$total" "4000"
# the first command builds the index and says so
run_t 300 "$CRM" search zzzznothing
expect_rc 0
expect_err_has "building the index"

test_case "pathological wildcards finish quickly and say when they were cut short"
for q in 'a*' '*' '*a*' 'name:*' 'notes:*a*' 'ka~3' 'k*a*' 'a* e* i* o* u* k* l* m* n* p*'; do
  test_case "wildcard [$q]"
  start=$(millis)
  run_t 60 "$CRM" search --format ids --limit 0 "$q"
  took=$(($(millis) - start))
  expect_rc 0
  [ "$took" -lt 10000 ] && pass || failed "'$q' took ${took} ms"
  n=$(printf '%s\n' "$out" | sed '/^$/d' | wc -l)
  [ "$n" -gt 0 ] && pass || failed "'$q' found nothing"
  if [ "$n" -lt 4000 ] && [ "$q" != 'ka~3' ] && [ "$q" != 'k*a*' ]; then
    # fewer than every record for a pattern every record matches: it must say it was cut short
    expect_err_match "incomplete|cut|more terms"
  fi
done
test_case "a cut-short wildcard warns in every format"
run crm search 'a*'
expect_rc 0
expect_err_match "incomplete|more terms"
run crm search --json '*'
expect_rc 0
expect_err_match "incomplete|more terms"
expect_eq "$(printf '%s' "$out" | jq -r 'length')" "20"

test_case "deleting the index of a few thousand records: rebuilt, with a message"
rm -rf .git/crm/index
run_t 300 "$CRM" search --format ids 'ka*'
expect_rc 0
expect_err_has "index"
[ -n "$out" ] && pass || failed "no results after the rebuild"

test_case "a partly truncated index file is rebuilt too"
# same_results: $out holds the same ids as $want (compared as counts and checksums, the lists are long)
same_results() {
  local n sum
  n=$(printf '%s\n' "$out" | sed '/^$/d' | wc -l)
  sum=$(printf '%s\n' "$out" | sort | md5sum)
  [ "$n:$sum" = "$want" ] && pass || failed "expected the $want_n ids found before, got $n ids"
}
run crm search --format ids --limit 0 'ka*'
want_n=$(printf '%s\n' "$out" | sed '/^$/d' | wc -l)
want="$want_n:$(printf '%s\n' "$out" | sort | md5sum)"
[ "$want_n" -gt 1000 ] && pass || failed "ka* should find over 1000 records"
for g in docdata.glass postlist.glass termlist.glass position.glass; do
  test_case "index file $g cut in half"
  cp -r .git/crm/index "$WORK/index-backup"
  sz=$(stat -c %s ".git/crm/index/$g")
  truncate -s $((sz / 2)) ".git/crm/index/$g"
  run_t 300 "$CRM" search --format ids --limit 0 'ka*'
  expect_rc 0
  same_results
  run_t 300 "$CRM" search --format ids --limit 0 '"ka lo"'
  expect_rc 0
  run_t 300 "$CRM" search --format ids --limit 0 'ka*'
  expect_rc 0
  same_results
  rm -rf .git/crm/index
  mv "$WORK/index-backup" .git/crm/index
done

# ---------------------------------------------------------------------------------------------
test_case "unfielded wildcards and ~N see words that start with a non-ASCII letter"
cd "$WORK/repo" || exit 1
ivan=$(crm contact add "Иван Иванов")
olga=$(crm contact add "Ольга Петрова")
ivanna=$(crm contact add "Иванна Кузнецова")
giorgos=$(crm contact add "Γιώργος Παπαδόπουλος")
search_ids '*ов'
expect_rc 0
expect_ids "$ivan"
expect_err_lacks "incomplete"
search_ids 'name:*ов'
expect_ids "$ivan"
search_ids '*ова'
expect_ids "$olga" "$ivanna"
search_ids '*ουλος'
expect_ids "$giorgos"
search_ids 'иваноф~1'
expect_ids "$ivan"
search_ids 'ОЛЬГА~1'
expect_ids "$olga"
search_ids 'παπαδοπουλοσ~1'
expect_ids "$giorgos"
search_ids 'иван*'
expect_ids "$ivan" "$ivanna"
search_ids '-*ов иван*'
expect_ids "$ivanna"
search_ids '-*ουλος -type:deal -type:company'
expect_ids $all_contacts "$noted" "$ivan" "$olga" "$ivanna"
search_ids '*ez'  # ASCII still works
expect_ids "$luis"
search_ids 'perex~1'
expect_ids "$luis"


test_case "--format ids lists the same records in the same order as the full formats"
# Ids are read without the records; order, --limit, --sort and --reverse must not change.
for args in "acme" "acme --limit 2" "a* --sort name" "a* --sort name --reverse" "garcia --reverse" "type:contact --sort created"; do
  # shellcheck disable=SC2086
  run crm search --format ids $args
  expect_rc 0
  ids=$out
  expect_match "$ids" '[0-9a-z]'
  # shellcheck disable=SC2086
  run crm search --format csv $args
  expect_eq "$ids" "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f2)"
done

finish
