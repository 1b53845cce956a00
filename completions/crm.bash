# bash completion for crm(1)                                  -*- shell-script -*-
#
# Install as /usr/share/bash-completion/completions/crm, or source it from
# ~/.bashrc. Needs nothing but bash; record names come from
# `crm TYPE list --format tsv`, stage names from the repository's crm.yaml.

# Options of each command, by "command subcommand".
_crm_party_fields='--email --phone --address --website --owner --lifecycle
    --source --tag --keep-in-touch --notes --field'
_crm_contact_fields="--title --department --role --company --reports-to --birthday $_crm_party_fields"
_crm_company_fields="--domain --industry --employees --parent $_crm_party_fields"
_crm_deal_fields='--company --contact --owner --stage --amount --currency
    --probability --close --source --tag --lost-reason --notes --field'
_crm_task_fields='--due --every --for --contact --company --deal --owner
    --priority --tag --notes --field'
_crm_note_fields='--at --subject --contact --company --deal --campaign
    --direction --duration --outcome --author --tag --field'
_crm_campaign_fields='--channel --status --start --end --budget --currency
    --member --owner --tag --notes --field'
_crm_log_opts='-m --message --at --deal --company --campaign --subject
    --direction --duration --outcome --author --tag --next --commit-message'

# Field names for `set FIELD=VALUE` and `list --sort FIELD`.
_crm_contact_names='name title department roles company reports_to birthday emails
    phones addresses website owner lifecycle source tags keep_in_touch notes'
_crm_company_names='name domains industry employees parent emails phones
    addresses website owner lifecycle source tags keep_in_touch notes'
_crm_deal_names='title company contacts owner stage amount currency
    probability close source tags lost_reason notes'
_crm_note_names='kind at subject contacts company deal campaign direction
    duration outcome author tags body'
_crm_task_names='title due done every contacts company deal owner priority
    tags notes'
_crm_campaign_names='name channel status start end budget currency contacts
    owner tags notes'

# Commands with subcommands, and their subcommands.
_crm_groups='contact company deal note task campaign export import'
_crm_contact_subs='add list show edit set rm merge'
_crm_company_subs='add list show edit set rm merge'
_crm_deal_subs='add list show edit set rm move'
_crm_note_subs='list show edit set rm'
_crm_task_subs='add list show edit set rm done'
_crm_campaign_subs='add list show edit set rm'
_crm_export_subs='ics json vcard csv'
_crm_import_subs='json vcard csv mail'

# Values of date, period and choice options.
_crm_dates='today tomorrow monday tuesday wednesday thursday friday saturday
    sunday +1d +3d 1w 2w 1m eow eom eoy'
_crm_periods='30d 1w 2w 1m 3m 6m 1y'
_crm_record_types='contact company deal note task campaign'

_crm_global_opts='-C --format --json --color -q --quiet -v --verbose --version -h --help'
_crm_formats='table json ndjson csv tsv yaml markdown html ids'
_crm_reports='pipeline forecast won activity stale customers campaigns weekly'
_crm_show_formats='table json ndjson yaml ids'   # show prints one record

# Options that take a value (the next word is not a positional argument).
_crm_takes_value() {
    case $1 in
        -C|--format|--color|-m|--message|--remote|--currency|--sort|--limit|\
        --at|--reason|--field|--name|--title|--department|--company|\
        --reports-to|--role|--add-role|--birthday|--email|--phone|--address|--website|--owner|\
        --lifecycle|--source|--tag|--add-tag|--keep-in-touch|--notes|\
        --domain|--industry|--employees|--parent|--contact|--stage|--amount|\
        --probability|--close|--lost-reason|--rm-*|--type|\
        --due|--every|--for|--deal|--campaign|--subject|--direction|--duration|\
        --outcome|--author|--commit-message|--priority|--channel|--status|\
        --start|--end|--budget|--member|--days|-o|--output|--since|--until|--by|\
        --preset|--map|--delimiter|--vcard-version)
            return 0 ;;
    esac
    return 1
}

# The crm being completed (as typed, so a crm outside PATH works too).
_crm_program() {
    local p=${COMP_WORDS[0]}
    printf '%s\n' "${p/#\~/$HOME}"
}

