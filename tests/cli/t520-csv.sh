#!/bin/bash
# crm import csv / crm export csv: the Google Contacts, Outlook and HubSpot exports recognised from
# their headers, --map and --delimiter, RFC 4180 quoting, a BOM, idempotent re-import, crm's own
# columns round trip, and bad rows named by line while the good ones are imported.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

export CRM_NOW=2026-11-23T09:00:00Z
DATA=$(cd "$(dirname "$0")/../data/csv" && pwd)
contact_file() { rec_path contact "$(crm contact list "$1" --format ids 2>/dev/null | head -1)"; }

new_repo
test_case "Google Contacts export (BOM, numbered columns with labels, ::: lists, quoted line breaks)"
base=$(head_sha)
run crm import csv "$DATA/google.csv"
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | grep -cE '^[0-9a-z]{8,32}$')" 3
expect_subject "import: csv google.csv (3 added, 0 updated)"
expect_err_has "google.csv:5: birthday '--06-15' is not a full date; left out"
f=$(contact_file "Ana María López")
expect_eq "$(yget "$f" '.emails | map(to_entries[0] | "\(.key)=\(.value)") | join(" ")')" "work=ana.lopez@acme.example home=anamaria@mail.example home=ana.l@old.example"
expect_eq "$(yget "$f" '.phones[0].mobile')" "+34 611 222 333"
expect_eq "$(yget "$f" '.addresses[0].label + "|" + .addresses[0].city + "|" + .addresses[0].postal_code')" "work|Madrid|28046"
expect_eq "$(yget "$f" .notes)" 'Met at the expo, wants a demo.
Speaks "good" English.'
expect_eq "$(yget "$f" '.tags | join(",")')" "myContacts,Clientes"
expect_eq "$(yget "$f" .department)" "Compras"
expect_eq "$(crm show "$(yget "$f" .company)" 2>/dev/null | head -1 | grep -c 'Acme Iberia S.L.')" 1
expect_eq "$(yget "$(contact_file "Søren")" .name)" "Søren Þórsson"
expect_clean

test_case "re-import: nothing changes"
base=$(head_sha)
run crm import csv "$DATA/google.csv"
expect_rc 0
expect_out_empty
expect_err_has "0 added, 0 updated, 3 unchanged"
expect_unchanged "$base"

test_case "Outlook export: prefix, business and home columns, month-first birthday, categories"
run crm import csv "$DATA/outlook.csv"
expect_rc 0
f=$(contact_file "Jürgen Müller")
expect_eq "$(yget "$f" .name)" "Dr. Jürgen Müller"
expect_eq "$(yget "$f" .birthday)" "1971-07-14"
expect_eq "$(yget "$f" '.phones | map(keys[0]) | join(",")')" "home,work,mobile,work fax"
expect_eq "$(yget "$f" '.tags | join(",")')" "Suppliers,Berlin"
expect_eq "$(yget "$f" .title)" "Geschäftsführer"
expect_err_lacks "0/0/00"

test_case "HubSpot export: Record ID as the key, owner, lifecycle stages by label"
run crm import csv "$DATA/hubspot.csv"
expect_rc 0
f=$(contact_file "Hank Scorpio")
expect_eq "$(yget "$f" .lifecycle)" "qualified"
expect_eq "$(yget "$f" .owner)" "Luis Pérez"
expect_eq "$(yget "$(contact_file "Zoë")" .lifecycle)" "customer"
expect_err_has "columns no field was mapped to were left out: Lead Status, Create Date"
sed 's/,CEO,/,Chief Villain,/' "$DATA/hubspot.csv" >"$WORK/hubspot2.csv"
run crm import csv --preset hubspot "$WORK/hubspot2.csv"
expect_rc 0
expect_out "$(basename "$f" .yaml)"
expect_eq "$(yget "$f" .title)" "Chief Villain"
expect_eq "$(find contacts -name '*.yaml' | wc -l | tr -d ' ')" 6

test_case "export csv: crm's columns; import into an empty repository and export again: the same bytes"
run crm export csv -o "$WORK/all.csv"
expect_rc 0
expect_eq "$(head -1 "$WORK/all.csv" | tr -d '\r')" "id,name,title,department,company,emails,phones,website,birthday,tags,owner,lifecycle,source,keep_in_touch,notes"
expect_eq "$(tail -n +2 "$WORK/all.csv" | grep -c '^[0-9a-z]\{8,32\},')" 6
expect_file_has "$WORK/all.csv" "work:ana.lopez@acme.example; home:anamaria@mail.example"
/usr/bin/python3 -c 'import csv,sys; rows=list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))); assert len(rows)==7 and all(len(r)==15 for r in rows), rows' "$WORK/all.csv" \
  && pass || failed "python's csv module does not read the export"
