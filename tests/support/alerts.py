"""Alerts as the channels receive them: a follow-up nudge with its suggestion, made to measure."""

from __future__ import annotations

from datetime import UTC, datetime

from inboxwatch.models import Address, Nudge, NudgeKind, Suggestion
from inboxwatch.notify.base import Alert

DUE = datetime(2026, 3, 4, 12, 48, tzinfo=UTC)

FOLLOW_UP_BODY = """Hi Sam,

I'm following up once more on the Backend Engineer role at Copperline Robotics, after our conversation on \
Tuesday, February 17. I understand these processes take time. Could you let me know either way where things \
stand? If the role has moved in another direction, I would be grateful for any feedback you can share.

Thank you for your time and consideration.

Best regards,
Alex Morgan
"""


def make_alert(
    company: str = "Copperline Robotics",
    *,
    kind: NudgeKind = NudgeKind.FOLLOW_UP,
    attempt: int = 2,
    conversation_id: str = "zcynam",
    to: tuple[Address, ...] = (Address("Sam Okafor", "sam.okafor@copperline-robotics.example"),),
    body: str = FOLLOW_UP_BODY,
) -> Alert:
    nudge = Nudge(
        conversation_id=conversation_id,
        company=company,
        role="Backend Engineer",
        kind=kind,
        attempt=attempt,
        due_at=DUE,
        reason="1 week since your follow-up on Wed 25 Feb",
    )
    suggestion = Suggestion(
        to=to,
        subject="Re: Thank you - Backend Engineer interview",
        body=body,
        in_reply_to="<thanks-1@example.net>",
        tips=(
            "You have an offer pending (Tidewater Games): mentioning it honestly creates urgency.",
            "If Sam stays silent, reach out to someone else at Copperline Robotics: Helen Brooks.",
        ),
    )
    return Alert(nudge, suggestion, to[0] if to else None, "1 week since your follow-up on Wed 25 Feb; 2nd attempt")
