"""The CLI's JSON views of conversations and nudges (``status --json``, ``nudges --json``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from inboxwatch.core.policy import Ladder
from inboxwatch.core.track import Conversation
from inboxwatch.notify.payload import nudge_payload

if TYPE_CHECKING:
    from inboxwatch.runtime.pipeline import DueNudge


def nudge_json(d: DueNudge, delivered: bool) -> dict[str, object]:
    """``inboxwatch nudges --json``: the one nudge payload (``notify.payload``), and whether it went out."""
    return {**nudge_payload(d.nudge, d.suggestion, d.nudge.reason), "delivered": delivered}


def conversation_json(conv: Conversation, ladder: Ladder) -> dict[str, object]:
    n = ladder.next_nudge
    interview = ladder.interview
    return {
        "id": conv.id,
        "company": conv.company,
        "role": conv.role,
        "contact": str(conv.contact) if conv.contact else None,
        "stage": ladder.stage,
        "closed_reason": ladder.closed_reason,
        "interview_at": interview.start.isoformat() if interview else None,
        "last_inbound_at": conv.last_inbound_at.isoformat() if conv.last_inbound_at else None,
        "last_outbound_at": conv.last_outbound_at.isoformat() if conv.last_outbound_at else None,
        "follow_ups_sent": ladder.follow_ups_sent,
        "reply_by": conv.reply_by.isoformat() if conv.reply_by else None,
        "next_nudge": {"kind": str(n.kind), "attempt": n.attempt, "due_at": n.due_at.isoformat()} if n else None,
        "why": ladder.explanation,
        "messages": len(conv.message_keys),
        "control": conv.control.action if conv.control else None,
    }
