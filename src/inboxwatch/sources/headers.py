"""The one list of header fields a source reads before it decides to read a message's body.

Enough for the prefilter (``sources.prefilter``) and for classifying a message from its headers alone. IMAP asks
for them by name in upper case (``BODY.PEEK[HEADER.FIELDS (FROM TO …)]``); the Gmail API as ``metadataHeaders``,
spelled as Gmail shows them. Which of them the parser keeps for the classifier is ``core.parse.KEPT_HEADERS``.
"""

from __future__ import annotations

from typing import Final

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

IMAP_HEADER_FIELDS: Final = tuple(name.upper() for name in PREFILTER_HEADERS)