# The repository the command line points at: -C DIR, $CRM_REPO, or the
# nearest folder upwards holding crm.yaml and .git.
_crm_root() {
    local i dir=
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        [[ ${COMP_WORDS[i]} == -C ]] && dir=${COMP_WORDS[i+1]}
    done
    dir=${dir/#\~/$HOME}
    [[ -z $dir ]] && dir=${CRM_REPO:-}
    if [[ -n $dir ]]; then
        [[ -f $dir/crm.yaml ]] && printf '%s\n' "$dir"
        return
    fi
    dir=$PWD
    while [[ -n $dir ]]; do
        if [[ -f $dir/crm.yaml && -d $dir/.git ]]; then
            printf '%s\n' "$dir"
            return
        fi
        dir=${dir%/*}
    done
    [[ -f /crm.yaml && -d /.git ]] && printf '/\n'
}

# Keys of a top-level map in crm.yaml (stages:), or items of a list (lifecycle:).
_crm_setting() {
    local root
    root=$(_crm_root)
    [[ -n $root ]] || return
    awk -v key="$1" '
        $0 ~ "^" key ":" { inside = 1; next }
        inside && /^[^ #]/ { inside = 0 }
        inside && /^  - / { sub(/^  - */, ""); sub(/ *#.*/, ""); gsub(/"/, ""); print; next }
        inside && /^  [^ #-]/ { sub(/^  */, ""); sub(/:.*/, ""); gsub(/"/, ""); print }
    ' "$root/crm.yaml" 2>/dev/null
}

# Ids and names of records of the given types, those starting with $cur.
# Tasks are all tasks, done ones included, unless the type is given as
# task:open (for `crm task done`).
_crm_refs() {
    local root type id name line c
    local -a words=() more
    root=$(_crm_root)
    [[ -n $root ]] || return
    for type in "$@"; do
        more=()
        case $type in
            task:open) type=task ;;
            task) more=(--all) ;;
        esac
        # The name is the first column headed name or title (tasks and notes
        # list other columns first).
        while IFS=$'\t' read -r id name; do
            words+=("$id" "$name")
        done < <("$(_crm_program)" -C "$root" "$type" list "${more[@]}" --format tsv 2>/dev/null |
            awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if (!col && ($i == "name" || $i == "title")) col = i; next }
                          col { print $1 "\t" $col }')
    done
    local lower_cur=${cur,,}
    for c in "${words[@]}"; do
        [[ -n $c && ${c,,} == "$lower_cur"* ]] || continue
        if [[ $c == *[[:space:]\'\"\\\$\`\(\)\&\;\|\<\>\!]* ]]; then
            printf -v line '%q' "$c"
            COMPREPLY+=("$line")
        else
            COMPREPLY+=("$c")
        fi
    done
}

_crm_words() {
    local IFS=$' \t\n'
    COMPREPLY+=($(compgen -W "$1" -- "$cur"))
}

_crm() {
    local cur prev cmd= sub= eqkey= i w
    local -a args=()
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}

    # bash splits "--format=js" and "stage=pro" at '=': note the key and
    # complete the value after it.
    if [[ $cur == = ]]; then
        eqkey=$prev
        cur=
    elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
        eqkey=${COMP_WORDS[COMP_CWORD-2]}
    fi
    [[ $eqkey == -* ]] && prev=$eqkey && eqkey=

    # Find the command, the subcommand and the positional arguments so far.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == --next ]]; then
            ((i += 2))              # --next WHEN TEXT takes two words
            continue
        fi
        if [[ ${COMP_WORDS[i+1]} == = ]]; then
            ((i += 2))              # --opt=VALUE or FIELD=VALUE
            [[ $w == -* ]] || args+=("$w=")
            continue
        fi
        if [[ $w == -* ]]; then
            _crm_takes_value "$w" && ((i++))
            continue
        fi
        if [[ -z $cmd ]]; then
            cmd=$w
        elif [[ -z $sub && " $_crm_groups " == *" $cmd "* ]]; then
            sub=$w
        else
            args+=("$w")
        fi
    done

    # The TEXT of --next WHEN TEXT: free text.
    ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[COMP_CWORD-2]} == --next && $prev != = ]] && return

    # Values of options.
    case $prev in
        -C)
            COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
        --format)
            if [[ $cmd == show || $sub == show ]]; then
                _crm_words "$_crm_show_formats"
            elif [[ $cmd == agenda ]]; then
                _crm_words 'table markdown json ndjson csv tsv ids'
            elif [[ $cmd == report ]]; then
                _crm_words 'table markdown html json yaml ndjson csv tsv ids'
            else
                _crm_words "$_crm_formats"
            fi
            return ;;
        --color)
            _crm_words 'auto always never'; return ;;
        --company|--parent)
            _crm_refs company; return ;;
        --contact|--rm-contact|--reports-to|--member|--rm-member)
            _crm_refs contact; return ;;
        --deal)
            _crm_refs deal; return ;;
        --campaign)
            _crm_refs campaign; return ;;
        --for)
            _crm_refs contact company; return ;;
        --direction)
            _crm_words 'in out'; return ;;
        --priority)
            _crm_words 'low normal high'; return ;;
        --status)
            _crm_words 'planned active done'; return ;;
        --every|--keep-in-touch)
            _crm_words "$_crm_periods"; return ;;
        --due|--next|--close|--start|--end)
            _crm_words "$_crm_dates"; return ;;
        --since|--until)
            _crm_words "today yesterday -7d -30d -3m -1y start\ of\ month +1m +3m +6m end\ of\ month 2026-01-01"; return ;;
        --by)
            case ${args[0]:-} in
                pipeline) _crm_words 'stage owner company' ;;
                forecast) _crm_words 'month week quarter year' ;;
                won)      _crm_words 'month week quarter year owner company' ;;
                activity) _crm_words 'kind owner week month quarter year' ;;
            esac
            return ;;
        --at)
            _crm_words "now $_crm_dates"; return ;;
        --duration)
            _crm_words '15m 30m 45m 1h 1h30m 2h'; return ;;
        --type)
            _crm_words "$_crm_record_types"; return ;;
        --preset)
            _crm_words 'google outlook hubspot crm'; return ;;
        --vcard-version)
            _crm_words '3.0 4.0'; return ;;
        --delimiter)
            _crm_words ', ; tab'; return ;;
        -o|--output)
            COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
        --stage)
            _crm_words "$(_crm_setting stages)"; return ;;
        --lifecycle)
            _crm_words "$(_crm_setting lifecycle)"; return ;;
        --sort)
            local names=_crm_${cmd}_names
            [[ $cmd == @(contact|company|deal|note|task|campaign) ]] && _crm_words "id ${!names}"
            return ;;
        *)
            _crm_takes_value "$prev" && return ;;  # free text: nothing to offer
    esac

    # The command.
    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            _crm_words "$_crm_global_opts"
        else
            _crm_words 'init clone contact company deal note task campaign log
                agenda report show edit history check reindex watch search export import sync merge-file'
        fi
        return
    fi

    # The subcommand of contact, company, deal, note, task, campaign, export.
    if [[ " $_crm_groups " == *" $cmd "* && -z $sub ]]; then
        if [[ $cur == -* ]]; then
            _crm_words '-h --help'
        else
            local subs=_crm_${cmd}_subs
            _crm_words "${!subs}"
        fi
        return
    fi

    # Options of the (sub)command, and the global ones.
    if [[ $cur == -* ]]; then
        local opts=
        case "$cmd $sub" in
            'init ')          opts='--remote --currency -m --message' ;;
            'clone ')         opts='' ;;
            'sync ')          opts='--no-push' ;;
            'merge-file ')    opts='' ;;
            'show '|'reindex ') opts='' ;;
            'check ')         opts='--duplicates' ;;
            'watch ')         opts='--start --stop --status --idle' ;;
            'search ')       opts='--type --limit --sort --reverse' ;;
            'log ')           opts=$_crm_log_opts ;;
            'agenda ')        opts='--days --owner' ;;
            'report ')        opts='--since --until --owner --by --currency --days --pareto --limit -o --output' ;;
            'export ics'|'export json'|'export csv') opts='-o --output' ;;
            'export vcard')   opts='-o --output --vcard-version' ;;
            'import json'|'import vcard') opts='-n --dry-run -m --message' ;;
            'import csv')     opts='--preset --map --delimiter -n --dry-run -m --message' ;;
            'import mail')    opts='--since -n --dry-run -m --message' ;;
            'contact merge'|'company merge') opts='-m --message' ;;
            'edit ')          opts='-m --message' ;;
            'history ')       opts='--limit' ;;
            'contact add')    opts="$_crm_contact_fields -m --message" ;;
            'company add')    opts="$_crm_company_fields -m --message" ;;
            'deal add')       opts="$_crm_deal_fields -m --message" ;;
            'task add')       opts="$_crm_task_fields -m --message" ;;
            'campaign add')   opts="$_crm_campaign_fields -m --message" ;;
            'contact set')    opts="--name $_crm_contact_fields --add-role --rm-role --add-tag --rm-email
                                    --rm-phone --rm-address --rm-tag -m --message" ;;
            'company set')    opts="--name $_crm_company_fields --add-tag --rm-domain
                                    --rm-email --rm-phone --rm-address --rm-tag -m --message" ;;
            'deal set')       opts="--title $_crm_deal_fields --add-tag --rm-contact
                                    --rm-tag -m --message" ;;
            'task set')       opts="--title $_crm_task_fields --add-tag --rm-contact
                                    --rm-tag -m --message" ;;
            'note set')       opts="$_crm_note_fields --add-tag --rm-contact --rm-tag
                                    -m --message" ;;
            'campaign set')   opts="--name $_crm_campaign_fields --add-tag --rm-member
                                    --rm-tag -m --message" ;;
            'task list')      opts='--sort --reverse --limit --overdue --done --all' ;;
            'task done')      opts='--at -m --message' ;;
            *' list')         opts='--sort --reverse --limit' ;;
            *' edit')         opts='-m --message' ;;
            *' rm')           opts='--force -m --message' ;;
            'deal move')      opts='--at --reason -m --message' ;;
        esac
        _crm_words "$opts $_crm_global_opts"
        return
    fi

    # Positional arguments.
    case "$cmd $sub" in
        'show '|'edit '|'history ')
            ((${#args[@]} == 0)) && _crm_refs $_crm_record_types ;;
        'log ')
            if ((${#args[@]} == 0)); then
                local kinds
                kinds=$(_crm_setting note_kinds)
                _crm_words "${kinds:-call email meeting note}"
            else
                _crm_refs contact company
            fi ;;
        'task done')
            _crm_refs task:open ;;
        'contact merge'|'company merge')
            ((${#args[@]} < 2)) && _crm_refs "$cmd" ;;
        'import '*)
            COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null ;;
        'report ')
            ((${#args[@]} == 0)) && _crm_words "$_crm_reports" ;;
        'init ')
            ((${#args[@]} == 0)) && { COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null; } ;;
        'clone ')
            ((${#args[@]} == 1)) && { COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null; } ;;
        'sync ')
            ((${#args[@]} == 0)) && _crm_words "$(git remote 2>/dev/null)" ;;
        'merge-file ')
            ((${#args[@]} < 4)) && { COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; } ;;
        'deal move')
            if ((${#args[@]} == 0)); then
                _crm_refs deal
            elif ((${#args[@]} == 1)); then
                _crm_words "$(_crm_setting stages)"
            fi ;;
        *' show'|*' edit'|*' rm')
            ((${#args[@]} == 0)) && _crm_refs "$cmd" ;;
        *' set')
            if ((${#args[@]} == 0)); then
                _crm_refs "$cmd"
            elif [[ -n $eqkey ]]; then
                # the value of FIELD=
                case $eqkey in
                    stage)                  _crm_words "$(_crm_setting stages)" ;;
                    lifecycle)              _crm_words "$(_crm_setting lifecycle)" ;;
                    kind)                   _crm_words "$(_crm_setting note_kinds)" ;;
                    company|parent)         _crm_refs company ;;
                    reports_to|reports-to)  _crm_refs contact ;;
                    deal)                   _crm_refs deal ;;
                    campaign)               _crm_refs campaign ;;
                    direction)              _crm_words 'in out' ;;
                    priority)               _crm_words 'low normal high' ;;
                    status)                 _crm_words 'planned active done' ;;
                    every|keep_in_touch|keep-in-touch) _crm_words "$_crm_periods" ;;
                esac
            else
                # FIELD= assignments
                local names=_crm_${cmd}_names
                local IFS=$' \t\n'
                COMPREPLY=($(compgen -S '=' -W "${!names} conflicts" -- "$cur"))
                compopt -o nospace 2>/dev/null
            fi ;;
    esac
}

complete -F _crm crm
