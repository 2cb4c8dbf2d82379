"""The link-key scheme, one owner: what ties a stored message to a conversation.

A stored message keeps its links as one space-separated string: ``i:`` message ids (its own and those it
answers), ``t:`` the backend's thread, ``u:`` invitation UIDs, ``a:`` addresses (the owner's too: who the
owner is may change, so that is decided when reading). Reading adds ``d:`` organisation keys for addresses.
``state.store`` writes them with :func:`link_keys`; ``track.joinable`` reads them with :func:`link_sets`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from inboxwatch.core.detect.senders import is_intermediary, is_noreply, organisation_domain
from inboxwatch.core.records import StoredMessage

__all__ = ["address_keys", "index_keys", "link_keys", "link_sets"]


def link_keys(record: StoredMessage) -> str:
    """Everything that could tie the message to a conversation, as stored."""
    m, c = record.message, record.classification
    keys = {f"i:{i}" for i in (m.message_id, m.in_reply_to, *m.references) if i}
    if m.thread_id:
        keys.add(f"t:{m.thread_id}")
    people = [m.sender, *m.reply_to, *m.to, *m.cc, *c.people, c.contact]
    for event in m.calendar:
        if event.uid:
            keys.add(f"u:{event.uid}")
        people.extend([event.organizer, *event.attendees])
    keys.update(f"a:{a.email}" for a in people if a is not None and a.email)
    return " ".join(sorted(k.replace(" ", "") for k in keys))


def address_keys(addresses: Iterable[str]) -> set[str]:
    """The ``a:`` keys of these addresses (the owner's, to leave out when reading)."""
    return {f"a:{a}" for a in addresses}


def link_sets(links: str | None, mine: set[str]) -> tuple[set[str], set[str]]:
    """(what a message can be found by, what it lends a conversation it joins): its links without the
    owner's addresses, plus ``d:`` organisations, lent only for addresses that name an employer."""
    keys = set((links or "").split()) - mine
    probe, offer = set(keys), set(keys)
    for key in keys:
        if key.startswith("a:"):
            organisation, lent = _organisation_key(key)
            probe.add(organisation)
            if lent:
                offer.add(organisation)
    return probe, offer


def index_keys(links: str | None) -> set[str]:
    """Every key a message may be found by, whoever the owner is (``link_sets``' probe, the owner's addresses
    and their organisations included): what the state file's link index holds for it."""
    keys = set((links or "").split())
    return keys | {_organisation_key(key)[0] for key in keys if key.startswith("a:")}


@functools.lru_cache(maxsize=4096)
def _organisation_key(address_key: str) -> tuple[str, bool]:
    """``d:`` key of an ``a:`` key's organisation, and whether the address counts for its employer."""
    email = address_key[2:]
    domain = email.rpartition("@")[2]
    return f"d:{organisation_domain(domain)}", not is_intermediary(domain) and not is_noreply(email)
