"""What the commands print: text for a person (colour and tables only on a terminal) and JSON for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo

from rich import box
from rich.table import Table

from inboxwatch.cli.app import Ui
from inboxwatch.cli.text import plain, safe
from inboxwatch.core.detect.corrections import Correction, message_ref
from inboxwatch.core.records import StoredMessage
from inboxwatch.models import Classification, FolderRole
from inboxwatch.runtime.doctor import Check
from inboxwatch.runtime.pipeline import Overview


def when(value: datetime | None, tz: tzinfo | None = None) -> str:
    if value is None:
        return "—"
    return f"{value.astimezone(tz):%a %d %b %H:%M}"


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def print_json_line(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def rule(ui: Ui, title: str) -> None:
    if ui.plain:
        ui.out.print(f"-- {title} --")
    else:
        ui.out.rule(title)


def render_status(ui: Ui, view: Overview) -> None:
    out = ui.out
    if not view.conversations:
        out.print("No employer conversations tracked yet. Run [bold]inboxwatch scan --once[/bold] first.")
        return
    table = Table(
        title=f"Employer conversations at {when(view.now, ui.display_tz)}",
        box=None if ui.plain else box.HEAVY_HEAD,
        pad_edge=not ui.plain,
        title_justify="left" if ui.plain else "center",
    )
    for column in ("id", "company", "role", "stage", "interview", "follow-ups", "next nudge"):
        table.add_column(column, overflow="fold")
    for conv in view.conversations:
        ladder = view.ladders[conv.id]
        n = ladder.next_nudge
        nxt = "—"
        if n is not None:
            due = "due now" if n.due_at <= view.now else f"due {when(n.due_at, ui.display_tz)}"
            nxt = f"{n.kind}{f' #{n.attempt}' if n.kind == 'follow_up' else ''} ({due})"
        table.add_row(
            conv.id,
            safe(conv.company),
            safe(conv.role or "—"),
            ladder.stage.replace("_", " "),
            when(ladder.interview.start if ladder.interview else None, ui.display_tz),
            str(ladder.follow_ups_sent),
            nxt,
        )
    out.print(table)
    out.print("[bold]Why[/bold]")
    for conv in view.conversations:
        out.print(f"  [dim]{conv.id}[/dim] {safe(conv.company)}: {safe(view.ladders[conv.id].explanation)}")


def render_nudges(ui: Ui, view: Overview) -> None:
    out = ui.out
    if not view.due:
        out.print(f"No follow-ups due at {when(view.now, ui.display_tz)}.")
        return
    for item in view.due:
        n, s = item.nudge, item.suggestion
        step = f"{n.kind}" + (f" #{n.attempt}" if n.kind == "follow_up" else "")
        rule(ui, f"[bold]{safe(n.company)}[/bold] — {step} [dim](conversation {n.conversation_id})[/dim]")
        out.print(f"[dim]due {when(n.due_at, ui.display_tz)}: {safe(n.reason)}[/dim]")
        out.print(plain(f"To: {', '.join(str(a) for a in s.to) or '(no address known)'}"), markup=False)
        out.print(plain(f"Subject: {s.subject}") + "\n", markup=False)
        out.print(plain(s.body), markup=False)
        for tip in s.tips:
            out.print(f"[yellow]tip:[/yellow] {safe(tip)}")
        out.print()


def render_messages(
    ui: Ui, company: str, conversation_id: str, records: Sequence[StoredMessage], corrected: Mapping[str, Correction]
) -> None:
    """A conversation's messages, oldest first, with the references ``inboxwatch relabel`` takes."""
    out = ui.out
    out.print(f"[bold]{safe(company)}[/bold] [dim]({conversation_id})[/dim]: {len(records)} message(s)")
    for r in records:
        m, c = r.message, r.classification
        arrow = "→" if m.folder is FolderRole.SENT else "←"
        who = (m.to[0].email if m.to else "?") if m.folder is FolderRole.SENT else (m.sender.email if m.sender else "?")
        mark = " [yellow](your label)[/yellow]" if m.key in corrected else ""
        out.print(
            f"  {message_ref(m.key)}  {when(m.date, ui.display_tz)}  {arrow} {safe(who)}  {c.label}{mark}"
        )
        out.print(f"      {safe(m.subject[:100])}")
    out.print("[dim]Correct one: inboxwatch relabel m-… LABEL (see inboxwatch relabel --help)[/dim]")


def render_followers(ui: Ui, followers: Sequence[StoredMessage]) -> None:
    """The stored messages that followed a correction at once."""
    if not followers:
        return
    ui.out.print(f"{len(followers)} stored message(s) like it follow it now:")
    for r in followers:
        m = r.message
        ui.out.print(
            f"  {message_ref(m.key)}  {when(m.date, ui.display_tz)}  {safe(m.sender.email if m.sender else '?')}"
            f"  now {r.classification.label}"
        )


def message_json(r: StoredMessage, correction: Correction | None) -> dict[str, object]:
    m = r.message
    return {
        "message": message_ref(m.key),
        "date": m.date.isoformat() if m.date else None,
        "folder": str(m.folder),
        "from": str(m.sender) if m.sender else None,
        "subject": m.subject,
        "label": str(r.classification.label),
        "corrected": correction is not None,
    }


def render_classification(ui: Ui, name: str, c: Classification, ref: str | None = None) -> None:
    out = ui.out
    out.print(f"[bold]{safe(name)}[/bold]: {c.label} (confidence {c.confidence:.2f})")
    if ref:
        out.print(plain(f"  message: {ref}"), markup=False)
    for key in ("company", "role", "contact", "interview_at", "interview_end", "reply_by"):
        value = getattr(c, key)
        if value:
            out.print(plain(f"  {key}: {value}"), markup=False)
    for line in c.evidence:
        out.print(plain(f"  · {line}"), markup=False)
    likely = [(lab, p) for lab, p in sorted(c.scores.items(), key=lambda kv: -kv[1]) if p >= 0.01]
    if likely:
        out.print(plain("  scores: " + ", ".join(f"{lab} {p:.2f}" for lab, p in likely)), markup=False)


def classification_json(name: str, c: Classification, ref: str | None = None) -> dict[str, object]:
    return {
        "file": name,
        "message": ref,
        "label": str(c.label),
        "confidence": c.confidence,
        "company": c.company,
        "role": c.role,
        "contact": str(c.contact) if c.contact else None,
        "interview_at": c.interview_at.isoformat() if c.interview_at else None,
        "interview_end": c.interview_end.isoformat() if c.interview_end else None,
        "location": c.location,
        "reply_by": c.reply_by.isoformat() if c.reply_by else None,
        "evidence": list(c.evidence),
        "scores": dict(sorted(c.scores.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def render_checks(ui: Ui, checks: Sequence[Check]) -> None:
    for check in checks:
        mark = "[green]ok[/green]  " if check.ok else "[red]FAIL[/red]"
        ui.out.print(f"{mark} {safe(check.name)}: {safe(check.detail)}")
        if check.fix:
            ui.out.print(f"       fix: {safe(check.fix)}")


def checks_json(checks: Sequence[Check]) -> list[dict[str, object]]:
    return [{"check": c.name, "ok": c.ok, "detail": c.detail, "fix": c.fix or None} for c in checks]
