"""Shell completion for bash, zsh and fish, written from the argument parser.

Each script completes the commands, their options, option values that are files, folders or fixed choices,
and conversation ids: for those it runs ``inboxwatch [--config X] completion ids``, which prints one
``id<TAB>company`` line per conversation from the state file (nothing when there is none yet).
Only the standard library is used, so ``inboxwatch completion bash`` starts quickly.
"""

from __future__ import annotations

import argparse
import re
import shlex
from dataclasses import dataclass, field
from typing import Final

SHELLS: Final = ("bash", "zsh", "fish")

# What a value is, so the shell can offer the right things: "file", "dir", "id", "choice", "" (free text).
_DEST_KINDS: Final = {
    "config": "file",
    "client_secrets": "file",
    "file": "file",
    "files": "file",
    "message": "file",
    "unit_dir": "dir",
    "inbox": "file",
    "sent": "file",
    "ca_file": "file",
    "id": "id",
}


@dataclass(frozen=True)
class Option:
    names: tuple[str, ...]
    help: str
    takes_value: bool
    kind: str = ""  # file | dir | choice | ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Positional:
    name: str
    help: str
    kind: str  # file | id | choice | ""
    choices: tuple[str, ...] = ()
    repeats: bool = False


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    options: tuple[Option, ...]
    positionals: tuple[Positional, ...] = field(default=())


@dataclass(frozen=True)
class Spec:
    prog: str
    global_options: tuple[Option, ...]  # before or after the command (--help too)
    top_options: tuple[Option, ...]  # before the command only (--version)
    commands: tuple[Command, ...]


def _kind(action: argparse.Action) -> str:
    if action.choices:
        return "choice"
    return _DEST_KINDS.get(action.dest, "")


def _visible_choices(action: argparse.Action) -> tuple[str, ...]:
    if not action.choices:
        return ()
    hidden = getattr(action, "hidden_choices", ())
    return tuple(str(c) for c in action.choices if c not in hidden)


def _option(action: argparse.Action) -> Option:
    return Option(
        tuple(action.option_strings),
        " ".join((action.help or "").split()),
        action.nargs != 0,
        _kind(action),
        _visible_choices(action),
    )


def spec_of(parser: argparse.ArgumentParser) -> Spec:
    """What the parser accepts, reduced to what completion needs."""
    global_options: list[Option] = []
    top_options: list[Option] = []
    commands: list[Command] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                if name not in helps:
                    continue  # hidden
                options, positionals = [], []
                for a in sub._actions:
                    if a.help == argparse.SUPPRESS or getattr(a, "_global", False):
                        continue
                    if isinstance(a, argparse._HelpAction):
                        continue  # a global option too
                    if a.option_strings:
                        options.append(_option(a))
                    else:
                        positionals.append(
                            Positional(
                                str(a.metavar or a.dest),
                                " ".join((a.help or "").split()),
                                _kind(a),
                                _visible_choices(a),
                                a.nargs in ("+", "*"),
                            )
                        )
                commands.append(Command(name, helps[name], tuple(options), tuple(positionals)))
        elif action.option_strings and action.help != argparse.SUPPRESS:
            (top_options if isinstance(action, argparse._VersionAction) else global_options).append(_option(action))
    return Spec(parser.prog, tuple(global_options), tuple(top_options), tuple(commands))


def render(shell: str, parser: argparse.ArgumentParser) -> str:
    spec = spec_of(parser)
    if shell == "bash":
        return _bash(spec)
    if shell == "zsh":
        return _zsh(spec)
    if shell == "fish":
        return _fish(spec)
    raise ValueError(f"no completion for {shell!r}; one of {', '.join(SHELLS)}")


# --- bash ------------------------------------------------------------------------------------------------


