#!/bin/bash
# REF resolution: ids, id prefixes, emails, name words (any order, case and accents), exact-name
# precedence, ambiguity and nothing found (exit 3), typed references.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

new_repo
acme=$(crm company add "Acme Iberia S.L." --domain acme.example)
ana=$(crm contact add "Ana García" --email ana@acme.example --company "$acme")
luis=$(crm contact add "Luis Pérez" --email luis@acme.example)

# shows REF and checks which id it resolved to
resolves() {
  local ref=$1 want=$2
  run crm show "$ref" --json
  if [ "$rc" != 0 ]; then
    failed "'$ref' should resolve to $want (exit $rc)"
    return
  fi
  local got
  got=$(printf '%s' "$out" | jq -r 'if type=="array" then .[0].id else .id end')
  [ "$got" = "$want" ] && pass || failed "'$ref' should resolve to $want, got $got"
}

test_case "every acceptance form finds Ana García"
for ref in "$ana" "${ana:0:4}" "${ana:0:6}" "ana@acme.example" "ANA@Acme.Example" garcia "ana gar" \
  "Ana García" "GARCÍA" "García" "garcía ana" "gar ana" "GARCIA" "  ana   garcia  " "ana"; do
  test_case "REF [$ref]"
  resolves "$ref" "$ana"
done

test_case "typed commands accept the same forms"
for ref in "$ana" "${ana:0:5}" "ana@acme.example" "garcia" "ANA GARCÍA"; do
  run crm contact show "$ref"
  expect_rc 0
  expect_out_has "Ana García"
  expect_out_has "$ana"
done

test_case "an id prefix under 4 characters is not an id"
run crm show "${ana:0:3}"
expect_rc 3
expect_err_has "${ana:0:3}"

test_case "nothing matches: exit 3, nothing on stdout"
for ref in nobody "zzzzzzzz" "ana@nowhere.example" "ana garciax" "Ana García López"; do
  run crm show "$ref"
  expect_rc 3
  expect_out_empty
  expect_err_has "$ref"
done

test_case "ambiguous: exit 3 and the candidates on stderr"
marta=$(crm contact add "Ana Martín" --email ana.martin@acme.example)
base=$(head_sha)
run crm show ana
expect_rc 3
expect_out_empty
expect_err_has "Ana García"
expect_err_has "Ana Martín"
expect_err_has "${ana:0:8}"
expect_err_has "${marta:0:8}"
run crm contact set ana --add-tag vip
expect_rc 3
expect_err_has "Ana García"
expect_err_has "Ana Martín"
expect_unchanged "$base"
run crm contact rm ana
expect_rc 3
expect_unchanged "$base"
run crm deal add "Ambiguous deal" --contact ana
expect_rc 3
expect_err_has "Ana Martín"
expect_unchanged "$base"
# still unique ones
resolves "ana gar" "$ana"
resolves "ana mar" "$marta"
resolves "martin" "$marta"

test_case "an exact full-name match wins over partial ones"
just_ana=$(crm contact add "Ana")
resolves "Ana" "$just_ana"
resolves "ana" "$just_ana"
resolves "ANA" "$just_ana"
resolves "Ana García" "$ana"
# two records with the same exact name are ambiguous again
crm contact add "Ana" >/dev/null
run crm show ana
expect_rc 3
expect_err_has "${just_ana:0:8}"

test_case "an exact name wins over a partial one with the accent folded"
jose=$(crm contact add "José")
crm contact add "José Antonio Pérez" >/dev/null
resolves "jose" "$jose"
resolves "JOSÉ" "$jose"

test_case "typed references look only at their type"
# "acme" is a company; as a contact reference it finds nothing
run crm contact show acme
expect_rc 3
run crm company show acme
expect_rc 0
expect_out_has "Acme Iberia S.L."
run crm company show garcia
expect_rc 3
base=$(head_sha)
run crm contact add "Nadie" --company garcia
expect_rc 3
expect_unchanged "$base"
run crm contact add "Nadie" --reports-to acme
expect_rc 3
expect_unchanged "$base"
# a company and a contact share a word: the typed flag picks the right one
crm company add "Luis Consulting" >/dev/null
run crm contact add "Pilar Gómez" --company luis --reports-to luis
expect_rc 0
pilar=$out
expect_eq "$(yget "$(rec_path contact "$pilar")" .reports_to)" "$luis"
expect_ne "$(yget "$(rec_path contact "$pilar")" .company)" "$luis"
expect_clean
# the untyped `crm show luis` sees both
run crm show luis
expect_rc 3
expect_err_has "Luis Pérez"
expect_err_has "Luis Consulting"

test_case "an exact email wins over records whose name words happen to match it"
crm contact add "Luis Acme Example" >/dev/null
resolves "luis@acme.example" "$luis"

test_case "ambiguous id prefix"
mkdir -p contacts/qq
printf 'name: Prefix One\n' >contacts/qq/qqqq0001aa.yaml
printf 'name: Prefix Two\n' >contacts/qq/qqqq0002bb.yaml
git add contacts && git commit -qm "two hand-written contacts"
run crm show qqqq
expect_rc 3
expect_err_has "Prefix One"
expect_err_has "Prefix Two"
resolves qqqq0001 qqqq0001aa
resolves qqqq0002bb qqqq0002bb

test_case "path-like and hostile references find nothing"
for ref in "../../etc/passwd" "../crm" "/etc/passwd" "contacts/qq/qqqq0001aa" "qqqq0001aa.yaml" "*" "?" "ana*" \
  "-" "" "$(printf 'a\tb')"; do
  run crm show "$ref"
  case $rc in 2 | 3) pass ;; *) failed "'$ref' should fail with 2 or 3, not $rc" ;; esac
  expect_out_empty
done

finish
