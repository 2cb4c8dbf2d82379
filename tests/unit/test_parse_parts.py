"""A message rebuilt from its parts, some read only in part, reads as the whole message does."""

from __future__ import annotations

import base64
import quopri
from collections.abc import Callable

import pytest

from inboxwatch.core.parse import FetchedPart, parse_message, parse_parts, parts_text

HEADER = (
    b"From: Dana <dana@acme.example>\r\nTo: Alex <alex@example.net>\r\nSubject: Hello\r\n"
    b"Date: Mon, 16 Mar 2026 09:00:00 +0000\r\nMessage-ID: <m-1@acme.example>\r\n"
)
TEXT = "".join(f"Línea {n}: café, naïve — “quoted” 日本語 text to fill the part.\n" for n in range(400))
TYPE = b'Content-Type: text/plain; charset="utf-8"\r\n'
ENCODE: dict[str, Callable[[bytes], bytes]] = {
    "8bit": lambda data: data,
    "quoted-printable": quopri.encodestring,
    "base64": base64.encodebytes,
}


def whole(encoding: str, text: str = TEXT) -> bytes:
    body = ENCODE[encoding](text.replace("\n", "\r\n").encode("utf-8"))
    return HEADER + TYPE + f"Content-Transfer-Encoding: {encoding}\r\n\r\n".encode() + body


@pytest.mark.parametrize("encoding", sorted(ENCODE))
@pytest.mark.parametrize("cut", [1, 77, 1000, 4001, 9999])
def test_a_part_read_in_part_gives_the_start_of_the_whole_text(encoding: str, cut: int) -> None:
    raw = whole(encoding)
    body = raw.split(b"\r\n\r\n", 1)[1]
    part = FetchedPart("text/plain", "utf-8", encoding, body[:cut], complete=False)
    full = parse_message(raw)
    rebuilt = parse_parts(HEADER, [part])
    assert full.text.startswith(rebuilt.text)
    assert len(rebuilt.text) > cut * 0.3 - 200  # what was read is used, up to its last whole line
    assert rebuilt.text == "" or rebuilt.text.endswith("\n")
    assert not [d for d in rebuilt.defects if "charset" in d or "encoding" in d]


@pytest.mark.parametrize("encoding", sorted(ENCODE))
def test_a_part_read_whole_gives_the_whole_message(encoding: str) -> None:
    raw = whole(encoding)
    body = raw.split(b"\r\n\r\n", 1)[1]
    assert parse_parts(HEADER + TYPE, [FetchedPart("text/plain", "utf-8", encoding, body)]) == parse_message(raw)


def test_text_parts_after_one_read_in_part_are_left_out_and_html_only_without_text() -> None:
    first = FetchedPart("text/plain", "utf-8", "7bit", b"one\r\ntwo\r\nthr", complete=False)
    second = FetchedPart("text/plain", "utf-8", "7bit", b"later text")
    html = FetchedPart("text/html", "utf-8", "7bit", b"<p>markup</p>")
    assert parts_text([first, second, html], []) == ("one\r\ntwo\r\n", False)
    blank = FetchedPart("text/plain", "utf-8", "7bit", b"  \r\n")
    assert parts_text([blank, html], []) == ("markup", True)
    cut_html = FetchedPart("text/html", "utf-8", "7bit", b"<p>first line</p><p>second li", complete=False)
    assert parts_text([blank, cut_html], []) == ("first line", False)


def test_without_a_message_id_the_key_is_the_hash_of_the_same_text() -> None:
    header = HEADER.replace(b"Message-ID: <m-1@acme.example>\r\n", b"")
    raw = whole("8bit").replace(b"Message-ID: <m-1@acme.example>\r\n", b"")
    body = raw.split(b"\r\n\r\n", 1)[1]
    rebuilt = parse_parts(header, [FetchedPart("text/plain", "utf-8", "8bit", body[:6000], complete=False)])
    assert rebuilt.key == parse_message(raw).key


def test_html_cut_inside_a_tag_or_a_comment_that_spans_lines_gives_the_start_of_the_text() -> None:
    from inboxwatch.core.parse import html_to_text

    para = "<p>" + "the garden party was lovely and the weather held up all afternoon. " * 3 + "</p>\r\n"
    tag = '<a\r\n href="https://example.com/a/long/link"\r\n style="color:#333;\r\n font-size:14px">link</a>\r\n'
    comment = "<!--[if mso]>\r\n<table><tr><td>\r\n<![endif]-->\r\n"
    markup = ("<html><body>" + (para + tag + comment) * 30 + "</body></html>").encode()
    full = html_to_text(markup.decode())
    for cut in range(1500, len(markup), 23):
        text, whole = parts_text([FetchedPart("text/html", "utf-8", "7bit", markup[:cut], complete=False)], [])
        assert full.startswith(text) and not whole, cut


