"""The one list of header fields a source reads before it decides to read a message's body.

Enough for the prefilter (``sources.prefilter``) and for classifying a message from its headers alone. IMAP asks
for them by name in upper case (``BODY.PEEK[HEADER.FIELDS (FROM TO …)]``); the Gmail API as ``metadataHeaders``,
spelled as Gmail shows them. IMAP asks for the rest of the headers the parser keeps too (``PARSED_HEADERS``): a
message read in parts is parsed from them. Which the parser keeps for the classifier is ``core.parse.KEPT_HEADERS``.
"""

from __future__ import annotations

from typing import Final

from inboxwatch.core.parse import KEPT_HEADERS

PREFILTER_HEADERS: Final = (
    "From",
    "To",
    "Cc",
    "Reply-To",
    "Sender",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "List-Id",
    "List-Unsubscribe",
    "Precedence",
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "Feedback-ID",
    "Content-Type",
)

# And the rest the parser keeps: a message read in parts (IMAP) is parsed from these header lines.
PARSED_HEADERS: Final = tuple(
    name for name in KEPT_HEADERS if name not in {h.lower() for h in PREFILTER_HEADERS}
)

IMAP_HEADER_FIELDS: Final = tuple(name.upper() for name in (*PREFILTER_HEADERS, *PARSED_HEADERS))
