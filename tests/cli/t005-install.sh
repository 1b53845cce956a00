# The installed layout: binary, man pages, completions.
. "$CRM_TEST_LIB"
STAGE=${CRM_STAGE:?}

test_case "binary and version"
run "$STAGE/bin/crm" --version
expect_rc 0
expect_out_has "crm "

test_case "read-only commands load neither libgit2 nor GMime; writes load crm-git.so"
[ -f "$STAGE/lib/crm/crm-git.so" ] && [ -f "$STAGE/lib/crm/crm-mail.so" ] && pass || failed "modules not installed in lib/crm"
run sh -c "ldd '$STAGE/bin/crm'"
expect_out_lacks "libgit2"
expect_out_lacks "libgmime"
expect_out_lacks "libcrypto"
new_repo modules
crm contact add "Ana García" --email ana@acme.example -q >/dev/null
# (LeakSanitizer cannot run under ptrace, so the sanitizer pass skips the strace checks.)
if [ -z "${CRM_SANITIZED:-}" ]; then
  for cmd in "show ana" "search garcia" "contact list" "report pipeline" "agenda"; do
    # shellcheck disable=SC2086
    run strace -f -e trace=openat -o "$WORK/trace" "$CRM" $cmd
    expect_rc 0
    expect_file_lacks "$WORK/trace" "crm-git.so"
    expect_file_lacks "$WORK/trace" "libgit2"
  done
  run strace -f -e trace=openat -o "$WORK/trace" "$CRM" contact add "Luis Pérez" -q
  expect_rc 0
  expect_file_has "$WORK/trace" "crm-git.so"
  # libgit2 is never given a network: it loads no CA bundle, and OpenSSL reads no config.
  expect_file_lacks "$WORK/trace" "ca-certificates"
  expect_file_lacks "$WORK/trace" "openssl.cnf"
fi

test_case "a missing module is named, with exit 1, and nothing is written"
mkdir -p "$WORK/broken/bin" && cp "$CRM" "$WORK/broken/bin/crm"
before=$(head_sha)
run "$WORK/broken/bin/crm" contact add "Eva Ruiz"
expect_rc 1
expect_err_has "crm-git.so"
expect_err_has "reinstall"
expect_eq "$(head_sha)" "$before"
expect_clean
run "$WORK/broken/bin/crm" show ana
expect_rc 0

test_case "man pages render"
for page in man1/crm.1 man1/crm-contact.1 man1/crm-company.1 man1/crm-deal.1 man1/crm-show.1 man1/crm-search.1 man1/crm-log.1 man1/crm-task.1 man1/crm-note.1 man1/crm-campaign.1 man1/crm-agenda.1 man1/crm-report.1 man1/crm-export.1 man1/crm-import.1 man1/crm-edit.1 \
  man1/crm-history.1 man1/crm-check.1 man1/crm-reindex.1 man1/crm-watch.1 man1/crm-hooks.1 man1/crm-init.1 man5/crm.5; do
  run sh -c "MANWIDTH=80 man -l '$STAGE/share/man/$page' 2>&1 | col -b"
  expect_rc 0
  expect_out_has "NAME"
done

test_case "bash completion completes commands and names"
new_repo
crm company add "Acme Iberia" -q >/dev/null
crm contact add "Ana García" --email ana@acme.example >/dev/null
run bash -c "
  PATH='$STAGE/bin':$PATH; source '$STAGE/share/bash-completion/completions/crm'
  COMP_WORDS=(crm con); COMP_CWORD=1; _crm; printf '%s\n' \"\${COMPREPLY[@]}\"
  echo ---
  COMP_WORDS=(crm contact show An); COMP_CWORD=3; _crm; printf '%s\n' \"\${COMPREPLY[@]}\"
"
expect_rc 0
expect_out_has "contact"
expect_out_has "Ana"

test_case "bash completion completes report names"
run bash -c "
  PATH='$STAGE/bin':$PATH; source '$STAGE/share/bash-completion/completions/crm'
  COMP_WORDS=(crm rep); COMP_CWORD=1; _crm; printf '%s\n' \"\${COMPREPLY[@]}\"
  echo ---
  COMP_WORDS=(crm report pi); COMP_CWORD=2; _crm; printf '%s\n' \"\${COMPREPLY[@]}\"
  echo ---
  COMP_WORDS=(crm report won --by o); COMP_CWORD=4; _crm; printf '%s\n' \"\${COMPREPLY[@]}\"
"
expect_rc 0
expect_out_has "report"
expect_out_has "pipeline"
expect_out_has "owner"

test_case "bash completion completes crm watch and its options"
run bash -c "
  PATH='$STAGE/bin':$PATH; source '$STAGE/share/bash-completion/completions/crm'
  COMP_WORDS=(crm wa); COMP_CWORD=1; _crm; printf '%s\n' \"\${COMPREPLY[@]}\"
  echo ---
  COMP_WORDS=(crm watch --st); COMP_CWORD=2; _crm; printf '%s\n' \"\${COMPREPLY[@]}\"
"
expect_rc 0
expect_out_has "watch"
expect_out_has "--status"
expect_out_has "--stop"

test_case "report templates are installed for users to copy"
[ -s "$STAGE/share/crm/templates/report.html.mustache" ] && pass || failed "report.html.mustache missing"
[ -s "$STAGE/share/crm/templates/report.markdown.mustache" ] && pass || failed "report.markdown.mustache missing"

test_case "zsh and fish completions are installed"
[ -s "$STAGE/share/zsh/vendor-completions/_crm" ] && pass || failed "_crm missing"
[ -s "$STAGE/share/fish/vendor_completions.d/crm.fish" ] && pass || failed "crm.fish missing"

finish
