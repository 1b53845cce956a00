#!/bin/bash
# The index keeps the value slots it gave each field (a table in its metadata), and a type whose
# fields changed is indexed again: declaring a field never shifts another field's values, and a
# search never serves values read under an older schema.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

new_repo
declare_fields() {  # declare_fields YAML: the fields: section of crm.yaml, replaced
  python3 - "$1" <<'PY'
import re, sys
p = "crm.yaml"
s = open(p, encoding="utf-8").read()
s = re.sub(r"^fields:.*(\n[ ].*)*\n?", "", s, flags=re.M)
open(p, "w", encoding="utf-8").write(s.rstrip("\n") + "\n" + sys.argv[1])
PY
  git commit -qam "declare fields"
}

test_case "contact.shoe_size, then two contacts with shoe sizes"
declare_fields $'fields:\n  contact:\n    shoe_size: integer\n'
crm contact add "Ana" --field shoe_size=38 >/dev/null
crm contact add "Bo" --field shoe_size=44 >/dev/null
run crm search 'shoe_size:>20' --format ids
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | grep -c .)" "2"

test_case "declaring company.rating later shifts nothing"
declare_fields $'fields:\n  company:\n    rating: integer\n  contact:\n    shoe_size: integer\n'
run crm search 'shoe_size:>20' --format ids
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | grep -c .)" "2"
crm company add "Acme" --field rating=7 >/dev/null
run crm search 'rating:>5' --format tsv
expect_rc 0
expect_out_has "Acme"
expect_out_lacks "Ana"
expect_out_lacks "Bo"
run crm search 'shoe_size:40..50' --format tsv
expect_out_has "Bo"
expect_out_lacks "Ana"

test_case "a field whose kind changes is read under its new kind, from the files"
declare_fields $'fields:\n  company:\n    rating: integer\n  contact:\n    shoe_size: string\n'
run crm search 'shoe_size:44' --format tsv
expect_rc 0
expect_out_has "Bo"
run crm search 'shoe_size:>20' --format ids
expect_eq "$(printf '%s\n' "$out" | grep -c .)" "0"
declare_fields $'fields:\n  company:\n    rating: integer\n  contact:\n    shoe_size: integer\n'
run crm search 'shoe_size:>40' --format tsv
expect_out_has "Bo"
expect_out_lacks "Ana"
run crm search 'rating:>5' --format tsv
expect_out_has "Acme"
expect_out_lacks "Ana"

test_case "the same answers as an index built from nothing"
before=$(crm search 'shoe_size:>20 OR rating:>5' --format ids | sort)
crm reindex -q
after=$(crm search 'shoe_size:>20 OR rating:>5' --format ids | sort)
expect_eq "$after" "$before"

test_case "a language change indexes every type again"
python3 - <<'PY'
import re
p = "crm.yaml"
s = open(p, encoding="utf-8").read()
s = re.sub(r"^language:.*\n", "", s, flags=re.M)
open(p, "w", encoding="utf-8").write(s.rstrip("\n") + "\nlanguage: none\n")
PY
git commit -qam "no stemming"
crm contact set ana notes="running shoes" >/dev/null
run crm search 'notes:run'
expect_out_lacks "Ana"
run crm search 'notes:running'
expect_out_has "Ana"

finish
