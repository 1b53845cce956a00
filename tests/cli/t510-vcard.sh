#!/bin/bash
# crm import vcard / crm export vcard: samples in the styles of Android (2.1, quoted-printable),
# Google (3.0), Apple (3.0, X-ABLabel) and Thunderbird (4.0); an export khard and vobject read;
# export -> import changes nothing; re-import updates; email matches update; bad cards named.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

export CRM_NOW=2026-11-23T09:00:00Z
DATA=$(cd "$(dirname "$0")/../data/vcard" && pwd)

khard_conf() {
  cat >"$WORK/khard.conf" <<EOF
[addressbooks]
[[crm]]
path = $1/

[general]
debug = no
default_action = list
editor = /bin/true
merge_editor = /bin/true

[contact table]
display = first_name
group_by_addressbook = no
reverse = no
show_nicknames = no
show_uids = yes
sort = last_name
localize_dates = yes
preferred_phone_number_type = pref, cell, home
preferred_email_address_type = pref, work, home

[vcard]
preferred_version = 3.0
search_in_source_files = no
skip_unparsable = no
EOF
}
vobject_count() {
  /usr/bin/python3 -c '
import sys, glob, vobject
n = 0
for f in sorted(glob.glob(sys.argv[1] + "/*.vcf")) if not sys.argv[1].endswith(".vcf") else [sys.argv[1]]:
    for c in vobject.readComponents(open(f, encoding="utf-8").read(), validate=True):
        assert c.name == "VCARD" and hasattr(c, "fn"), f
        n += 1
print(n)' "$1"
}
contact_file() { rec_path contact "$(crm contact list "$1" --format ids 2>/dev/null | head -1)"; }

new_repo
test_case "import four producers' files: one commit, ids on stdout"
base=$(head_sha)
run crm import vcard "$DATA/android-2.1.vcf" "$DATA/google-3.0.vcf" "$DATA/apple-3.0.vcf" "$DATA/thunderbird-4.0.vcf"
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | grep -cE '^[0-9a-z]{8,32}$')" 10
expect_commits_since "$base" 1
expect_subject "import: vcard 4 files (10 added, 0 updated)"
expect_err_has "android-2.1.vcf: 1 photo(s) dropped"
expect_err_has "apple-3.0.vcf: 1 photo(s) dropped"
expect_err_has "android-2.1.vcf:30: BDAY '--0415' has no year; left out"
expect_err_has "10 added, 0 updated, 0 unchanged, 0 not imported"
expect_eq "$(find contacts -name '*.yaml' | wc -l | tr -d ' ')" 7
expect_eq "$(find companies -name '*.yaml' | wc -l | tr -d ' ')" 3
expect_clean

test_case "Android 2.1: quoted-printable UTF-8, soft line breaks, bare TYPEs"
f=$(contact_file "José García")
expect_eq "$(yget "$f" .name)" "José García"
expect_eq "$(yget "$f" '.emails | map(to_entries[0] | "\(.key)=\(.value)") | join(" ")')" "home=jose.garcia@correo.example work=jgarcia@empresa.example"
expect_eq "$(yget "$f" '.phones[0].cell')" "+34 600 111 222"
expect_eq "$(yget "$f" .notes)" "Conocido en la feria de Valencia.
Prefiere llamadas por la mañana; nunca los viernes."
expect_eq "$(yget "$f" '.addresses[0].street')" "Calle Mayor 1, 3º B"
expect_eq "$(yget "$f" '.addresses[0].country')" "España"
expect_eq "$(crm show "$(yget "$f" .company)" 2>/dev/null | head -1 | grep -c 'Construcciones Peña S.A.')" 1

test_case "Google 3.0: repeated TYPE, escapes, folding, CATEGORIES as tags, ORG unit as department"
f=$(contact_file "Ana María López")
expect_eq "$(yget "$f" '.emails | length')" 3
expect_eq "$(yget "$f" '.emails[2]')" "ana.l@old.example"
expect_eq "$(yget "$f" '.phones[2]["home fax"]')" "+34 910 222 334"
expect_eq "$(yget "$f" '.addresses[0].street')" "Paseo de la Castellana 200, planta 4"
expect_eq "$(yget "$f" .notes)" "Met at the Madrid expo; wants a demo in Q1.
Speaks English and Portuguese."
expect_eq "$(yget "$f" '.tags | join(",")')" "myContacts,Clientes,VIP"
expect_eq "$(yget "$f" .department)" "Compras"
expect_eq "$(yget "$f" .title)" "Head of Purchasing"
expect_eq "$(yget "$f" .birthday)" "1984-11-02"
expect_eq "$(yget "$f" .website)" "https://acme.example/ana"

