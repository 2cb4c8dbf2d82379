"""``inboxwatch.1``, the manual page, written from the argument parser (so it never drifts from --help).

Run at build time (``setup.py`` writes it into the wheel's ``share/man/man1``), and by the tests. Only the
standard library is used here and in the parser, so a build needs none of inboxwatch's dependencies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence

SUPPRESS = argparse.SUPPRESS


def roff(text: str) -> str:
    """``text`` made safe for a roff line: backslashes, hyphens, other than ASCII, a leading dot or quote escaped."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = re.sub(r"[^\x00-\x7f]", lambda m: f"\\[u{ord(m[0]):04X}]", text)  # groff reads ASCII: … is \[u2026]
    return re.sub(r"(?m)^([.'])", r"\\&\1", text)


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """(name, one-line help, parser) of every visible subcommand, in the order they were added."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            return [(name, helps[name], p) for name, p in action.choices.items() if name in helps]
    return []


def _options(parser: argparse.ArgumentParser) -> Iterable[argparse.Action]:
    for action in parser._actions:
        if action.help == SUPPRESS or isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
            continue
        yield action


def _option_term(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"\\fI{roff(str(action.metavar or action.dest))}\\fR"
    names = ", ".join(f"\\fB{roff(s)}\\fR" for s in action.option_strings)
    if action.nargs == 0:
        return names
    metavar = action.metavar or (
        "{" + ",".join(str(c) for c in action.choices) + "}" if action.choices else action.dest.upper()
    )
    return f"{names} \\fI{roff(str(metavar))}\\fR"


def _option_help(action: argparse.Action) -> str:
    text = action.help or ""
    if "%(" in text:
        text = text % {"default": action.default, "prog": "inboxwatch", "choices": action.choices}
    if action.choices and not action.option_strings:
        text += f" (one of: {', '.join(str(c) for c in action.choices)})"
    return roff(text)


def _usage(parser: argparse.ArgumentParser) -> str:
    usage = parser.format_usage().strip()
    usage = usage.removeprefix("usage: ")
    return " ".join(usage.split())


def _paragraphs(text: str) -> list[str]:
    return [roff(" ".join(p.split())) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _verbatim(text: str) -> list[str]:
    return [".nf", *(roff(line) for line in text.strip("\n").splitlines()), ".fi"]


def render_manpage(
    parser: argparse.ArgumentParser,
    *,
    version: str,
    date: dt.date | None = None,
    environment: Sequence[tuple[str, str]] = (),
    files: Sequence[tuple[str, str]] = (),
    see_also: str = "",
) -> str:
    """The page in man(7) format. ``date`` defaults to ``SOURCE_DATE_EPOCH`` (reproducible builds), else today."""
    if date is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        date = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch and epoch.isdigit() else dt.date.today()
    prog = parser.prog
    title = prog.upper()
    out = [
        f'.TH {title} 1 "{date.isoformat()}" "{prog} {roff(version)}" "User Commands"',
        ".SH NAME",
        f"{roff(prog)} \\- {roff((parser.description or '').rstrip('.').lower() or prog)}",
        ".SH SYNOPSIS",
        f"\\fB{roff(prog)}\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIGLOBAL OPTIONS\\fR]",
        ".SH DESCRIPTION",
    ]
    for para in _paragraphs(parser.description or ""):
        out += [para, ".PP"]
    if parser.epilog:
        out += _paragraphs(parser.epilog)
    out.append(".SH GLOBAL OPTIONS")
    out.append("These are accepted before or after the command.")
    for action in _options(parser):
        out += [".TP", _option_term(action), _option_help(action)]
    out.append(".SH COMMANDS")
    for name, help_text, sub in _subcommands(parser):
        out += [f".SS {roff(name)}", roff(_usage(sub)), ".PP"]
        out += _paragraphs(sub.description or help_text)
        local = [a for a in _options(sub) if not getattr(a, "_global", False)]
        for action in local:
            out += [".TP", _option_term(action), _option_help(action)]
        if sub.epilog:
            out += [".PP", "Example:", ".PP", ".RS 4", *_verbatim(_examples_only(sub.epilog)), ".RE"]
    if environment:
        out.append(".SH ENVIRONMENT")
        for var, text in environment:
            out += [".TP", f"\\fB{roff(var)}\\fR", roff(text)]
    if files:
        out.append(".SH FILES")
        for path, text in files:
            out += [".TP", f"\\fI{roff(path)}\\fR", roff(text)]
    if see_also:
        out += [".SH SEE ALSO", roff(see_also)]
    return "\n".join(out) + "\n"


def _examples_only(epilog: str) -> str:
    """The lines of an ``example:`` epilog, without that heading and its indentation."""
    lines = epilog.strip("\n").splitlines()
    if lines and lines[0].strip().lower().rstrip(":") in ("example", "examples"):
        lines = lines[1:]
    indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return "\n".join(x[indent:] for x in lines)


def inboxwatch_manpage() -> str:
    """inboxwatch.1 for this version of inboxwatch."""
    from inboxwatch import __version__
    from inboxwatch.cli.parser import ENVIRONMENT, FILES, build_parser

    return render_manpage(
        build_parser(),
        version=__version__,
        environment=ENVIRONMENT,
        files=FILES,
        see_also="systemctl(1), journalctl(1), systemd.unit(5); `inboxwatch COMMAND --help`",
    )


def write_manpage(path: os.PathLike[str] | str) -> None:
    from pathlib import Path

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(inboxwatch_manpage(), encoding="utf-8")
