# fish completion for crm(1): install in a vendor_completions.d folder (or
# ~/.config/fish/completions). A shim: `crm __complete` knows the commands,
# record types, options, values and record names, from the same tables as
# `crm --help` (see COMPLETION in crm(1)); this passes it the words of the line
# and hands its answer (candidate<TAB>description) to fish.

function __crm_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct | string replace -r '^["\']' '')
    set -l prog $tokens[1]
    set -e tokens[1]
    set -l out ($prog __complete --shell fish -- $tokens "$cur" 2>/dev/null)
    switch "$out[1]"
        case '::file'
            __fish_complete_path "$cur"
        case '::dir'
            __fish_complete_directories "$cur"
        case '*'
            printf '%s\n' $out
    end
end

complete -c crm -f -a '(__crm_complete)'