test_case "Apple 3.0: item groups with X-ABLabel, unicode"
f=$(contact_file "Jürgen Müller")
expect_eq "$(yget "$f" '.emails[0].other')" "juergen@baeckerei-mueller.example"
expect_eq "$(yget "$f" '.emails[1].Verein')" "j.mueller@privat.example"
expect_eq "$(yget "$f" '.phones[1].main')" "+49 30 123456"
expect_eq "$(yget "$f" '.addresses[0].street')" "Hauptstraße 5"
expect_eq "$(yget "$f" .title)" "Geschäftsführer"

test_case "Thunderbird 4.0: tel: URIs, a fold inside a UTF-8 character, UID kept as a stable id"
f=$(contact_file "Zoë Dubois-Lefèvre")
expect_eq "$(yget "$f" '.phones[1].cell')" "+33-6-12-34-56-78"
expect_eq "$(yget "$f" .notes)" "Kunde seit 2019 – bevorzugt E-Mail. Rückruf nur nachmittags, bitte nicht vor 14 Uhr anrufen."
expect_eq "$(yget "$f" .birthday)" "1988-12-24"
zoe=$(basename "$f" .yaml)

test_case "re-import of the same files changes nothing"
base=$(head_sha)
run crm import vcard "$DATA"
expect_rc 0
expect_out_empty
expect_err_has "0 added, 0 updated, 10 unchanged"
expect_unchanged "$base"

test_case "export to a folder: one <id>.vcf per contact that khard and vobject read"
run crm export vcard -o "$WORK/cards"
expect_rc 0
expect_out_empty
expect_err_has "exported 7 contact(s)"
expect_eq "$(ls "$WORK/cards" | wc -l | tr -d ' ')" 7
expect_file "$WORK/cards/$zoe.vcf"
expect_eq "$(vobject_count "$WORK/cards")" 7
khard_conf "$WORK/cards"
run khard -c "$WORK/khard.conf" list
expect_rc 0
expect_out_has "Jürgen Müller"
expect_out_has "Ωmega Søren Þórsson"
expect_eq "$(printf '%s\n' "$out" | grep -c '^[0-9]')" 7
run khard -c "$WORK/khard.conf" email --parsable müller
expect_out_has "juergen@baeckerei-mueller.example"
expect_file_has "$WORK/cards/$zoe.vcf" "UID:$zoe"
# lines end in CRLF and none is longer than 75 octets
expect_eq "$(cat "$WORK/cards"/*.vcf | tr -d '\r' | awk 'length($0) > 75' | wc -l | tr -d ' ')" 0
expect_eq "$(grep -c $'\r$' "$WORK/cards/$zoe.vcf")" "$(wc -l <"$WORK/cards/$zoe.vcf" | tr -d ' ')"

test_case "export -> import changes nothing"
base=$(head_sha)
run crm import vcard "$WORK/cards"
expect_rc 0
expect_out_empty
expect_err_has "0 added, 0 updated"
expect_unchanged "$base"

test_case "export again: files with the same content are not rewritten"
touch -d 2020-01-01 "$WORK/cards/$zoe.vcf"
run crm export vcard -o "$WORK/cards"
expect_err_has "0 file(s) written"
expect_eq "$(date -r "$WORK/cards/$zoe.vcf" +%Y)" 2020

test_case "export to stdout and to one FILE.vcf; vCard 4.0"
run crm export vcard garcia
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | grep -c '^BEGIN:VCARD')" 1
expect_out_has "FN:José García"
run crm export vcard --vcard-version 4.0 -o "$WORK/all4.vcf"
expect_rc 0
expect_file_has "$WORK/all4.vcf" "VERSION:4.0"
expect_eq "$(grep -c '^BEGIN:VCARD' "$WORK/all4.vcf")" 7
expect_eq "$(vobject_count "$WORK/all4.vcf")" 7
base=$(head_sha)
run crm import vcard "$WORK/all4.vcf"
expect_rc 0
expect_unchanged "$base"

test_case "re-import after a change on the phone updates the contact"
sed 's/^TITLE:Head of Purchasing/TITLE:Chief Procurement Officer/' "$DATA/google-3.0.vcf" >"$WORK/google-new.vcf"
base=$(head_sha)
run crm import vcard "$WORK/google-new.vcf"
expect_rc 0
expect_out_is_id
expect_subject "import: vcard google-new.vcf (0 added, 1 updated)"
expect_eq "$(yget "$(contact_file "Ana María López")" .title)" "Chief Procurement Officer"
expect_eq "$(find contacts -name '*.yaml' | wc -l | tr -d ' ')" 7

