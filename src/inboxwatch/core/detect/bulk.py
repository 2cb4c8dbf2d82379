"""What counts as bulk mail (mailing lists, newsletters, marketing): the one owner of the rule.

The classifier cites it as evidence, the store uses it to decide which messages can take part in a
conversation, and the sources' prefilter uses its header-line form to skip bodies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from inboxwatch.core.records import StoredMessage
from inboxwatch.models import FolderRole, Label

LIST_HEADERS: Final = ("list-id", "list-unsubscribe")
BULK_PRECEDENCE: Final = frozenset({"bulk", "list"})
EVIDENCE: Final = "bulk mail (List-Unsubscribe/List-Id/Precedence)"


def is_bulk(headers: Mapping[str, str]) -> bool:
    """A parsed message's headers (lower-case names) mark it as list or bulk mail."""
    return any(h in headers for h in LIST_HEADERS) or headers.get("precedence", "").lower() in BULK_PRECEDENCE


# Before the body is fetched, a sender's mass-mailing service shows too: an ESP's Feedback-ID, Precedence: junk.
PREFILTER_HEADERS: Final = (*LIST_HEADERS, "feedback-id")
PREFILTER_PRECEDENCE: Final = BULK_PRECEDENCE | {"junk"}


def is_bulk_header_lines(fields: Mapping[str, str]) -> bool:
    """The prefilter's form, over raw header fields (lower-case names, unfolded values; empty ones do not
    count): a little broader than :func:`is_bulk`, since what it says is only "the body may be skipped"."""
    if any(fields.get(h) for h in PREFILTER_HEADERS):
        return True
    return fields.get("precedence", "").strip().lower() in PREFILTER_PRECEDENCE


def is_relevant(record: StoredMessage) -> bool:
    """Could this message take part in a conversation? Bulk mail without a job label cannot."""
    m, label = record.message, record.classification.label
    if record.forced or m.folder is FolderRole.SENT:
        return True
    if label is Label.JOB_ALERT:
        return False
    return not (label is Label.OTHER and is_bulk(m.headers))