def test_a_long_letter_with_no_sign_of_a_job_reads_as_its_first_look_read_in_part() -> None:
    """What the classifier reads of mail whose top shows no sign of a job (its first ``BODY_WINDOW`` characters,
    CRs included) is what a source fetches of it first: a date further down is not read in either."""
    from inboxwatch.core.detect import classify
    from inboxwatch.core.detect.classifier import BODY_WINDOW
    from inboxwatch.models import Identity, Label

    owner = Identity(name="Alex Morgan", addresses=frozenset({"alex@example.net"}))
    filler = "We are a small team building tools for gardeners and we care a lot about craft.\n" * 60
    letter = (
        "Hi Alex, would you be available for a call next week? Please let me know a few times that work for you and"
        " I will send an invite.\n" + filler
        + "Would Tuesday, March 17 at 3pm work? Please reply by March 19.\nDana Smith\nHead of Engineering, Acme Corp\n"
    )
    raw = whole("8bit", letter)
    body = raw.split(b"\r\n\r\n", 1)[1]
    assert len(letter.replace("\n", "\r\n")) > BODY_WINDOW + 200
    read = FetchedPart("text/plain", "utf-8", "8bit", body[: BODY_WINDOW + 160], complete=False)
    from_parts = classify(parse_parts(HEADER + TYPE, [read]), owner)
    from_whole = classify(parse_message(raw), owner)
    assert from_whole.label == Label.INTERVIEW_REQUEST  # job mail, though its top has no job words
    assert (from_parts.label, from_parts.interview_at, from_parts.company, from_parts.reply_by) == (
        from_whole.label,
        from_whole.interview_at,
        from_whole.company,
        from_whole.reply_by,
    )


@pytest.mark.parametrize(
    ("header", "window"),
    [
        (b"", 4000),
        (b"Reply-To: Acme Recruiting <no-reply@jobs.lever.co>\r\n", 8000),
        (b"In-Reply-To: <earlier@example.net>\r\n", 8000),
    ],
)
def test_the_classifier_reads_further_where_a_source_fetches_further(header: bytes, window: int) -> None:
    """An applicant-tracking sender or a reply known only by its headers is read to ``DATES_WINDOW``, as a source
    fetches it (the headers the parser keeps for the rules do not say so)."""
    from inboxwatch.core.detect.classifier import reading_window

    letter = "We are a small team building tools for gardeners and we care a lot about craft.\n" * 80
    assert reading_window(parse_message(HEADER + header + TYPE + b"\r\n" + letter.encode())) == window
    from_ats = HEADER.replace(b"dana@acme.example", b"no-reply@greenhouse.io")
    assert reading_window(parse_message(from_ats + TYPE + b"\r\n" + letter.encode())) == 8000


@pytest.mark.parametrize("encoding", ["7bit", "8bit", "binary", "quoted-printable", "base64", "x-unknown", ""])
@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "iso-8859-1", "gb2312", "no-such", "", None])
@pytest.mark.parametrize("cut", [None, 1, 63, 1000, 5000])
def test_a_part_is_decoded_as_email_decodes_it(encoding: str, charset: str | None, cut: int | None) -> None:
    from inboxwatch.core.parse import _decoded_text, _part_message, _part_text, _plain_payload

    text = TEXT + "ends without a line break é"
    raw = text.replace("\n", "\r\n").encode("utf-8")
    data = ENCODE[encoding](raw) if encoding in ENCODE else raw
    data += b"\r\n=ZZ bad escape and \xff\xfe" if encoding == "quoted-printable" else b""
    part = FetchedPart("text/plain", charset, encoding, data[:cut] if cut else data, complete=cut is None)
    assert _plain_payload(part) is not None
    defects: list[str] = []
    via_email: list[str] = []
    expected = _decoded_text(_part_message(part), via_email, final=part.complete)
    expected = expected if part.complete else expected[: expected.rfind("\n") + 1]
    assert _part_text(part, defects) == expected
    assert defects == via_email
