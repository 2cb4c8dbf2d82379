"""The one JSON shape of a nudge.

The same object is what the ``command`` channel writes to its program's stdin, what ``inboxwatch nudges --json``
prints (with ``delivered`` added) and what the state file keeps with each nudge it saw due::

    {"conversation_id": "zcynam", "company": "Copperline Robotics", "role": "Backend Engineer",
     "kind": "follow_up", "attempt": 2, "due_at": "2026-03-04T12:48:00+00:00",
     "reason": "1 week since your follow-up on Wed 25 Feb; 2nd attempt",
     "title": "Copperline Robotics: follow up again (#2)",
     "suggestion": {"to": ["Sam Okafor <sam.okafor@copperline-robotics.example>"], "subject": "Re: …",
                    "body": "Hi Sam, …", "in_reply_to": "thanks-1@example.net", "references": [], "tips": ["…"]}}

``reason`` says why the nudge is due. The command channel also sends it as ``why``, the key its payload had
before the two shapes were made one: programs written against that keep working (README, "Alerts").
"""

from __future__ import annotations

from typing import Any

from inboxwatch.models import Nudge, NudgeKind, Suggestion

STEP_TITLES = {
    NudgeKind.THANK_YOU: "send a thank-you note",
    NudgeKind.FOLLOW_UP: "time to follow up",
    NudgeKind.MOVE_ON: "time to move on",
    NudgeKind.APPLICATION_SILENCE: "no answer to your application",
}


def nudge_title(nudge: Nudge) -> str:
    """``Company: next step`` — a notification's summary, an email's subject."""
    step = STEP_TITLES[nudge.kind]
    if nudge.kind is NudgeKind.FOLLOW_UP and nudge.attempt > 1:
        step = f"follow up again (#{nudge.attempt})"
    return f"{nudge.company}: {step}"


def nudge_payload(nudge: Nudge, suggestion: Suggestion, reason: str) -> dict[str, Any]:
    """The nudge and its suggested message as plain JSON values (see the module's docstring)."""
    return {
        "conversation_id": nudge.conversation_id,
        "company": nudge.company,
        "role": nudge.role,
        "kind": str(nudge.kind),
        "attempt": nudge.attempt,
        "due_at": nudge.due_at.isoformat(),
        "reason": reason,
        "title": nudge_title(nudge),
        "suggestion": {
            "to": [str(a) for a in suggestion.to],
            "subject": suggestion.subject,
            "body": suggestion.body,
            "in_reply_to": suggestion.in_reply_to,
            "references": list(suggestion.references),
            "tips": list(suggestion.tips),
        },
    }


def command_payload(nudge: Nudge, suggestion: Suggestion, reason: str) -> dict[str, Any]:
    """What the ``command`` channel's program reads: the payload, with ``why`` kept as an alias of ``reason``."""
    return {**nudge_payload(nudge, suggestion, reason), "why": reason}