base=$(head_sha)
run crm import csv "$WORK/all.csv"
expect_rc 0
expect_unchanged "$base"
new_repo copy
run crm import csv "$WORK/all.csv"
expect_rc 0
crm export csv -o "$WORK/again.csv" 2>/dev/null
cmp -s "$WORK/all.csv" "$WORK/again.csv" && pass || failed "csv export after import differs: $(diff "$WORK/all.csv" "$WORK/again.csv" | head -4)"

test_case "--map and --delimiter for any other file; --dry-run"
new_repo mapped
printf 'Nombre;Correo;Móvil;Empresa;Etiquetas\nLucía Fernández;lucia@ejemplo.example;+34 622 000 111;Ejemplo SA;feria, 2026\n' >"$WORK/es.csv"
run crm import csv "$WORK/es.csv"
expect_rc 2
expect_err_has "matches no preset"
base=$(head_sha)
run crm import csv -n --delimiter ';' --map 'Nombre=name,Correo=email:work,Móvil=phone:mobile' --map 'Empresa=company' "$WORK/es.csv"
expect_rc 0
expect_out_match "^add	company	[0-9a-z]+	Ejemplo SA	"
expect_out_match "^add	contact	[0-9a-z]+	Lucía Fernández	.*es.csv:2$"
expect_err_has "columns no field was mapped to were left out: Etiquetas"
expect_unchanged "$base"
run crm import csv --map 'Nombre=name,Correo=email:work,Móvil=phone:mobile,Empresa=company,Etiquetas=tags' "$WORK/es.csv"
expect_rc 0
f=$(contact_file "Lucía")
expect_eq "$(yget "$f" '.emails[0].work')" "lucia@ejemplo.example"
expect_eq "$(yget "$f" '.phones[0].mobile')" "+34 622 000 111"
expect_eq "$(yget "$f" '.tags | join(",")')" "feria, 2026"

test_case "usage errors: unknown preset, unknown field, a column the file lacks"
expect_refused 2 "" crm import csv --preset salesforce "$WORK/es.csv"
expect_refused 2 "--map: unknown field 'nickname'" crm import csv --map 'Nombre=nickname' "$WORK/es.csv"
expect_refused 2 "--map: the file has no column 'Apellido'" crm import csv --map 'Nombre=name,Apellido=family_name' "$WORK/es.csv"
expect_refused 2 "--delimiter takes one character" crm import csv --delimiter ';;' "$WORK/es.csv"

test_case "bad rows: wrong column count, invalid UTF-8, no name; the good rows are imported"
new_repo bad
printf 'name,email,phone\r\nGood One,good@one.example,+1 555 0100\r\nToo,many,fields,here\r\nShort\r\nBad \xff Byte,bad@byte.example,\r\n,,\r\n,nobody@x,not-a-phone\r\nGood Two,"two@two.example",\r\n' >"$WORK/bad.csv"
base=$(head_sha)
run crm import csv "$WORK/bad.csv"
expect_rc 4
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2
expect_err_has "bad.csv:3: the row has 4 field(s); the header has 3"
expect_err_has "bad.csv:4: the row has 1 field(s); the header has 3"
expect_err_has "bad.csv:5: the row is not valid UTF-8"
expect_err_has "bad.csv:6: the row has no name"
expect_err_has "bad.csv:7: email 'nobody@x' is not valid; left out"
expect_err_has "bad.csv:7: phone 'not-a-phone' is not valid; left out"
expect_err_has "bad.csv:7: the row has no name"
expect_err_has "5 record(s) could not be imported"
expect_commits_since "$base" 1
run crm contact list --format csv
expect_out_has "Good One"
expect_out_has "Good Two"
expect_clean

test_case "an unterminated quote: named where it starts; the rows before it are imported"
printf 'name,notes\nBefore,fine\nOpen,"never closed\nAfter,lost\n' >"$WORK/open.csv"
run crm import csv "$WORK/open.csv"
expect_rc 4
expect_err_has "open.csv:3: a quoted field starts here and is never closed; the rest of the file (from line 3) was not read"
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1
run crm contact list --format csv
expect_out_has "Before"
expect_out_lacks "After"

test_case "an unterminated quote with --dry-run: exit 4, nothing changed"
base=$(head_sha)
run crm import csv --dry-run "$WORK/open.csv"
expect_rc 4
expect_unchanged "$base"

test_case "a 100 MB line: refused by itself, quickly, the other rows imported"
python3 -c "
import sys
sys.stdout.write('name,notes\r\nSmall One,hello\r\nBig One,\"' + 'x' * 100_000_000 + '\"\r\nAfter Big,bye\r\n')" >"$WORK/huge.csv"
start=$(date +%s)
run_t 60 "$CRM" import csv "$WORK/huge.csv"
secs=$(( $(date +%s) - start ))
expect_rc 4
expect_err_has "huge.csv:3: field 2 (notes) is larger than 1 MiB"
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2
[ "$secs" -le 10 ] && pass || failed "the 100 MB import took $secs s"
rm -f "$WORK/huge.csv"
expect_clean

finish
