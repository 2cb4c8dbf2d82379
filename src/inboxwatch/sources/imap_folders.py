"""Which IMAP folder plays which role: config overrides, then SPECIAL-USE flags, then well-known names.

Pure: takes the LIST answer (``(flags, delimiter, name)`` triples, as imapclient returns them) and gives
a role → folder name mapping. The inbox is always ``INBOX`` unless overridden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from inboxwatch.models import FolderRole

SPECIAL_USE_FLAGS: Final = {
    b"\\SENT": FolderRole.SENT,
    b"\\DRAFTS": FolderRole.DRAFTS,
    b"\\ALL": FolderRole.ALL,
}

# Tried in order when no folder carries the flag (servers without SPECIAL-USE, old Gmail answers).
WELL_KNOWN_NAMES: Final = {
    FolderRole.SENT: (
        "[Gmail]/Sent Mail",
        "[Google Mail]/Sent Mail",
        "Sent",
        "Sent Items",
        "Sent Messages",
        "Sent Mail",
        "INBOX.Sent",
        "INBOX/Sent",
        "INBOX.Sent Items",
        "INBOX.Sent Messages",
    ),
    FolderRole.DRAFTS: ("[Gmail]/Drafts", "[Google Mail]/Drafts", "Drafts", "INBOX.Drafts", "INBOX/Drafts"),
    FolderRole.ALL: ("[Gmail]/All Mail", "[Google Mail]/All Mail", "All Mail", "Archive"),
}

Listing = Iterable[tuple[Iterable[bytes], object, str]]


def resolve_folders(listing: Listing, overrides: Mapping[FolderRole, str | None]) -> dict[FolderRole, str]:
    """Map each role to a folder name. Roles with no folder found are left out (the inbox never is)."""
    found: dict[FolderRole, str] = {}
    names: dict[str, str] = {}  # case-folded name → name as listed
    for flags, _delimiter, name in listing:
        names.setdefault(name.casefold(), name)
        if b"\\NOSELECT" in {f.upper() for f in flags}:
            continue
        for flag in flags:
            role = SPECIAL_USE_FLAGS.get(flag.upper())
            if role is not None:
                found.setdefault(role, name)
    for role, candidates in WELL_KNOWN_NAMES.items():
        if role in found:
            continue
        for candidate in candidates:
            if candidate.casefold() in names:
                found[role] = names[candidate.casefold()]
                break
    found[FolderRole.INBOX] = "INBOX"
    for role, override in overrides.items():
        if override:
            found[role] = override
    return found


def needs_listing(overrides: Mapping[FolderRole, str | None], wanted: Iterable[FolderRole]) -> bool:
    """True unless every wanted role other than the inbox is set in the config."""
    return any(role is not FolderRole.INBOX and not overrides.get(role) for role in wanted)
