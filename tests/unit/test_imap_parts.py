"""Which parts of a BODYSTRUCTURE are read: those the parser reads of the whole message, in its order."""

from __future__ import annotations

from typing import Any

from inboxwatch.sources.imap_parts import Leaf, plan


def text(
    subtype: bytes, *, charset: bytes = b"utf-8", disposition: Any = None, name: bytes | None = None
) -> tuple[Any, ...]:
    params = (b"charset", charset, *((b"name", name) if name else ()))
    return (b"text", subtype, params, None, None, b"quoted-printable", 1200, 30, None, disposition, None, None)


def attachment(kind: bytes, subtype: bytes, filename: bytes, key: bytes = b"filename") -> tuple[Any, ...]:
    return (kind, subtype, None, None, None, b"base64", 40_000, None, (b"attachment", (key, filename)), None, None)


def sections(leaves: list[Leaf] | None) -> list[tuple[str, str]] | None:
    return None if leaves is None else [(leaf.section, leaf.content_type) for leaf in leaves]


def test_a_single_part_is_part_1() -> None:
    assert sections(plan(text(b"plain"))) == [("1", "text/plain")]


def test_text_and_html_alternatives_and_invitations_in_order_attachments_left_out() -> None:
    alternative = ([text(b"plain"), text(b"html")], b"alternative", (b"boundary", b"a"), None, None, None)
    invite = (b"application", b"octet-stream", None, None, None, b"base64", 900, None,
              (b"attachment", (b"filename", b"invite.ics")), None, None)
    mixed = ([alternative, attachment(b"application", b"pdf", b"cv.pdf"), invite], b"mixed", None, None, None, None)
    assert sections(plan(mixed)) == [("1.1", "text/plain"), ("1.2", "text/html"), ("3", "application/ics")]


def test_named_text_parts_are_attachments_to_the_parser_too() -> None:
    named = ([text(b"plain"), text(b"plain", name=b"notes.txt"),
              text(b"plain", disposition=(b"inline", (b"filename*", b"utf-8''n%C3%B6tes.txt")))],
             b"mixed", None, None, None, None)
    assert sections(plan(named)) == [("1", "text/plain")]


def test_structures_the_parts_cannot_mirror_are_read_whole() -> None:
    forwarded = (b"message", b"rfc822", None, None, None, b"7bit", 5000, None, text(b"plain"), 80)
    assert plan(([text(b"plain"), forwarded], b"mixed", None, None, None, None)) is None
    assert plan(([text(b"plain")], b"digest", None, None, None, None)) is None
    assert plan(text(b"plain", charset=b'utf-8"; evil="1')) is None
    uuencoded = (b"text", b"plain", None, None, None, b"x-uuencode", 100, 3, None, None, None, None)
    assert plan(uuencoded) is None
    deep: Any = text(b"plain")
    for _ in range(6):
        deep = ([deep], b"mixed", None, None, None, None)
    assert plan(deep) is None
    assert plan(None) is None


def test_an_empty_name_names_nothing_as_for_the_parser() -> None:
    """``get_filename`` gives "" for ``name=""`` and the parser keeps the part as text: so is it read."""
    empty = text(b"plain", disposition=(b"inline", (b"filename", b" ")))
    params = (b"charset", b"utf-8", b"name", b"")
    unnamed = (b"text", b"plain", params, None, None, b"7bit", 300, 5, None, None, None, None)
    assert sections(plan(([empty, unnamed], b"mixed", None, None, None, None))) == [
        ("1", "text/plain"),
        ("2", "text/plain"),
    ]
