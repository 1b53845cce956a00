# fish completion for crm(1). Install in ~/.config/fish/completions/ or a
# vendor_completions.d folder. Record names come from
# `crm TYPE list --format tsv`, stage names from the repository's crm.yaml.

# Options that take a value: the next word is not a command or argument.
function __crm_takes_value
    string match -qr -- '^(-C|--format|--color|-m|--message|--remote|--currency|--sort|--limit|--at|--reason|--field|--name|--title|--department|--company|--reports-to|--role|--add-role|--birthday|--email|--phone|--address|--website|--owner|--lifecycle|--source|--tag|--add-tag|--keep-in-touch|--notes|--domain|--industry|--employees|--parent|--contact|--stage|--amount|--probability|--close|--lost-reason|--rm-.*|--type|--due|--every|--for|--deal|--campaign|--subject|--direction|--duration|--outcome|--author|--commit-message|--priority|--channel|--status|--start|--end|--budget|--member|--days|-o|--output|--since|--preset|--map|--delimiter|--vcard-version)$' -- $argv[1]
end

# Commands that take a subcommand.
set -g __crm_groups contact company deal note task campaign export import

# The words of the command line before the cursor that are not options or
# option values: command, subcommand, arguments.
function __crm_words
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for t in $tokens
        if test $skip -gt 0
            set skip (math $skip - 1)
            continue
        end
        if string match -q -- '-*' $t
            if test "$t" = --next
                set skip 2      # --next WHEN TEXT
            else if not string match -q -- '*=*' $t; and __crm_takes_value $t
                set skip 1
            end
            continue
        end
        echo $t
    end
end

# True when the command (and subcommand) are these, e.g. `__crm_using deal move`.
function __crm_using
    set -l w (__crm_words)
    test (count $w) -ge (count $argv); or return 1
    for i in (seq (count $argv))
        test "$w[$i]" = "$argv[$i]"; or return 1
    end
end

function __crm_no_command
    test (count (__crm_words)) -eq 0
end

function __crm_no_subcommand
    set -l w (__crm_words)
    test (count $w) -eq 1; and contains -- $w[1] $__crm_groups
end

# Number of arguments after the (sub)command so far.
function __crm_nargs
    set -l w (__crm_words)
    if contains -- "$w[1]" $__crm_groups
        math (count $w) - 2
    else
        math (count $w) - 1
    end
end

# The repository: -C DIR, $CRM_REPO, or the nearest folder upwards holding
# crm.yaml and .git.
function __crm_root
    set -l tokens (commandline -opc)
    set -l dir
    for i in (seq (count $tokens))
        if test "$tokens[$i]" = -C
            set dir $tokens[(math $i + 1)]
        end
    end
    test -n "$dir"; or set dir $CRM_REPO
    if test -n "$dir"
        set dir (string replace -r '^~' $HOME -- $dir)
        test -f $dir/crm.yaml; and echo $dir
        return
    end
    set dir $PWD
    while true
        if test -f $dir/crm.yaml -a -d $dir/.git
            echo $dir
            return
        end
        test "$dir" = /; and return
        set dir (path dirname $dir 2>/dev/null; or dirname $dir)
    end
end

