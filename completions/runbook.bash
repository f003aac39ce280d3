# completions/runbook.bash — bash completion for `runbook`, installed as
# share/bash-completion/completions/runbook (bash-completion loads it on the first <TAB> after
# `runbook`); without bash-completion: `source` it from ~/.bashrc.
#
# Completes the subcommands, each subcommand's options and their fixed values
# (`--format json`), runbook files (.rb, .runbook, .rbc) and directories, the step names of the
# runbook on the command line after --from, --only and --fail-at, and its parameter names after
# --param (`--param name=`). Commands, options and names are asked of the runbook binary itself
# (`runbook __complete`, cli/complete.c): the script holds no list that could drift from it.
# Step names hold spaces: they are offered quoted ('Back up the config'), and a name begun with
# a quote is completed inside it. Tested by tests/install/completion_test.sh.

# The binary being completed: the word the user typed (./build/release/runbook, runbook).
_runbook_bin() {
    local b=${COMP_WORDS[0]}
    b=${b/#\~/$HOME}
    if [[ $b == */* ]]; then
        [[ -x $b ]] && printf '%s\n' "$b"
    else
        type -P "$b"
    fi
}

# Removes one level of shell quoting from a word as typed: 'a b' "a b" a\ b -> a b
_runbook_dequote() {
    local w=$1 out='' q='' c i
    for ((i = 0; i < ${#w}; i++)); do
        c=${w:i:1}
        if [[ -n $q ]]; then
            if [[ $c == "$q" ]]; then q=''
            elif [[ $q == '"' && $c == '\' && $((i + 1)) -lt ${#w} ]]; then i=$((i + 1)); out+=${w:i:1}
            else out+=$c; fi
        elif [[ $c == "'" || $c == '"' ]]; then q=$c
        elif [[ $c == '\' ]]; then i=$((i + 1)); out+=${w:i:1}
        else out+=$c; fi
    done
    printf '%s' "$out"
}

# The VALUE placeholder of option $1 in the caller's options/values arrays, or nothing.
_runbook_value_of() {
    local k
    for ((k = 0; k < ${#options[@]}; k++)); do
        [[ ${options[k]} == "$1" ]] && { printf '%s' "${values[k]}"; return 0; }
    done
    return 1
}

_runbook() {
    local bin cur prev cmd opt line name value i w file='' nfiles=0
    local -a options=() values=() names=()
    COMPREPLY=()
    bin=$(_runbook_bin) || return 0
    [[ -n $bin ]] || return 0
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}

    if ((COMP_CWORD == 1)); then
        mapfile -t names < <("$bin" __complete commands 2>/dev/null)
        mapfile -t COMPREPLY < <(compgen -W "${names[*]}" -- "$cur")
        return 0
    fi
    cmd=${COMP_WORDS[1]}

    # the command's options and what each takes
    while IFS=$'\t' read -r opt value; do
        options+=("$opt")
        values+=("$value")
    done < <("$bin" __complete options "$cmd" 2>/dev/null)

    # the runbook on the command line (before or after the cursor): the first word that is
    # neither an option nor its value (resume: the second, after the journal)
    for ((i = 2; i < ${#COMP_WORDS[@]}; i++)); do
        ((i == COMP_CWORD)) && continue
        w=${COMP_WORDS[i]}
        if [[ $w == -* ]]; then
            if [[ ${COMP_WORDS[i + 1]} == = ]]; then
                i=$((i + 2))
            elif [[ -n $(_runbook_value_of "$w") ]]; then
                i=$((i + 1))
            fi
        elif [[ $w != = ]]; then
            nfiles=$((nfiles + 1))
            if [[ -z $file && $cmd != resume ]] || [[ $cmd == resume && $nfiles == 2 ]]; then
                file=$(_runbook_dequote "$w")
            fi
        fi
    done

    # the option whose value is being completed (`--format j`, `--on-failure=r`)
    opt=''
    if [[ $prev == = && $COMP_CWORD -ge 3 ]]; then
        opt=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == = && $prev == -* ]]; then
        opt=$prev
        cur=''
    elif [[ $prev == -* ]]; then
        opt=$prev
    fi
    if [[ -n $opt ]] && value=$(_runbook_value_of "$opt") && [[ -n $value ]]; then
        case $value in
        STEP)
            [[ -n $file && -r $file ]] || return 0
            mapfile -t names < <("$bin" __complete steps "$file" 2>/dev/null)
            _runbook_quoted_names "$cur"
            ;;
        *=*)
            [[ -n $file && -r $file ]] || return 0
            mapfile -t names < <("$bin" __complete params "$file" 2>/dev/null)
            for name in "${names[@]}"; do
                [[ $name == "$cur"* ]] && COMPREPLY+=("$name=")
            done
            compopt -o nospace 2>/dev/null
            ;;
        *[a-z]\|[a-z]*)
            [[ $value == *FILE* ]] && { _runbook_files "$cur" any; return 0; }
            mapfile -t COMPREPLY < <(compgen -W "${value//|/ }" -- "$cur")
            ;;
        F | FILE* | JOURNAL)
            _runbook_files "$cur" any
            ;;
        esac
        return 0
    fi

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "${options[*]}" -- "$cur")
        return 0
    fi
    if [[ $cmd == resume ]]; then
        _runbook_files "$cur" any
    else
        _runbook_files "$cur" runbook
    fi
    return 0
}

# COMPREPLY: the names (in $names) that start with what was typed. A word begun with a quote
# is completed inside the quote (readline closes it); otherwise a name that needs quoting is
# offered in single quotes.
_runbook_quoted_names() {
    local typed=$1 q='' name
    if [[ $typed == \'* || $typed == \"* ]]; then
        q=${typed:0:1}
        typed=${typed:1}
    else
        typed=$(_runbook_dequote "$typed")
    fi
    for name in "${names[@]}"; do
        [[ $name == "$typed"* ]] || continue
        if [[ -n $q ]]; then
            COMPREPLY+=("$name")
        elif [[ $name =~ ^[A-Za-z0-9_./=+-]+$ ]]; then
            COMPREPLY+=("$name")
        else
            COMPREPLY+=("'${name//\'/\'\\\'\'}'")
        fi
    done
}

# COMPREPLY: files and directories; `runbook` keeps only runbook sources and artifacts.
_runbook_files() {
    local typed=$1 kind=$2 f
    compopt -o filenames 2>/dev/null
    while IFS= read -r f; do
        if [[ -d $f || $kind == any || $f == *.rb || $f == *.runbook || $f == *.rbc ]]; then
            COMPREPLY+=("$f")
        fi
    done < <(compgen -f -- "$typed")
}

complete -F _runbook runbook
