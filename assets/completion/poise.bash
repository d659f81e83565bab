# bash completion for poise(1), installed as
# share/bash-completion/completions/poise.
#
# It asks the program what to offer, so it follows poise without a list of
# its own: the commands from `poise --help` ("commands:"), the options of
# the command line and whether they take a value from the usage and option
# lines of `poise [COMMAND] --help`, the words a command takes from its
# usage lines (patient add|list|..., play GAME, metrics FILE.csv: the CSV files), and the
# games from `poise play --list`.

# The usage block and the option lines of `"$@" --help`.
_poise_help()
{
	"$@" --help 2>/dev/null | awk '
		NR == 1 && tolower($0) ~ /^usage:/ { usage = 1 }
		usage && /^[ \t]*$/ { usage = 0 }
		usage || /^[ \t]+-/'
}

# Adds to _poise_takes[OPTION] the value OPTION takes ("FILE", "csv|json";
# empty: none) from help lines on stdin.
_poise_read_options()
{
	local opt val
	while read -r opt val; do
		# The first value named wins: the usage's "HZ|none" over "HZ".
		[[ -n ${_poise_takes[$opt]+set} && ( -z $val || -n ${_poise_takes[$opt]} ) ]] && continue
		_poise_takes[$opt]=$val
	done < <(grep -oP -- '(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])( [^][ -][^][ ]*)?')
}

# The words poise COMMAND takes at the position after the positional words
# given, from its usage lines on stdin: literal words (patient add ...) or
# placeholders (GAME, FILE.csv, CODE).
_poise_positional()
{
	local cmd=$1
	shift
	local o takes=
	for o in "${!_poise_takes[@]}"; do
		[[ -n ${_poise_takes[$o]} ]] && takes+=" $o"
	done
	awk -v cmd="$cmd" -v typed="$*" -v takes="$takes" '
		BEGIN {
			ntyped = split(typed, word, " ")
			n = split(takes, t, " ")
			for (i = 1; i <= n; i++)
				value[t[i]] = 1
		}
		{
			line = " " $0 " "
			at = index(line, " " cmd " ")
			if (!at)
				next
			rest = substr(line, at + length(cmd) + 2)
			sub(/[ \t][ \t]+[a-z].*$/, "", rest)     # a remark, not syntax
			gsub(/\[[^]]*\]/, " ", rest)              # optional parts
			m = split(rest, tok, /[ \t]+/)
			k = 0
			for (j = 1; j <= m; j++) {
				if (tok[j] == "")
					continue
				if (tok[j] ~ /^-/) {
					if (tok[j] in value)
						j++                           # and its value
					continue
				}
				if (k < ntyped) {
					if (tok[j] ~ /^[a-z]/ && tok[j] != word[k + 1])
						next                          # another form
					k++
					continue
				}
				print tok[j]
				next
			}
		}' | sort -u
}

# Sets COMPREPLY to what fits $cur for a value or word of kind $1.
_poise_complete_kind()
{
	local kind=$1 prog=$2
	case $kind in
	*DIR*)
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -d -- "$cur"))
		;;
	*FILE.* | *PATH.*)
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -d -- "$cur") $(compgen -f -X "!*.${kind##*.}" -- "$cur"))
		;;
	*FILE* | *PATH*)
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -f -- "$cur"))
		;;
	SPEC)
		COMPREPLY+=($(compgen -W 'auto sim' -- "$cur"))
		;;
	GAME)
		COMPREPLY+=($(compgen -W "$("$prog" play --list 2>/dev/null | awk '/^[a-z]/ { print $1 }')" -- "$cur"))
		;;
	*'|'*)
		local alt words=
		for alt in ${kind//|/ }; do
			[[ $alt == [a-z]* ]] && words+=" $alt"
		done
		COMPREPLY+=($(compgen -W "$words" -- "$cur"))
		;;
	[a-z]*)
		COMPREPLY+=($(compgen -W "$kind" -- "$cur"))
		;;
	esac
}

_poise()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	local prog=${COMP_WORDS[0]} cmd= i w
	local -A _poise_takes=()
	local -a words=()
	COMPREPLY=()
	prog=${prog/#\~/$HOME}

	_poise_read_options < <(_poise_help "$prog")
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -* ]]; then
			[[ $w != *=* && -n ${_poise_takes[$w]-} ]] && ((i++))
		elif [[ -z $cmd ]]; then
			cmd=$w
			_poise_read_options < <(_poise_help "$prog" "$cmd")
		else
			words+=("$w")
		fi
	done

	if [[ $prev == -* && -n ${_poise_takes[$prev]-} ]]; then
		_poise_complete_kind "${_poise_takes[$prev]}" "$prog"
		return 0
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "${!_poise_takes[*]}" -- "$cur"))
		return 0
	fi
	if [[ -z $cmd ]]; then
		local commands
		commands=$("$prog" --help 2>/dev/null | awk '
			tolower($0) ~ /^commands:[ \t]*$/ { on = 1; next }
			on && /^[ \t]*$/ { exit }
			on { print $1 }')
		COMPREPLY=($(compgen -W "$commands help" -- "$cur"))
		return 0
	fi
	local kind
	while read -r kind; do
		_poise_complete_kind "$kind" "$prog"
	done < <("$prog" "$cmd" --help 2>/dev/null | awk '
		NR == 1 && tolower($0) ~ /^usage:/ { usage = 1 }
		usage && /^[ \t]*$/ { exit }
		usage' | _poise_positional "$cmd" "${words[@]}")
	return 0
} &&
	complete -F _poise poise