# Keys of a map (stages:) or items of a list (lifecycle:) in crm.yaml.
function __crm_setting
    set -l root (__crm_root)
    test -n "$root"; or return
    awk -v key=$argv[1] '
        $0 ~ "^" key ":" { inside = 1; next }
        inside && /^[^ #]/ { inside = 0 }
        inside && /^  - / { sub(/^  - */, ""); sub(/ *#.*/, ""); gsub(/"/, ""); print; next }
        inside && /^  [^ #-]/ { sub(/^  */, ""); sub(/:.*/, ""); gsub(/"/, ""); print }
    ' $root/crm.yaml 2>/dev/null
end

# Ids and names of records of the given types, each described by the other.
# Tasks include done ones, unless given as task:open (for `crm task done`).
function __crm_refs
    set -l root (__crm_root)
    test -n "$root"; or return
    set -l crm (commandline -opc)[1]
    for type in $argv
        set -l more
        switch $type
            case task:open
                set type task
            case task
                set more --all
        end
        # The name is the first column headed name or title (tasks and notes
        # list other columns first).
        $crm -C $root $type list $more --format tsv 2>/dev/null |
            awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if (!col && ($i == "name" || $i == "title")) col = i; next }
                          col && $col != "" { print $1 "\t" $col }' |
            while read -l -d \t id name
                printf '%s\t%s\n' "$name" "$type $id" "$id" "$type $name"
            end
    end
end

# For `set`: FIELD= names, and the values of FIELD= for stages, lifecycle and links.
function __crm_assignments
    set -l type $argv[1]
    set -l token (commandline -ct)
    if string match -q -- '*=*' $token
        set -l key (string split -m1 = -- $token)[1]
        switch $key
            case stage
                printf "$key=%s\n" (__crm_setting stages)
            case lifecycle
                printf "$key=%s\n" (__crm_setting lifecycle)
            case company parent
                __crm_refs company | string replace -r '^' "$key="
            case reports_to reports-to
                __crm_refs contact | string replace -r '^' "$key="
            case deal
                __crm_refs deal | string replace -r '^' "$key="
            case campaign
                __crm_refs campaign | string replace -r '^' "$key="
            case kind
                printf "$key=%s\n" (__crm_setting note_kinds)
            case direction
                printf "$key=%s\n" in out
            case priority
                printf "$key=%s\n" low normal high
            case status
                printf "$key=%s\n" planned active done
            case every keep_in_touch keep-in-touch
                printf "$key=%s\n" 30d 1w 2w 1m 3m 6m 1y
        end
        return
    end
    switch $type
        case contact
            printf '%s=\n' name title department roles company reports_to birthday emails phones addresses website owner lifecycle source tags keep_in_touch notes conflicts
        case company
            printf '%s=\n' name domains industry employees parent emails phones addresses website owner lifecycle source tags keep_in_touch notes conflicts
        case deal
            printf '%s=\n' title company contacts owner stage amount currency probability close source tags lost_reason notes conflicts
        case note
            printf '%s=\n' kind at subject contacts company deal campaign direction duration outcome author tags body conflicts
        case task
            printf '%s=\n' title due done every contacts company deal owner priority tags notes conflicts
        case campaign
            printf '%s=\n' name channel status start end budget currency contacts owner tags notes conflicts
    end
end

# Note kinds from crm.yaml, or the default ones outside a repository.
function __crm_note_kinds
    set -l kinds (__crm_setting note_kinds)
    test (count $kinds) -gt 0; or set kinds call email meeting note
    printf '%s\n' $kinds
end

# Words for date and period options.
set -g __crm_dates today tomorrow monday tuesday wednesday thursday friday saturday sunday +1d +3d 1w 2w 1m eow eom eoy
set -g __crm_periods 30d 1w 2w 1m 3m 6m 1y

complete -c crm -f

# Global options (before or after the command).
complete -c crm -s C -r -a '(__fish_complete_directories)' -d 'Run as if started in DIR'
function __crm_showing
    __crm_using show; and return 0
    for type in contact company deal note task campaign
        __crm_using $type show; and return 0
    end
    return 1
end
complete -c crm -n 'not __crm_showing; and not __crm_using agenda; and not __crm_using report' -l format -x -a 'table json ndjson csv tsv yaml markdown html ids' -d 'Output format'
complete -c crm -n '__crm_using report' -l format -x -a 'table markdown html json yaml ndjson csv tsv ids' -d 'Output format'
complete -c crm -n __crm_showing -l format -x -a 'table json ndjson yaml ids' -d 'Output format'
complete -c crm -n '__crm_using agenda' -l format -x -a 'table markdown json ndjson csv tsv ids' -d 'Output format'
complete -c crm -l json -d 'Same as --format json'
complete -c crm -l color -x -a 'auto always never' -d 'Colour'
complete -c crm -s q -l quiet -d 'No messages on stderr except errors'
complete -c crm -s v -l verbose -d 'More messages on stderr'
complete -c crm -l version -d 'Print the version'
complete -c crm -s h -l help -d 'Print help'

# Commands.
complete -c crm -n __crm_no_command -a init -d 'Create a crm repository'
complete -c crm -n __crm_no_command -a clone -d 'Clone a crm repository and build its index'
complete -c crm -n __crm_no_command -a contact -d 'Add, list, show, edit, set and remove contacts'
complete -c crm -n __crm_no_command -a company -d 'Add, list, show, edit, set and remove companies'
complete -c crm -n __crm_no_command -a deal -d 'Add, list, show, edit, set, move and remove deals'
complete -c crm -n __crm_no_command -a note -d 'List, show, edit, set and remove notes (made by crm log)'
complete -c crm -n __crm_no_command -a task -d 'Add, list, show, edit, set, complete and remove tasks'
complete -c crm -n __crm_no_command -a campaign -d 'Add, list, show, edit, set and remove campaigns'
complete -c crm -n __crm_no_command -a log -d 'Log a call, email, meeting or note with people or companies'
complete -c crm -n __crm_no_command -a agenda -d 'What is due: tasks, meetings, deals closing, people to contact'
complete -c crm -n __crm_no_command -a report -d 'Reports: pipeline, forecast, won, activity, stale, customers, campaigns'
complete -c crm -n __crm_no_command -a show -d 'Show any record, with the records linked to it'
complete -c crm -n __crm_no_command -a edit -d 'Edit any record in $EDITOR'
complete -c crm -n __crm_no_command -a history -d 'The git history of a record, field by field'
complete -c crm -n __crm_no_command -a check -d 'Validate every file and link; list conflicts'
complete -c crm -n '__crm_using check' -l duplicates -d 'Also list contacts that look like one person'
complete -c crm -n __crm_no_command -a reindex -d 'Rebuild the index from the files'
complete -c crm -n __crm_no_command -a watch -d 'Watch the record folders so reads need not scan them'
complete -c crm -n '__crm_using watch' -l start -d 'Start a watcher in the background'
complete -c crm -n '__crm_using watch' -l stop -d 'Stop the watcher'
complete -c crm -n '__crm_using watch' -l status -d 'Say whether a watcher runs'
complete -c crm -n '__crm_using watch' -l idle -xa '45m 1h 8h never' -d 'Stop after this long without a question'
complete -c crm -n __crm_no_command -a search -d 'Search every record (Lunr query language)'
complete -c crm -n __crm_no_command -a export -d 'Write records out as JSON, vCard, CSV or iCalendar'
complete -c crm -n __crm_no_command -a import -d 'Read records from JSON, vCard, CSV or mail'
complete -c crm -n __crm_no_command -a sync -d 'Commit hand edits, fetch, merge field by field, push'
complete -c crm -n __crm_no_command -a merge-file -d "Git's merge driver for record files (git runs it)"
complete -c crm -n '__fish_seen_subcommand_from search' -l type -xa 'contact company deal note task campaign' -d 'Only this type'
complete -c crm -n '__fish_seen_subcommand_from search' -l limit -x -d 'At most N results'
complete -c crm -n '__fish_seen_subcommand_from search' -l sort -x -d 'Sort by a field'
complete -c crm -n '__fish_seen_subcommand_from search' -l reverse -d 'Reverse the order'

# crm init, crm clone
complete -c crm -n '__crm_using init; and test (__crm_nargs) -eq 0' -a '(__fish_complete_directories)'
complete -c crm -n '__crm_using init' -l remote -x -d 'Add this git remote as origin'
complete -c crm -n '__crm_using init' -l currency -x -a 'EUR USD GBP CHF JPY' -d 'Default currency (ISO 4217)'
complete -c crm -n '__crm_using init' -s m -l message -x -d 'Commit message'
complete -c crm -n '__crm_using clone; and test (__crm_nargs) -eq 1' -a '(__fish_complete_directories)'

# crm sync [REMOTE], crm merge-file BASE OURS THEIRS PATH
complete -c crm -n '__crm_using sync; and test (__crm_nargs) -eq 0' -x -a '(git remote 2>/dev/null)' -d 'Git remote'
complete -c crm -n '__crm_using sync' -l no-push -d 'Fetch and merge only'
complete -c crm -n '__crm_using merge-file' -F

# crm show, edit, history
complete -c crm -n '__crm_using show; and test (__crm_nargs) -eq 0' -a '(__crm_refs contact company deal note task campaign)'
complete -c crm -n '__crm_using edit; and test (__crm_nargs) -eq 0' -a '(__crm_refs contact company deal note task campaign)'
complete -c crm -n '__crm_using edit' -s m -l message -x -d 'Commit message'
complete -c crm -n '__crm_using history; and test (__crm_nargs) -eq 0' -a '(__crm_refs contact company deal note task campaign)'
complete -c crm -n '__crm_using history' -l limit -x -d 'At most N changes'

# crm contact|company|deal|note|task|campaign SUBCOMMAND
for type in contact company deal note task campaign
    set -l n "__crm_using $type"
    if test $type != note   # notes are made by crm log
        complete -c crm -n "__crm_no_subcommand; and $n" -a add -d "Add a $type; prints its id"
    end
    complete -c crm -n "__crm_no_subcommand; and $n" -a list -d "List records"
    complete -c crm -n "__crm_no_subcommand; and $n" -a show -d "Show a $type with its links"
    complete -c crm -n "__crm_no_subcommand; and $n" -a edit -d "Edit a $type in \$EDITOR"
    complete -c crm -n "__crm_no_subcommand; and $n" -a set -d "Change fields of a $type"
    complete -c crm -n "__crm_no_subcommand; and $n" -a rm -d "Remove a $type (git history keeps it)"

    # REF arguments
    for sub in show edit set rm
        complete -c crm -n "__crm_using $type $sub; and test (__crm_nargs) -eq 0" -a "(__crm_refs $type)"
    end
    complete -c crm -n "__crm_using $type set; and test (__crm_nargs) -ge 1" -a "(__crm_assignments $type)"

    complete -c crm -n "__crm_using $type list" -l reverse -d 'Reverse the order'
    complete -c crm -n "__crm_using $type list" -l limit -x -d 'At most N records'
    complete -c crm -n "__crm_using $type rm" -l force -d 'Remove even if linked, and unlink'
    for sub in add edit set rm
        complete -c crm -n "__crm_using $type $sub" -s m -l message -x -d 'Commit message'
    end
    complete -c crm -n "__crm_using $type add; or __crm_using $type set" -l field -x -d 'Custom field NAME=VALUE'
    complete -c crm -n "__crm_using $type add; or __crm_using $type set" -l tag -x -d 'Tag (repeatable)'
    if test $type != note
        complete -c crm -n "__crm_using $type add; or __crm_using $type set" -l notes -x -a - -d 'Free text; - reads stdin'
        complete -c crm -n "__crm_using $type add; or __crm_using $type set" -l owner -x -d 'Who in your team owns it'
    end
    if contains -- $type contact company deal
        complete -c crm -n "__crm_using $type add; or __crm_using $type set" -l source -x -d 'Where it came from'
    end
    complete -c crm -n "__crm_using $type set" -l add-tag -x -d 'Add a tag'
    complete -c crm -n "__crm_using $type set" -l rm-tag -x -d 'Remove a tag'
end
complete -c crm -n '__crm_no_subcommand; and __crm_using deal' -a move -d 'Move a deal to another stage'
complete -c crm -n '__crm_no_subcommand; and __crm_using task' -a done -d 'Mark tasks done; a repeating task gets its next due date'

# list --sort FIELD
complete -c crm -n '__crm_using contact list' -l sort -x -d 'Sort by this field' -a 'id name title department roles company reports_to birthday emails phones addresses website owner lifecycle source tags keep_in_touch notes'
complete -c crm -n '__crm_using company list' -l sort -x -d 'Sort by this field' -a 'id name domains industry employees parent emails phones addresses website owner lifecycle source tags keep_in_touch notes'
complete -c crm -n '__crm_using deal list' -l sort -x -d 'Sort by this field' -a 'id title company contacts owner stage amount currency probability close source tags lost_reason notes'
complete -c crm -n '__crm_using note list' -l sort -x -d 'Sort by this field' -a 'id kind at subject contacts company deal campaign direction duration outcome author tags body'
complete -c crm -n '__crm_using task list' -l sort -x -d 'Sort by this field' -a 'id title due done every contacts company deal owner priority tags notes'
complete -c crm -n '__crm_using campaign list' -l sort -x -d 'Sort by this field' -a 'id name channel status start end budget currency contacts owner tags notes'

# Fields of contacts and companies
for type in contact company
    set -l n "__crm_using $type add; or __crm_using $type set"
    complete -c crm -n $n -l email -x -d 'Email, LABEL:ADDRESS to label it'
    complete -c crm -n $n -l phone -x -d 'Phone, LABEL:NUMBER to label it'
    complete -c crm -n $n -l address -x -d 'Address label=...;street=...;city=...'
    complete -c crm -n $n -l website -x -d 'Web site'
    complete -c crm -n $n -l lifecycle -x -a '(__crm_setting lifecycle)' -d 'Lifecycle stage'
    complete -c crm -n $n -l keep-in-touch -x -a '30d 2w 1m 3m 6m 1y' -d 'Contact cadence'
    complete -c crm -n "__crm_using $type set" -l name -x -d 'Name'
    complete -c crm -n "__crm_using $type set" -l rm-email -x -d 'Remove an email'
    complete -c crm -n "__crm_using $type set" -l rm-phone -x -d 'Remove a phone'
    complete -c crm -n "__crm_using $type set" -l rm-address -x -d 'Remove an address'
end
set -l n '__crm_using contact add; or __crm_using contact set'
complete -c crm -n $n -l title -x -d 'Job title'
complete -c crm -n $n -l department -x -d 'Department'
complete -c crm -n $n -l role -x -a 'buyer decision-maker billing' -d 'Their part in buying (repeatable)'
complete -c crm -n '__crm_using contact set' -l add-role -x -d 'Add a role'
complete -c crm -n '__crm_using contact set' -l rm-role -x -d 'Remove a role'
complete -c crm -n $n -l company -x -a '(__crm_refs company)' -d 'Company they work for'
complete -c crm -n $n -l reports-to -x -a '(__crm_refs contact)' -d 'Their manager'
complete -c crm -n $n -l birthday -x -d 'Birthday (YYYY-MM-DD)'

set -l n '__crm_using company add; or __crm_using company set'
complete -c crm -n $n -l domain -x -d 'Web or mail domain'
complete -c crm -n $n -l industry -x -d 'Industry'
complete -c crm -n $n -l employees -x -d 'Number of employees'
complete -c crm -n $n -l parent -x -a '(__crm_refs company)' -d 'Parent company'
complete -c crm -n '__crm_using company set' -l rm-domain -x -d 'Remove a domain'

# Fields of deals
set -l n '__crm_using deal add; or __crm_using deal set'
complete -c crm -n $n -l company -x -a '(__crm_refs company)' -d 'Customer company'
complete -c crm -n $n -l contact -x -a '(__crm_refs contact)' -d 'Person involved (repeatable)'
complete -c crm -n $n -l stage -x -a '(__crm_setting stages)' -d 'Pipeline stage'
complete -c crm -n $n -l amount -x -d 'Value, a decimal number'
complete -c crm -n $n -l currency -x -d 'ISO 4217 code'
complete -c crm -n $n -l probability -x -d 'Win probability 0-100'
complete -c crm -n $n -l close -x -a 'today tomorrow friday eom eoy "end of month" "next month"' -d 'Expected close date'
complete -c crm -n $n -l lost-reason -x -d 'Why it was lost'
complete -c crm -n '__crm_using deal set' -l title -x -d 'What is being sold'
complete -c crm -n '__crm_using deal set' -l rm-contact -x -a '(__crm_refs contact)' -d 'Remove a contact'

# crm deal move REF STAGE
complete -c crm -n '__crm_using deal move; and test (__crm_nargs) -eq 0' -a '(__crm_refs deal)'
complete -c crm -n '__crm_using deal move; and test (__crm_nargs) -eq 1' -a '(__crm_setting stages)'
complete -c crm -n '__crm_using deal move' -l at -x -a 'now today yesterday' -d 'When it happened'
complete -c crm -n '__crm_using deal move' -l reason -x -d 'Why it was lost (lost stages only)'
complete -c crm -n '__crm_using deal move' -s m -l message -x -d 'Commit message'

# crm log KIND REF...
complete -c crm -n '__crm_using log; and test (__crm_nargs) -eq 0' -a '(__crm_note_kinds)' -d 'Kind'
complete -c crm -n '__crm_using log; and test (__crm_nargs) -ge 1' -a '(__crm_refs contact company)'
complete -c crm -n '__crm_using log' -s m -l message -x -a - -d 'What happened; - reads stdin; without it $EDITOR opens'
complete -c crm -n '__crm_using log' -l next -x -a '$__crm_dates' -d 'The next step as a task: WHEN TEXT'
complete -c crm -n '__crm_using log' -l commit-message -x -d 'Commit message'

# Fields of notes (crm log, crm note set)
set -l n '__crm_using log; or __crm_using note set'
complete -c crm -n $n -l at -x -a 'now $__crm_dates' -d 'When it happened'
complete -c crm -n $n -l subject -x -d 'One-line summary'
complete -c crm -n $n -l company -x -a '(__crm_refs company)' -d 'Company'
complete -c crm -n $n -l deal -x -a '(__crm_refs deal)' -d 'Deal it is about'
complete -c crm -n $n -l campaign -x -a '(__crm_refs campaign)' -d 'Campaign it answers'
complete -c crm -n $n -l direction -x -a 'in out' -d 'in (they reached us) or out (we reached them)'
complete -c crm -n $n -l duration -x -a '15m 30m 45m 1h 1h30m 2h' -d 'How long'
complete -c crm -n $n -l outcome -x -d 'What came of it'
complete -c crm -n $n -l author -x -d 'Who wrote it'
complete -c crm -n '__crm_using log' -l tag -x -d 'Tag (repeatable)'
complete -c crm -n '__crm_using note set' -l contact -x -a '(__crm_refs contact)' -d 'Person involved (repeatable)'
complete -c crm -n '__crm_using note set' -l rm-contact -x -a '(__crm_refs contact)' -d 'Remove a contact'

# Fields of tasks
set -l n '__crm_using task add; or __crm_using task set'
complete -c crm -n $n -l due -x -a '$__crm_dates' -d 'When: a date, or a date and time'
complete -c crm -n $n -l every -x -a '$__crm_periods' -d 'Repeat every period'
complete -c crm -n $n -l for -x -a '(__crm_refs contact company)' -d 'Who it is for: contact or company (repeatable)'
complete -c crm -n $n -l contact -x -a '(__crm_refs contact)' -d 'Person it is for (repeatable)'
complete -c crm -n $n -l company -x -a '(__crm_refs company)' -d 'Company it is for'
complete -c crm -n $n -l deal -x -a '(__crm_refs deal)' -d 'Deal it moves on'
complete -c crm -n $n -l priority -x -a 'low normal high' -d 'Priority'
complete -c crm -n '__crm_using task set' -l title -x -d 'What to do'
complete -c crm -n '__crm_using task set' -l rm-contact -x -a '(__crm_refs contact)' -d 'Remove a contact'

# crm task list, crm task done REF...
complete -c crm -n '__crm_using task list' -l overdue -d 'Only open tasks due before now'
complete -c crm -n '__crm_using task list' -l done -d 'Only tasks that are done'
complete -c crm -n '__crm_using task list' -l all -d 'Open and done tasks'
complete -c crm -n '__crm_using task done' -a '(__crm_refs task:open)'
complete -c crm -n '__crm_using task done' -l at -x -a 'now today yesterday' -d 'When it was done'
complete -c crm -n '__crm_using task done' -s m -l message -x -d 'Commit message'

# Fields of campaigns
set -l n '__crm_using campaign add; or __crm_using campaign set'
complete -c crm -n $n -l channel -x -a 'email event ads webinar' -d 'How it reaches people'
complete -c crm -n $n -l status -x -a 'planned active done' -d 'Status'
complete -c crm -n $n -l start -x -a '$__crm_dates' -d 'First day'
complete -c crm -n $n -l end -x -a '$__crm_dates' -d 'Last day'
complete -c crm -n $n -l budget -x -d 'What it costs, a decimal number'
complete -c crm -n $n -l currency -x -d 'ISO 4217 code'
complete -c crm -n $n -l member -x -a '(__crm_refs contact)' -d 'Member (repeatable)'
complete -c crm -n '__crm_using campaign set' -l rm-member -x -a '(__crm_refs contact)' -d 'Remove a member'

# crm agenda
complete -c crm -n '__crm_using agenda' -l days -x -a '0 1 7 14 30' -d 'How many days after today to look ahead'
complete -c crm -n '__crm_using agenda' -l owner -x -d 'Only what this person owns'

# crm report NAME [QUERY]
complete -c crm -n '__crm_using report; and test (count (commandline -opc)) -le 2' -x -a 'pipeline forecast won activity stale customers campaigns weekly' -d 'Report'
complete -c crm -n '__crm_using report' -l since -x -a 'today -7d -30d -3m -1y 2026-01-01' -d 'From this day on'
complete -c crm -n '__crm_using report' -l until -x -a 'today +1m +3m +6m' -d 'Up to this day'
complete -c crm -n '__crm_using report' -l owner -x -d 'Only what this person owns'
complete -c crm -n '__crm_using report' -l by -x -a 'stage owner company month week quarter year kind' -d 'Group by'
complete -c crm -n '__crm_using report' -l currency -x -a 'EUR USD GBP CHF JPY' -d 'Report every amount in this currency'
complete -c crm -n '__crm_using report' -l days -x -a '7 14 30 60 90' -d 'stale: days without activity'
complete -c crm -n '__crm_using report' -l pareto -d 'customers: only those making 80% of revenue'
complete -c crm -n '__crm_using report' -l limit -x -d 'customers, stale: at most N rows'
complete -c crm -n '__crm_using report' -s o -l output -r -d 'Write to FILE'

# crm export ics
complete -c crm -n '__crm_no_subcommand; and __crm_using export' -a ics -d 'Tasks and meetings as one iCalendar file'
complete -c crm -n '__crm_using export ics' -s o -l output -r -F -d 'Write to FILE instead of stdout'

# crm export json|vcard|csv
complete -c crm -n '__crm_no_subcommand; and __crm_using export' -a json -d 'Records as one JSON array (crm import json restores them)'
complete -c crm -n '__crm_no_subcommand; and __crm_using export' -a vcard -d 'Contacts as vCards: a folder of <id>.vcf or one stream'
complete -c crm -n '__crm_no_subcommand; and __crm_using export' -a csv -d "Contacts as CSV in crm's columns"
complete -c crm -n '__crm_using export json; or __crm_using export csv' -s o -l output -r -F -d 'Write to FILE instead of stdout'
complete -c crm -n '__crm_using export vcard' -s o -l output -r -F -d 'A folder (one <id>.vcf each) or FILE.vcf'
complete -c crm -n '__crm_using export vcard' -l vcard-version -x -a '3.0 4.0' -d 'vCard version'

# crm import json|vcard|csv|mail
complete -c crm -n '__crm_no_subcommand; and __crm_using import' -a json -d 'Records from a crm export json file'
complete -c crm -n '__crm_no_subcommand; and __crm_using import' -a vcard -d 'Contacts from vCard files or folders'
complete -c crm -n '__crm_no_subcommand; and __crm_using import' -a csv -d 'Contacts from CSV (Google, Outlook, HubSpot, crm columns)'
complete -c crm -n '__crm_no_subcommand; and __crm_using import' -a mail -d 'Mail from and to contacts as email notes'
complete -c crm -n '__crm_using import; and not __crm_no_subcommand' -s n -l dry-run -d 'Print what would happen; change nothing'
complete -c crm -n '__crm_using import; and not __crm_no_subcommand' -s m -l message -x -d 'Commit message'
complete -c crm -n '__crm_using import; and not __crm_no_subcommand' -F
complete -c crm -n '__crm_using import csv' -l preset -x -a 'google outlook hubspot crm' -d 'The columns of an export'
complete -c crm -n '__crm_using import csv' -l map -x -d "'Header=field,...'"
complete -c crm -n '__crm_using import csv' -l delimiter -x -a ', ; tab' -d 'Field separator'
complete -c crm -n '__crm_using import mail' -l since -x -a 'today -7d -30d -3m -1y' -d 'Only mail from this day on'

# crm contact|company merge KEEP OTHER
complete -c crm -n '__crm_no_subcommand; and __crm_using contact' -a merge -d 'Merge two records of one person'
complete -c crm -n '__crm_no_subcommand; and __crm_using company' -a merge -d 'Merge two records of one company'
complete -c crm -n '__crm_using contact merge' -a '(__crm_refs contact)'
complete -c crm -n '__crm_using company merge' -a '(__crm_refs company)'
complete -c crm -n '__crm_using contact merge; or __crm_using company merge' -s m -l message -x -d 'Commit message'