test_case "a vCard whose email matches an existing contact updates it (no second contact)"
new_repo match
ana=$(crm contact add "Ana López" --email ana.lopez@acme.example --owner luis)
run crm import vcard "$DATA/google-3.0.vcf"
expect_rc 0
expect_out_has "$ana"
expect_err_has "Ana María López: merged into it (same email ana.lopez@acme.example as contact ${ana:0:8} Ana López)"
expect_eq "$(find contacts -name '*.yaml' | wc -l | tr -d ' ')" 2
f=$(rec_path contact "$ana")
expect_eq "$(yget "$f" .name)" "Ana María López"
expect_eq "$(yget "$f" .owner)" "luis"
expect_eq "$(yget "$f" '.emails | length')" 3
base=$(head_sha)
run crm import vcard "$DATA/google-3.0.vcf"
expect_rc 0
expect_unchanged "$base"

test_case "--dry-run prints the plan and changes nothing"
new_repo dry
base=$(head_sha)
run crm import vcard --dry-run "$DATA/apple-3.0.vcf"
expect_rc 0
expect_out_match "^add	company	[0-9a-z]+	Bäckerei Müller GmbH	"
expect_out_match "^add	contact	[0-9a-z]+	Jürgen Müller	.*apple-3.0.vcf:1$"
expect_err_has "would be 2 added, 0 updated, 0 unchanged, 0 not imported; nothing was changed"
expect_unchanged "$base"
expect_no_file contacts

test_case "bad cards are named with file and line; the good ones are imported"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good Card\r\nEMAIL:good@card.example\r\nEND:VCARD\r\n' >"$WORK/bad.vcf"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No End\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Second Good\r\nEND:VCARD\r\n' >>"$WORK/bad.vcf"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad \xe9 Latin\r\nEND:VCARD\r\n' >>"$WORK/bad.vcf"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nthis line has no colon\r\nFN:Broken Line\r\nEND:VCARD\r\n' >>"$WORK/bad.vcf"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:nameless@card.example\r\nEND:VCARD\r\n' >>"$WORK/bad.vcf"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Truncated' >>"$WORK/bad.vcf"
base=$(head_sha)
run crm import vcard "$WORK/bad.vcf"
expect_rc 4
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2
expect_err_has "bad.vcf:6: the vCard that starts here has no END:VCARD before the next BEGIN:VCARD"
expect_err_has "bad.vcf:15: FN: not valid UTF-8"
expect_err_has "bad.vcf:19: 'this line has no colon' is not a vCard property (NAME:VALUE)"
expect_err_has "bad.vcf:22: the vCard has no name (FN or N)"
expect_err_has "bad.vcf:26: the vCard that starts here has no END:VCARD (the file is cut short?)"
expect_err_has "5 record(s) could not be imported"
expect_commits_since "$base" 1
run crm contact list --format csv
expect_out_has "Good Card"
expect_out_has "Second Good"
expect_out_lacks "No End"
expect_out_lacks "Broken Line"
expect_clean

test_case "a file with only broken cards: exit 4, nothing written"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut' >"$WORK/cut.vcf"
expect_refused 4 "cut.vcf:1: the vCard that starts here has no END:VCARD" crm import vcard "$WORK/cut.vcf"
printf 'BEGIN:VCARD\nFN:Only Begin\n' >"$WORK/begin.vcf"
expect_refused 4 "begin.vcf:1:" crm import vcard "$WORK/begin.vcf"

test_case "--dry-run with bad cards: exit 4, nothing written"
base=$(head_sha)
run crm import vcard -n "$WORK/bad.vcf"
expect_rc 4
expect_err_has "bad.vcf:15: FN: not valid UTF-8"
expect_unchanged "$base"

test_case "a progress bar on a terminal only"
python3 - "$WORK/many" <<'PY'
import os, sys
os.makedirs(sys.argv[1])
for i in range(300):
    open(f"{sys.argv[1]}/{i}.vcf", "w").write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nEND:VCARD\r\n")
PY
run script -qec "'$CRM' import vcard -n '$WORK/many' >/dev/null" /dev/null
expect_out_match "reading \\[#+ *\\] [0-9]+/300"
run crm import vcard -n "$WORK/many"
expect_err_lacks "reading ["
expect_err_lacks "/300"

test_case "CHARSET=ISO-8859-1 is converted"
printf 'BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=ISO-8859-1:Ren\xe9 L\xf6w\r\nEND:VCARD\r\n' >"$WORK/latin.vcf"
run crm import vcard "$WORK/latin.vcf"
expect_rc 0
expect_eq "$(yget "$(rec_path contact "$out")" .name)" "René Löw"

finish
