"""Nudge + conversation → a suggested reply, ready to send in ten seconds. Pure: templates are passed in.

Templates are ``string.Template`` texts (``$company``, ``${role_name}``), one per nudge kind, shipped in
``templates/`` and overridable from the user's ``templates_dir``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from inboxwatch.core.detect.senders import is_intermediary, is_noreply
from inboxwatch.core.track import Conversation
from inboxwatch.errors import TemplateError
from inboxwatch.models import Address, Identity, Nudge, NudgeKind, Suggestion

TEMPLATE_NAMES = ("thank_you", "follow_up_1", "follow_up_2", "move_on", "application_silence")
VARIABLES = frozenset(
    {"greeting", "company", "role_name", "interview_when", "timeline_note", "status_note", "my_name", "contact_name"}
)


@dataclass(frozen=True)
class Templates:
    texts: Mapping[str, str]
    origins: Mapping[str, str]  # template name → file it came from, for error messages

    @classmethod
    def load(cls, user_dir: Path | None = None) -> Templates:
        texts: dict[str, str] = {}
        origins: dict[str, str] = {}
        package = resources.files("inboxwatch.core") / "templates"
        for name in TEMPLATE_NAMES:
            user_file = user_dir / f"{name}.txt" if user_dir else None
            if user_file is not None and user_file.is_file():
                try:
                    texts[name] = user_file.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as e:
                    raise TemplateError(f"{user_file}: cannot read: {e}") from e
                origins[name] = str(user_file)
            else:
                texts[name] = (package / f"{name}.txt").read_text(encoding="utf-8")
                origins[name] = f"inboxwatch/core/templates/{name}.txt"
        templates = cls(texts, origins)
        templates.check()
        return templates

    def check(self) -> None:
        """Fail early, naming the file and line, for a placeholder that is malformed or unknown."""
        for name, text in self.texts.items():
            for lineno, line in enumerate(text.splitlines(), start=1):
                for m in string.Template.pattern.finditer(line):
                    if m.group("invalid") is not None:
                        raise TemplateError(
                            f"{self.origins[name]}, line {lineno}: malformed placeholder at column "
                            f"{m.start('invalid') + 1} (write $$ for a dollar sign)"
                        )
                    var = m.group("named") or m.group("braced")
                    if var and var not in VARIABLES:
                        raise TemplateError(
                            f"{self.origins[name]}, line {lineno}: unknown placeholder ${var}; "
                            f"known: {', '.join(sorted(VARIABLES))}"
                        )

    def render(self, name: str, values: Mapping[str, str]) -> str:
        return string.Template(self.texts[name]).substitute(values)


def template_for(nudge: Nudge) -> str:
    if nudge.kind is NudgeKind.FOLLOW_UP:
        return "follow_up_1" if nudge.attempt == 1 else "follow_up_2"
    return str(nudge.kind)


def reply_recipients(conv: Conversation) -> tuple[Address, ...]:
    """Who a follow-up goes to: the contact, never a no-reply address; else someone of the company."""
    if conv.contact and not is_noreply(conv.contact.email):
        return (conv.contact,)
    for person in conv.people.values():
        if not is_noreply(person.email) and not is_intermediary(person.domain):
            return (person,)
    return ()


def _first_name(addr: Address | None) -> str:
    if addr is None or not addr.name:
        return ""
    name = addr.name
    if "," in name:  # "Whitfield, Dana"
        name = name.split(",", 1)[1]
    first = name.strip().split()[0] if name.strip() else ""
    return first if first.isalpha() and not is_noreply(addr.email) else ""


def _reply_subject(subject: str, company: str, role: str | None) -> str:
    base = re.sub(r"^\s*((re|fwd?|aw|wg|tr)\s*:\s*)+", "", subject, flags=re.I).strip()
    if not base:
        base = f"{role} at {company}" if role else f"My application at {company}"
    return f"Re: {base}"


def _day(when: datetime | date) -> str:
    return f"{when:%A}, {when:%B} {when.day}"


def compose(
    nudge: Nudge,
    conv: Conversation,
    identity: Identity,
    templates: Templates,
    *,
    now: datetime,
    other_offers: Iterable[Conversation] = (),
) -> Suggestion:
    """The suggested message for ``nudge``, with tips on what else to do."""
    to = reply_recipients(conv)
    contact = to[0] if to else None
    first = _first_name(contact)
    interview = conv.active_interviews[-1] if conv.active_interviews else None
    tips: list[str] = []
    timeline_note = ""
    if conv.reply_by and conv.reply_by < now.date():
        timeline_note = f" (you mentioned hoping to have news by {_day(conv.reply_by)})"
    status_note = ""
    offers = [c for c in other_offers if c.id != conv.id]
    if offers and nudge.kind is NudgeKind.FOLLOW_UP:
        status_note = (
            "\nFor transparency, I have received another offer and will need to respond to it soon, so an "
            "update on your timeline would help me plan.\n"
        )
        tips.append(
            f"You have an offer pending ({', '.join(c.company for c in offers)}): mentioning it "
            "honestly creates urgency."
        )
    values = {
        "greeting": f"Hi {first}," if first else f"Hello {conv.company} team,",
        "company": conv.company,
        "role_name": f"{conv.role} role" if conv.role else "role",
        "interview_when": f"on {_day(interview.start)}" if interview else "recently",
        "timeline_note": timeline_note,
        "status_note": status_note,
        "my_name": identity.name or "",
        "contact_name": first,
    }
    try:
        body = templates.render(template_for(nudge), values)
    except (KeyError, ValueError) as e:
        raise TemplateError(f"{templates.origins[template_for(nudge)]}: {e}") from e
    if not to:
        tips.append(
            "No reply address is known for this conversation (only no-reply senders): find the "
            "recruiter's address in the job posting or on LinkedIn."
        )
    if (nudge.kind is NudgeKind.FOLLOW_UP and nudge.attempt >= 2) or nudge.kind is NudgeKind.MOVE_ON:
        others = [
            p
            for p in conv.people.values()
            if (contact is None or p.email != contact.email)
            and not is_noreply(p.email)
            and not is_intermediary(p.domain)
        ]
        if others:
            names = ", ".join(str(p) for p in others[:4])
            tips.append(
                f"If {first or 'your contact'} stays silent, reach out to someone else at {conv.company}: {names}."
            )
        else:
            tips.append(
                f"If your contact stays silent, reach out to someone else at {conv.company} "
                "(the recruiter, the hiring manager, or a connection on LinkedIn)."
            )
    if nudge.kind is NudgeKind.MOVE_ON:
        tips.append("After this note the conversation is closed as ghosted; `inboxwatch reopen` brings it back.")
    references = tuple(conv.references)
    return Suggestion(
        to=to,
        subject=_reply_subject(conv.subject, conv.company, conv.role),
        body=body.strip() + "\n",
        in_reply_to=conv.last_message_id,
        references=references,
        tips=tuple(tips),
    )
