#!/bin/bash
# crm import mail: a Maildir and an mbox; mail from or to contacts becomes email notes with
# direction, subject, date, text and attachment names; re-import adds nothing (Message-ID);
# --since, --dry-run; a broken message and a 10 MB attachment.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

export CRM_NOW=2026-11-30T09:00:00Z
DATA=$(cd "$(dirname "$0")/../data/mail" && pwd)
cp -r "$DATA/maildir" "$WORK/maildir"
mkdir -p "$WORK/maildir/tmp"
note_with() { grep -l -- "$1" notes/*/*.yaml 2>/dev/null | head -1; }

new_repo
acme=$(crm company add "Acme Iberia")
ana=$(crm contact add "Ana García" --email ana@acme.example --company acme)
luis=$(crm contact add "Luis Pérez" --email luis@acme.example --company acme)
hank=$(crm contact add "Hank Scorpio" --email hank@globex.example)
for v in "$acme" "$ana" "$luis" "$hank"; do [ -n "$v" ] || { echo "setup failed"; exit 1; }; done

test_case "--dry-run on a Maildir: the plan, nothing written"
base=$(head_sha)
run crm import mail --dry-run "$WORK/maildir"
expect_rc 4
expect_out_match "^add	note	[0-9a-z]{16}	Presupuesto revisado – v2	"
expect_out_match "^add	note	[0-9a-z]{16}	Re: Presupuesto revisado	"
expect_out_match "^add	note	[0-9a-z]{16}	Hammock District	"
expect_out_lacks "Black Friday"
expect_err_has "5 message(s) read; 1 concern no contact"
expect_err_has "1700000005.M5P1.host!2,S: not a mail message"
expect_unchanged "$base"
expect_eq "$(note_files | wc -l | tr -d ' ')" 0

test_case "import a Maildir: one commit, a note per mail about a contact; the broken one named, exit 4"
run crm import mail "$WORK/maildir"
expect_rc 4
expect_eq "$(printf '%s\n' "$out" | grep -cE '^[0-9a-z]{16}$')" 3
expect_commits_since "$base" 1
expect_subject "import: mail maildir (3 added, 0 updated)"
expect_err_has "3 added, 0 updated, 0 unchanged, 1 not imported"
expect_clean
f=$(note_with "Presupuesto revisado – v2")
expect_eq "$(yget "$f" .kind)" "email"
expect_eq "$(yget "$f" .direction)" "in"
expect_file_has "$f" "at: 2026-11-16T10:15:00+01:00"
expect_eq "$(yget "$f" '.contacts | join(",")')" "$ana"
expect_eq "$(yget "$f" .company)" "$acme"
expect_eq "$(yget "$f" .author)" "Ana García"
expect_eq "$(yget "$f" .body)" "Hola,

aquí va el presupuesto revisado.

Ana"
f=$(note_with "Re: Presupuesto revisado")
expect_eq "$(yget "$f" .direction)" "out"
expect_eq "$(yget "$f" '.contacts | join(",")')" "$ana,$luis"
expect_eq "$(yget "$f" .body)" "Gracias, lo reviso mañana.

Attachments (not stored): contrato firmado.pdf"
f=$(note_with "Hammock District")
expect_eq "$(yget "$f" .body)" "Do you like hammocks?

Me & my team do."
expect_file_has "$f" "at: 2026-11-18T16:30:00-08:00"

test_case "the mails are on the contacts' timelines"
run crm show ana
expect_rc 0
expect_out_has "Presupuesto revisado – v2"
expect_out_has "Re: Presupuesto revisado"

test_case "re-import adds nothing (Message-ID)"
base=$(head_sha)
run crm import mail "$WORK/maildir"
expect_rc 4
expect_out_empty
expect_err_has "0 added, 0 updated, 3 unchanged, 1 not imported"
expect_unchanged "$base"
rm "$WORK/maildir/cur/1700000005.M5P1.host!2,S"
run crm import mail "$WORK/maildir"
expect_rc 0
expect_unchanged "$base"

test_case "an mbox file, with --since leaving older mail out"
base=$(head_sha)
run crm import mail --since 2026-11-03 "$DATA/old.mbox"
expect_rc 0
expect_out_is_id
expect_err_has "2 message(s) read; 0 concern no contact, 1 are older than --since"
f=$(note_with "Meeting notes")
expect_eq "$(yget "$f" .direction)" "out"
expect_eq "$(yget "$f" '.contacts | join(",")')" "$luis"
expect_eq "$(yget "$f" .body)" "From the meeting: all good."
run crm import mail -n "$DATA/old.mbox"
expect_rc 0
expect_out_match "^add	note	[0-9a-z]{16}	First contact	.*old.mbox:1$"
expect_out_match "^unchanged	note	[0-9a-z]{16}	Meeting notes	.*old.mbox:10$"

test_case "a mail with a 10 MB attachment: the attachment is named, not stored"
{
  printf 'From: Hank Scorpio <hank@globex.example>\r\nTo: me@example.org\r\nSubject: Big file\r\n'
  printf 'Date: Thu, 19 Nov 2026 10:00:00 +0000\r\nMessage-ID: <big@globex.example>\r\nMIME-Version: 1.0\r\n'
  printf 'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nThe plans, attached.\r\n'
  printf -- '--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="plans.bin"\r\n'
  printf 'Content-Transfer-Encoding: base64\r\n\r\n'
  head -c 10000000 /dev/urandom | base64 -w 76
  printf -- '--B--\r\n'
} >"$WORK/maildir/new/1700000099.big.host"
start=$(date +%s)
run crm import mail "$WORK/maildir"
secs=$(( $(date +%s) - start ))
expect_rc 0
expect_out_is_id
f=$(rec_path notes "$out")
expect_eq "$(yget "$f" .body)" "The plans, attached.

Attachments (not stored): plans.bin"
[ "$(wc -c <"$f")" -lt 2000 ] && pass || failed "the note is $(wc -c <"$f") bytes"
[ "$secs" -le 10 ] && pass || failed "the import took $secs s"
expect_clean

test_case "a long text body is cut at 64 KiB"
{
  printf 'From: Ana <ana@acme.example>\r\nTo: me@example.org\r\nSubject: Long\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000\r\n'
  printf 'Message-ID: <long@acme.example>\r\n\r\n'
  python3 -c 'print(("lorem ipsum " * 10 + "\n") * 2000)'
} >"$WORK/maildir/new/1700000100.long.host"
run crm import mail "$WORK/maildir"
expect_rc 0
f=$(rec_path notes "$out")
expect_file_has "$f" "[... cut: the message has"
[ "$(wc -c <"$f")" -lt 80000 ] && pass || failed "the note is $(wc -c <"$f") bytes"

test_case "a path that does not exist; a repository without emails"
expect_refused 3 "no such file or folder" crm import mail "$WORK/nowhere"
new_repo empty
crm contact add "No Mail" >/dev/null
expect_refused 4 "no contact has an email address" crm import mail "$WORK/maildir"

finish
