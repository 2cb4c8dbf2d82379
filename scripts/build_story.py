#!/usr/bin/env python3
"""Render the demo's STORY.md from its one source, ``src/inboxwatch/demo/stories.toml``, and the committed mail.

The demo's ``.eml`` files are the mail itself, committed as they are (edit them like any mail fixture); the stories
file says what each story is and what ``inboxwatch demo`` must find at its fixed "now" (``tests/system/test_demo.py``
reads the same file). This script fills in what the mail decides: file names for ``[[slug]]``, the noise list with
each message's date, the counts. Standard library only.

    python scripts/build_story.py            # rewrite src/inboxwatch/demo/STORY.md
    python scripts/build_story.py --check    # exit 1 if the committed STORY.md is not what this renders
    python scripts/build_story.py --out FILE # write somewhere else
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "inboxwatch" / "demo"
NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
TABLE_HEAD = (
    "| Story | Company / role | Stage at now | Nudge due at now | Attempt | Due since |\n"
    "|---|---|---|---|---|---|\n"
)


def mail(demo: Path) -> dict[str, tuple[str, Message]]:
    """slug → (``folder/NN-slug.eml``, the parsed message) for every committed demo message."""
    found: dict[str, tuple[str, Message]] = {}
    for folder in ("inbox", "sent"):
        for path in sorted((demo / folder).glob("*.eml")):
            slug = path.stem.split("-", 1)[1]
            if slug in found:
                raise SystemExit(f"two demo messages named {slug!r}: {found[slug][0]} and {folder}/{path.name}")
            found[slug] = (f"{folder}/{path.name}", message_from_bytes(path.read_bytes(), policy=policy.compat32))
    return found


def summary_table(stories: list[dict[str, Any]]) -> str:
    rows = []
    for s in stories:
        if "due" in s:
            stage, attempt, since = s["row"]
            nudge = f"**{s['due'][0]}**"
        else:
            stage, nudge, attempt, since = s["row"]
        rows.append(f"| {s['letter']} | {s['company']} — {s['role']} | {stage} | {nudge} | {attempt} | {since} |\n")
    due = [s for s in stories if "due" in s]
    named = ", ".join(
        f"{s['letter']} {s['due'][0]}" + (f" #{s['due'][1]}" if s["due"][0] == "follow_up" else "") for s in due
    )
    return (
        TABLE_HEAD
        + "".join(rows)
        + f"\nSo at now exactly **{NUMBERS[len(due)]}** nudges are due: {named}.\n"
        + f"{NUMBERS[len(stories)].capitalize()} employer conversations exist "
        + f"({stories[0]['letter']}–{stories[-1]['letter']}); nothing in the noise list is a conversation.\n\n"
    )


def render(source: Path = DEMO / "stories.toml", demo: Path = DEMO) -> str:
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    messages = mail(demo)
    stories, noise = data["story"], data["noise"]
    described = {n["slug"] for n in noise}
    noisy = {slug for slug in messages if slug.startswith("noise-")}
    if described != noisy:
        raise SystemExit(f"noise messages and their descriptions differ: {sorted(described ^ noisy)}")
    noise_lines = []
    for n in sorted(noise, key=lambda n: messages[n["slug"]][0]):
        name, msg = messages[n["slug"]]
        when = re.sub(r"^\w{3}, ", "", str(msg["Date"]))  # "Tue, 10 Feb 2026 08:14:00 -0500"
        stamp = _stamp(when)
        noise_lines.append(f"- `{name}` — {stamp} — {n['description']}")
    inbox = sum(name.startswith("inbox/") for name, _ in messages.values())
    sent = len(messages) - inbox
    calendars = sum(
        1
        for _, msg in messages.values()
        for part in msg.walk()
        if part.get_content_type() in ("text/calendar", "application/ics")
    )
    counts = (
        f"- inbox: {inbox} messages\n- sent: {sent} messages\n- total: {inbox + sent} messages\n"
        f"- story messages: {inbox + sent - len(noise)}; noise messages: {len(noise)}\n"
        f"- calendar parts (text/calendar + application/ics): {calendars} — 12 calendar messages; each Google\n"
        "  Calendar message carries the same VCALENDAR twice (inline text/calendar + invite.ics)"
    )
    text = (
        data["preamble"]
        + data["summary"]
        + summary_table(stories)
        + "## The stories\n\n"
        + "".join(s["text"] for s in stories)
        + "\n"
        + data["noise_head"]
        + "\n".join(noise_lines)
        + data["noise_after"]
        + "## Counts\n\n"
        + counts
        + "\n"
    )
    told = set(re.findall(r"\[\[([a-z0-9-]+)\]\]", text))
    unknown = told - set(messages)
    if unknown:
        raise SystemExit(f"STORY names messages that are not in the demo: {sorted(unknown)}")
    untold = set(messages) - told - described
    if untold:
        raise SystemExit(f"demo messages no story tells: {sorted(untold)}")
    return re.sub(r"\[\[([a-z0-9-]+)\]\]", lambda m: f"`{messages[m.group(1)][0]}`", text)


def _stamp(date_header: str) -> str:
    """``10 Feb 2026 08:14:00 -0500`` → ``2026-02-10 08:14`` (the sender's wall clock, as the story tells it)."""
    day, month, year, clock = date_header.split()[:4]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"{year}-{months.index(month) + 1:02d}-{int(day):02d} {clock[:5]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEMO / "STORY.md")
    parser.add_argument("--check", action="store_true", help="compare with the committed STORY.md, write nothing")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if args.out.read_text(encoding="utf-8") != text:
            source = DEMO / "stories.toml"
            print(f"{args.out} is not what {source} renders: run scripts/build_story.py", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
