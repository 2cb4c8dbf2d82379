"""The ``drafts`` channel: the suggestion saved as a threaded draft reply in the user's own Drafts folder.

Only when ``[drafts] enabled = true``. The draft is never sent by inboxwatch; it waits for the user to
review it. It carries In-Reply-To/References so mail clients file it in the employer's thread.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email import headerregistry, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Protocol

from inboxwatch.config import AccountConfig, Config
from inboxwatch.errors import InboxwatchError, NotifyError
from inboxwatch.models import Identity
from inboxwatch.notify.base import Alert, Channel, Wiring

NUDGE_HEADER = "X-Inboxwatch-Nudge"


class DraftBox(Protocol):
    """What the channel needs of a mailbox (a ``Source`` has it): somewhere to save a draft, then let go."""

    def append_draft(self, raw: bytes) -> str: ...

    def close(self) -> None: ...


_ADDR_SPEC = re.compile(r"[^\s@,;:<>()\[\]\\\"]+@[^\s@,;:<>()\[\]\\\"]+")


def _header_address(name: str, email: str) -> tuple[headerregistry.Address | None, bool]:
    """One address as a header value, and whether it needs raw UTF-8 headers (RFC 6532).

    The domain goes out in IDNA (``bücher.example`` → ``xn--bcher-kva.example``) and the name as RFC 2047
    encoded words, so mail stays 7-bit where it can; only a non-ASCII local part (``josé@…``) has no 7-bit
    form, and then the whole address stays as the employer wrote it. Something that is not one address
    (``a@x, b@y`` smuggled in by a calendar) gives None.
    """
    if not _ADDR_SPEC.fullmatch(email):
        return None, False
    local, _, domain = email.rpartition("@")
    if local.isascii():  # 7-bit is possible: the domain as IDNA
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("idna").decode("ascii")
    utf8 = not (local.isascii() and domain.isascii())
    try:
        return headerregistry.Address(name, local, domain), utf8
    except (ValueError, IndexError, TypeError):
        return None, False


def draft_message(alert: Alert, identity: Identity, now: datetime) -> bytes:
    """The raw RFC 822 draft for ``alert``: from the user, to the contact, threaded under the last message."""
    s, n = alert.suggestion, alert.nudge
    sender = sorted(identity.addresses)[0] if identity.addresses else "me@localhost"
    me, utf8 = _header_address(identity.name, sender)
    recipients = [_header_address(a.name, a.email) for a in s.to]
    utf8 = utf8 or any(needs for _, needs in recipients)
    msg = EmailMessage(policy=policy.default.clone(utf8=True) if utf8 else policy.default)
    msg["From"] = me if me is not None else sender
    to = [address for address, _ in recipients if address is not None]
    if to:
        msg["To"] = to
    msg["Subject"] = s.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=(me.domain if me is not None else "") or "localhost")
    if s.in_reply_to:
        msg["In-Reply-To"] = f"<{s.in_reply_to}>"
        refs = [r for r in s.references if r != s.in_reply_to] + [s.in_reply_to]
        msg["References"] = " ".join(f"<{r}>" for r in refs)
    msg[NUDGE_HEADER] = f"{n.conversation_id}/{n.kind}/{n.attempt}"
    msg.set_content(s.body)
    return msg.as_bytes()


class DraftsChannel(Channel):
    name = "drafts"

    @classmethod
    def from_config(cls, config: Config, wiring: Wiring) -> DraftsChannel:
        return cls(config, wiring.open_mailbox)

    def __init__(
        self,
        config: Config,
        source_factory: Callable[[AccountConfig], DraftBox],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """``source_factory`` opens the account's mailbox (the runtime passes ``sources.registry.open_source``:
        an output channel does not reach into the input edge itself)."""
        self.identity = config.identity
        wanted = config.drafts.account
        self.account = next(
            (a for a in config.accounts if a.name == wanted), config.accounts[0] if config.accounts else None
        )
        self.source_factory = source_factory
        self.clock = clock

    def send(self, alert: Alert) -> None:
        if self.account is None:
            raise NotifyError("drafts are enabled but no account is configured to hold them")
        try:
            source = self.source_factory(self.account)
            try:
                source.append_draft(draft_message(alert, self.identity, self.clock()))
            finally:
                source.close()
        except InboxwatchError as e:
            raise NotifyError(f"draft in account {self.account.name!r} not saved: {e}") from e
