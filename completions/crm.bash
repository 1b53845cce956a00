# bash completion for crm(1)                                  -*- shell-script -*-
#
# Install as /usr/share/bash-completion/completions/crm, or source it from
# ~/.bashrc. A shim: `crm __complete` knows the commands, record types, options,
# values and record names, from the same tables as `crm --help` (see COMPLETION
# in crm(1)); this passes it the words of the line and hands its answer to bash.

_crm() {
    local prog=${COMP_WORDS[0]/#\~/$HOME} i w glue=0 quoted= out line pre breaks= nospace=0
    local -a words=()
    # bash splits "stage=pro", "--format=js" and "work:ana" at '=' and ':': join them again.
    for ((i = 1; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]-}
        if ((${#words[@]})) && [[ $glue == 1 || $w == [=:] ]]; then
            words[${#words[@]}-1]+=$w
            [[ $w == [=:] ]] && glue=1 || glue=0
        else
            words+=("$w")
            glue=0
        fi
    done
    ((${#words[@]})) || words=("")
    # crm wants the words as the command will get them: without the quotes and backslashes typed.
    for i in "${!words[@]}"; do
        w=${words[i]}
        quoted=
        case $w in
            \"*) quoted=\"; w=${w#\"}; w=${w%\"} ;;
            \'*) quoted=\'; w=${w#\'}; w=${w%\'} ;;
            *) w=${w//\\/} ;;
        esac
        words[i]=$w
    done

    COMPREPLY=()
    out=$("$prog" __complete --shell bash -- "${words[@]}" 2>/dev/null) || return 0
    case $out in
        '') return 0 ;;
        ::file) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "${words[-1]}"); return 0 ;;
        ::dir) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "${words[-1]}"); return 0 ;;
    esac
    # bash replaces only what follows the last '=' or ':' it splits words at.
    [[ $COMP_WORDBREAKS == *=* ]] && breaks+='='
    [[ $COMP_WORDBREAKS == *:* ]] && breaks+=':'
    pre=
    if [[ -n $breaks ]]; then
        pre=${words[-1]}
        pre=${pre%"${pre##*[$breaks]}"}
    fi
    while IFS= read -r line; do
        [[ $line == *= ]] && nospace=1
        COMPREPLY+=("${line#"$pre"}")
    done <<<"$out"
    # Names with spaces or quotes go in as one word.
    if [[ -z $quoted ]]; then
        mapfile -t COMPREPLY < <(printf '%s\n' "${COMPREPLY[@]}" | sed 's/[][ \\'\''"$`()&;|<>!*?{}#]/\\&/g')
    fi
    ((nospace)) && compopt -o nospace 2>/dev/null
    return 0
}

complete -F _crm crm
