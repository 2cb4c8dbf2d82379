"""The one first-pass header list: both sources ask for it, and it holds what the bulk rule reads."""

from __future__ import annotations

from inboxwatch.core.detect.bulk import LIST_HEADERS
from inboxwatch.core.parse import KEPT_HEADERS
from inboxwatch.sources.gmail_sync import METADATA_HEADERS
from inboxwatch.sources.headers import IMAP_HEADER_FIELDS, PARSED_HEADERS, PREFILTER_HEADERS
from inboxwatch.sources.prefilter import HEADER_FIELDS


def test_imap_and_gmail_ask_for_the_same_headers() -> None:
    assert METADATA_HEADERS is PREFILTER_HEADERS
    assert HEADER_FIELDS is IMAP_HEADER_FIELDS
    # IMAP asks for the rest of what the parser keeps too: a message read in parts is parsed from them.
    assert [h.upper() for h in (*METADATA_HEADERS, *PARSED_HEADERS)] == list(HEADER_FIELDS)
    assert {h.lower() for h in HEADER_FIELDS} >= set(KEPT_HEADERS)


def test_the_first_pass_holds_what_the_bulk_rule_and_threading_read() -> None:
    fetched = {h.lower() for h in PREFILTER_HEADERS}
    assert {*LIST_HEADERS, "precedence", "auto-submitted", "message-id", "in-reply-to", "references"} <= fetched