def _var(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _words(items: list[str] | tuple[str, ...]) -> str:
    return shlex.quote(" ".join(items))


def _bash_value_case(spec: Spec) -> list[str]:
    """``case "$cmd:$prev"`` branches completing an option's value."""
    lines = []

    def branch(pattern: str, option: Option) -> None:
        if option.kind == "file":
            action = 'COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null'
        elif option.kind == "dir":
            action = 'COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null'
        elif option.kind == "choice":
            action = f'COMPREPLY=($(compgen -W {_words(option.choices)} -- "$cur"))'
        else:
            action = ":"
        lines.append(f"        {pattern}) {action}; return 0 ;;")

    for option in spec.global_options:
        if option.takes_value:
            branch("|".join(f"*:{n}" for n in option.names), option)
    for command in spec.commands:
        for option in command.options:
            if option.takes_value:
                branch("|".join(f"{command.name}:{n}" for n in option.names), option)
    return lines


def _bash(spec: Spec) -> str:
    prog = spec.prog
    fn = f"_{_var(prog)}"
    global_words = [n for o in spec.global_options for n in o.names]
    top_words = [n for o in spec.top_options for n in o.names]
    global_valued = [n for o in spec.global_options if o.takes_value for n in o.names]
    lines = [
        f"# bash completion for {prog}; generated by `{prog} completion bash`.",
        f"# Load it with: source <({prog} completion bash)",
        f"{fn}_ids() {{",
        f'    {prog} "$@" completion ids 2>/dev/null | cut -f1',
        "}",
        f"{fn}() {{",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '    local cmd="" w i skip=0 npos=0 opts valued pos',
        "    local -a cfg=()",
        f"    local global_opts={_words(global_words)} global_valued={_words(global_valued)}",
        f"    local top_opts={_words(top_words)}",
        f"    local commands={_words([c.name for c in spec.commands])}",
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        '        w="${COMP_WORDS[i]}"',
        "        if ((skip)); then skip=0; continue; fi",
        '        if [[ $w == --config ]]; then cfg=(--config "${COMP_WORDS[i+1]}"); skip=1; continue; fi',
        '        if [[ $w == --config=* ]]; then cfg=("$w"); continue; fi',
        "        if [[ $w == -* ]]; then",
        f'            valued="$global_valued $({fn}_valued "$cmd")"',
        '            [[ $w != *=* && " $valued " == *" $w "* ]] && skip=1',
        "            continue",
        "        fi",
        '        if [[ -z $cmd ]]; then cmd="$w"; else npos=$((npos + 1)); fi',
        "    done",
        '    case "$cmd:$prev" in',
        *_bash_value_case(spec),
        "    esac",
        "    if [[ $cur == -* ]]; then",
        '        [[ -z $cmd ]] && global_opts="$global_opts $top_opts"',
        f'        COMPREPLY=($(compgen -W "$global_opts $({fn}_opts "$cmd")" -- "$cur"))',
        "        return 0",
        "    fi",
        "    if [[ -z $cmd ]]; then",
        '        COMPREPLY=($(compgen -W "$commands" -- "$cur"))',
        "        return 0",
        "    fi",
        f'    pos=$({fn}_positional "$cmd" "$npos")',
        '    case "$pos" in',
        '        id) COMPREPLY=($(compgen -W "$(' + fn + '_ids "${cfg[@]}")" -- "$cur")) ;;',
        '        file) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null ;;',
        '        choice:*) COMPREPLY=($(compgen -W "${pos#choice:}" -- "$cur")) ;;',
        "    esac",
        "    return 0",
        "}",
    ]
    # Per-command tables, as small functions (bash has no nested arrays).
    lines.append(f"{fn}_opts() {{")
    lines.append('    case "$1" in')
    for c in spec.commands:
        lines.append(f"        {c.name}) echo {_words([n for o in c.options for n in o.names])} ;;")
    lines += ["    esac", "}"]
    lines.append(f"{fn}_valued() {{")
    lines.append('    case "$1" in')
    for c in spec.commands:
        valued = [n for o in c.options if o.takes_value for n in o.names]
        if valued:
            lines.append(f"        {c.name}) echo {_words(valued)} ;;")
    lines += ["    esac", "}"]
    lines.append(f"{fn}_positional() {{")
    lines.append('    case "$1" in')
    for c in spec.commands:
        if not c.positionals:
            continue
        branches = []
        for i, p in enumerate(c.positionals):
            kind = f"choice:{' '.join(p.choices)}" if p.kind == "choice" else p.kind
            test = f"$2 -ge {i}" if p.repeats else f"$2 -eq {i}"
            branches.append(f"[[ {test} ]] && echo {shlex.quote(kind)}")
        lines.append(f"        {c.name}) {'; '.join(branches)} ;;")
    lines += ["    esac", "}"]
    lines.append(f"complete -F {fn} {prog}")
    return "\n".join(lines) + "\n"


# --- zsh -------------------------------------------------------------------------------------------------


def _zq(text: str) -> str:
    """Text for inside a single-quoted zsh word, with _arguments' special characters escaped."""
    text = re.sub(r"([\[\]:\\])", r"\\\1", text)
    return text.replace("'", "'\\''")


def _zsh_action(kind: str, choices: tuple[str, ...], what: str) -> str:
    if kind == "file":
        return f":{_zq(what)}:_files"
    if kind == "dir":
        return f":{_zq(what)}:_files -/"
    if kind == "choice":
        return f":{_zq(what)}:({' '.join(choices)})"
    if kind == "id":
        return f":{_zq(what)}:_inboxwatch_ids"
    return f":{_zq(what)}:"


def _zsh_option(option: Option) -> str:
    action = _zsh_action(option.kind, option.choices, option.names[-1].lstrip("-")) if option.takes_value else ""
    helped = f"[{_zq(option.help)}]"
    if len(option.names) == 1:
        return f"'{option.names[0]}{helped}{action}'"
    exclusive = "(" + " ".join(option.names) + ")"
    return f"'{exclusive}'{{{','.join(option.names)}}}'{helped}{action}'"


def _zsh(spec: Spec) -> str:
    prog = spec.prog
    lines = [
        f"#compdef {prog}",
        f"# zsh completion for {prog}; generated by `{prog} completion zsh`.",
        f"# Load it with: source <({prog} completion zsh)  (after compinit), or save it as _{prog} in $fpath.",
        "_inboxwatch_ids() {",
        "    local -a ids cfg",
        "    local i",
        "    # --config before the command was read by the outer _arguments; after it, it is in $words",
        '    [[ -n $_inboxwatch_config ]] && cfg=(--config "$_inboxwatch_config")',
        "    for ((i = 1; i < ${#words}; i++)); do",
        '        [[ ${words[i]} == --config ]] && cfg=(--config "${words[i+1]}")',
        '        [[ ${words[i]} == --config=* ]] && cfg=("${words[i]}")',
        "    done",
        f'    ids=(${{(f)"$({prog} $cfg completion ids 2>/dev/null)"}})',
        "    ids=(${ids//$'\\t'/:})",
        "    _describe 'conversation' ids",
        "}",
        f"_{_var(prog)}() {{",
        '    local curcontext="$curcontext" state line',
        "    typeset -A opt_args",
        "    _arguments -C \\",
        *(f"        {_zsh_option(o)} \\" for o in (*spec.global_options, *spec.top_options)),
        "        '1:command:->command' \\",
        "        '*::argument:->argument'",
        "    case $state in",
        "        command)",
        "            local -a commands",
        "            commands=(",
        *(f"                '{c.name}:{_zq(c.help)}'" for c in spec.commands),
        "            )",
        "            _describe 'command' commands",
        "            ;;",
        "        argument)",
        "            local _inboxwatch_config=${(Q)opt_args[--config]}",
        "            case $line[1] in",
    ]
    for c in spec.commands:
        args = [_zsh_option(o) for o in (*c.options, *spec.global_options)]
        for i, p in enumerate(c.positionals, start=1):
            position = "*" if p.repeats else str(i)
            args.append(f"'{position}{_zsh_action(p.kind, p.choices, p.help or p.name)}'")
        lines.append(f"                {c.name})")
        lines.append("                    _arguments " + " ".join(args))
        lines.append("                    ;;")
    lines += [
        "            esac",
        "            ;;",
        "    esac",
        "}",
        # Autoloaded from $fpath: complete now; sourced: register.
        f'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _{_var(prog)} "$@"',
        f"else compdef _{_var(prog)} {prog}; fi",
    ]
    return "\n".join(lines) + "\n"


# --- fish ------------------------------------------------------------------------------------------------


def _fq(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_option(prefix: str, option: Option) -> str:
    parts = [prefix]
    for name in option.names:
        if name.startswith("--"):
            parts.append(f"-l {name[2:]}")
        else:
            parts.append(f"-s {name[1:]}")
    if option.takes_value:
        if option.kind in ("file", "dir"):
            parts.append("-r -F")
        else:
            parts.append("-x")  # a value, but not a file name
            if option.kind == "choice":
                parts.append(f"-a {_fq(' '.join(option.choices))}")
    if option.help:
        parts.append(f"-d {_fq(option.help)}")
    return " ".join(parts)


def _fish(spec: Spec) -> str:
    prog = spec.prog
    base = f"complete -c {prog}"
    names = " ".join(c.name for c in spec.commands)
    lines = [
        f"# fish completion for {prog}; generated by `{prog} completion fish`.",
        f"# Load it with: {prog} completion fish | source  (or save it in ~/.config/fish/completions/{prog}.fish)",
        f"function __fish_{_var(prog)}_ids",
        "    set -l cfg",
        "    set -l words (commandline -opc)",
        "    for i in (seq (count $words))",
        "        if test $words[$i] = --config; and test $i -lt (count $words)",
        "            set cfg --config $words[(math $i + 1)]",
        "        else if string match -q -- '--config=*' $words[$i]",
        "            set cfg $words[$i]",
        "        end",
        "    end",
        f"    {prog} $cfg completion ids 2>/dev/null",
        "end",
        f"{base} -f",
        *(_fish_option(base, o) for o in spec.global_options),
        *(_fish_option(f"{base} -n __fish_use_subcommand", o) for o in spec.top_options),
    ]
    for c in spec.commands:
        lines.append(f"{base} -n 'not __fish_seen_subcommand_from {names}' -a {c.name} -d {_fq(c.help)}")
    for c in spec.commands:
        cond = f"{base} -n '__fish_seen_subcommand_from {c.name}'"
        lines += [_fish_option(cond, o) for o in c.options]
        for p in c.positionals:
            if p.kind == "id":
                lines.append(f"{cond} -a '(__fish_{_var(prog)}_ids)'")
            elif p.kind == "file":
                lines.append(f"{cond} -F")
            elif p.kind == "choice":
                lines.append(f"{cond} -a {_fq(' '.join(p.choices))}")
    return "\n".join(lines) + "\n"


# --- the command -----------------------------------------------------------------------------------------


def run(args: argparse.Namespace, ui: object) -> int:
    """``inboxwatch completion SHELL`` prints the script; ``completion ids`` lists conversation ids."""
    import sys

    if args.shell == "ids":
        for conversation_id, company in conversation_ids(args):
            sys.stdout.write(f"{conversation_id}\t{company}\n")
        return 0
    from inboxwatch.cli.parser import build_parser

    sys.stdout.write(render(args.shell, build_parser()))
    return 0


def conversation_ids(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(id, company) of every conversation in the state file; nothing when there is no config or state yet.

    Reads the conversations the last scan or status kept; builds them only when none were kept.
    """
    import json

    from inboxwatch.cli.app import config_path
    from inboxwatch.config import load_config
    from inboxwatch.errors import InboxwatchError

    try:
        config = load_config(config_path(args))
        if not config.state_path.is_file():
            return []
        from inboxwatch.state import meta
        from inboxwatch.state.store import Store

        with Store.open(config.state_path) as store:
            cached = store.get_meta(meta.CONVERSATIONS)
            if cached:
                try:
                    saved = json.loads(cached)["conversations"]
                    return [(str(c["id"]), str(c.get("company") or "")) for c in saved]
                except (ValueError, KeyError, TypeError):
                    pass
            from datetime import UTC, datetime

            from inboxwatch.runtime.pipeline import overview

            view = overview(config, store, datetime.now(UTC))
            return [(c.id, c.company) for c in view.conversations]
    except (InboxwatchError, OSError):
        return []
