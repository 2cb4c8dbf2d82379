"""The data flow, wired: sources → parse → classify → store → track → policy → compose → notify.

``scan`` brings new mail into the store; ``overview`` computes conversations and due nudges from the
store at ``now``; ``deliver`` hands due nudges to the channels, exactly once per channel. When a nudge may go
out is ``runtime.schedule`` (quiet hours, retries); how the CLI shows it, ``runtime.views`` and ``runtime.digest``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from inboxwatch.config import AccountConfig, Config
from inboxwatch.core.compose import Templates, compose
from inboxwatch.core.policy import Ladder, due_nudges, evaluate_all
from inboxwatch.core.records import Control, StoredMessage
from inboxwatch.core.track import Conversation, build_conversations
from inboxwatch.errors import (
    AuthError,
    InboxwatchError,
    NotifyError,
    ScanCancelledError,
    SourceError,
    StoreError,
    TransientSourceError,
)
from inboxwatch.models import FolderRole, Nudge, Suggestion
from inboxwatch.notify.base import Alert, Channel
from inboxwatch.runtime.schedule import delivery_backoff, in_quiet_hours
from inboxwatch.runtime.views import nudge_json
from inboxwatch.sources.base import Batch, Source
from inboxwatch.sources.registry import open_source
from inboxwatch.state import meta
from inboxwatch.state.codec import CACHE_VERSION, conversations_from_json, conversations_to_json
from inboxwatch.state.store import Store
from inboxwatch.state.web_token import conversation_url

if TYPE_CHECKING:
    from inboxwatch.runtime.analyse import Analyser, Outcome

log = logging.getLogger(__name__)

INITIALISED_KEY = meta.INITIALISED_AT
AHEAD_BATCHES = 8  # batches read and handed to the analysis before the first of them is stored, at most
AHEAD_BYTES = 8 << 20  # and bytes of their mail: what waits for the analysis stays bounded


@dataclass
class AccountReport:
    account: str
    fetched: int = 0
    added: int = 0
    skipped: int = 0
    error: str | None = None


@dataclass
class ScanReport:
    accounts: list[AccountReport] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(a.added for a in self.accounts)

    @property
    def failed(self) -> list[AccountReport]:
        return [a for a in self.accounts if a.error]


def scan_account(
    config: Config,
    store: Store,
    source: Source,
    account: AccountConfig,
    now: datetime,
    *,
    stop: threading.Event | None = None,
    progress: Callable[[], None] | None = None,
    analyser: Analyser | None = None,
) -> AccountReport:
    """Bring one account's new mail into the store. Raises the source's errors, and ``ScanCancelledError`` once
    ``stop`` is set (between batches, or while waiting for the analysis).

    Batches are analysed ahead: each is handed to the analyser as it is read and stored once analysed; meanwhile
    the source reads on (into the next folder too) while at most ``AHEAD_BATCHES`` batches wait, and more than one
    only while their mail is under ``AHEAD_BYTES``. They are stored in order, each with its cursor, so a crash
    anywhere resumes after the last stored batch.
    ``progress`` is called after each stored batch (the daemon's watchdog wants to know work goes on).
    A given ``analyser`` (the daemon keeps one warm) is used and left open; else one is made with the first
    mail to read (a rescan with none needs no worker; a first scan starts them at once) and closed at the end.
    """
    report = AccountReport(account.name)
    own_analyser = analyser is None
    corrections = store.corrections()  # the user's own labels: mail like a corrected message follows it
    memory_key = meta.source_memory(account.name)
    source.recall(store.get_meta(memory_key))
    # One queue for every folder: the next folder is being read while the last batches of this one are analysed.
    waiting: deque[tuple[FolderRole, Batch, _Analysed, int]] = deque()  # (…, bytes of its mail)
    held = 0  # bytes of the mail waiting
    failure: Exception | None = None

    def new_analyser() -> Analyser:
        from inboxwatch.runtime.analyse import Analyser

        return Analyser(config.identity, corrections=corrections, stop=stop)

    def store_first() -> int:
        role, batch, pending, size = waiting.popleft()
        _store_batch(store, account, role, batch, pending, now, report)
        if progress is not None:
            progress()
        return size

    try:
        if analyser is None and not store.scanned_before(account.name):
            # A first scan: mail is coming, and the workers start while the source connects and lists it.
            analyser = new_analyser()
            analyser.warm(analyser.workers)
        for role in source.roles():
            if failure is not None:
                break
            cursor = store.cursor(account.name, str(role))
            since = now - account.backfill if cursor is None else None
            batches = source.fetch_changes(role, cursor, since=since)
            while failure is None:
                if stop is not None and stop.is_set():
                    raise ScanCancelledError(f"account {account.name}: scan stopped")
                try:
                    batch = next(batches)
                except StopIteration:
                    break
                except Exception as e:  # the connection dropped: what was read before it is kept
                    failure = e
                    break
                if analyser is None and batch.messages:
                    analyser = new_analyser()
                pending = analyser.submit(batch.messages, corrections) if analyser else _NOTHING_TO_READ
                size = sum(m.size for m in batch.messages)
                waiting.append((role, batch, pending, size))
                held += size
                # Stored as soon as analysed; while not, more is read (up to a bound), so the source reads on
                # (the next lot, the next folder) while the analysis catches up. One batch bigger than the byte
                # bound is still read past: the bound is on what waits behind the first.
                while waiting and (
                    waiting[0][2].done() or len(waiting) > AHEAD_BATCHES or (len(waiting) > 1 and held > AHEAD_BYTES)
                ):
                    held -= store_first()
        while waiting:
            store_first()
        if failure is not None:
            raise failure
    finally:
        if own_analyser and analyser is not None:
            analyser.close()
    memory = source.remembered()
    if memory is not None and memory != store.get_meta(memory_key):
        store.set_meta(memory_key, memory)
    return report


class _Analysed(Protocol):
    def done(self) -> bool: ...

    def results(self) -> list[Outcome]: ...


class _NoResults:
    """What an empty batch (only a cursor moving on) is analysed into."""

    def done(self) -> bool:
        return True

    def results(self) -> list[Outcome]:
        return []


_NOTHING_TO_READ: _Analysed = _NoResults()


def _store_batch(
    store: Store,
    account: AccountConfig,
    role: FolderRole,
    batch: Batch,
    pending: _Analysed,
    now: datetime,
    report: AccountReport,
) -> None:
    records: list[StoredMessage] = []
    skipped: list[tuple[str, str]] = []
    for fetched, outcome in zip(batch.messages, pending.results(), strict=True):
        report.fetched += 1
        if isinstance(outcome, str):  # unreadable: logged once, recorded, skipped
            if not store.is_skipped(account.name, str(role), fetched.uid):
                log.warning("skipped message %s in %s/%s: %s", fetched.uid, account.name, role, outcome)
            skipped.append((fetched.uid, outcome))
            continue
        message, result = outcome
        if message.defects:  # read once per message: the cursor moves past it
            log.info(
                "message %s in %s/%s is damaged (%s); kept as %s",
                fetched.uid,
                account.name,
                role,
                "; ".join(message.defects[:3]),
                result.label,
            )
        records.append(StoredMessage(account.name, message, result))
    report.added += store.commit_batch(account.name, str(role), records, batch.cursor, now, skipped)
    report.skipped += len(skipped)


def scan(
    config: Config,
    store: Store,
    now: datetime,
    source_factory: Callable[[AccountConfig], Source] = open_source,
) -> ScanReport:
    """Scan every enabled account; one failing account never stops the others."""
    report = ScanReport()
    for account in config.accounts:
        if not account.enabled:
            continue
        try:
            source = source_factory(account)
        except InboxwatchError as e:
            report.accounts.append(AccountReport(account.name, error=str(e)))
            continue
        try:
            result = scan_account(config, store, source, account, now)
        except (AuthError, TransientSourceError, SourceError) as e:
            log.error("account %s: %s", account.name, e)
            report.accounts.append(AccountReport(account.name, error=str(e)))
        except (StoreError, ScanCancelledError):
            raise  # the state file is shared by every account: the next one would fail the same way
        except Exception as e:  # a bug or a library's surprise: this account's status, not the end of the scan
            log.error("account %s: unexpected %s", account.name, type(e).__name__, exc_info=True)
            report.accounts.append(AccountReport(account.name, error=f"unexpected error: {type(e).__name__}: {e}"))
        else:
            log.info(
                "account %s: %d fetched, %d new, %d skipped", account.name, result.fetched, result.added, result.skipped
            )
            report.accounts.append(result)
        finally:
            source.close()
    if store.get_meta(INITIALISED_KEY) is None:
        store.set_meta(INITIALISED_KEY, now.isoformat())
    return report


@dataclass(frozen=True)
class DueNudge:
    nudge: Nudge
    conversation: Conversation
    suggestion: Suggestion


@dataclass(frozen=True)
class Overview:
    now: datetime
    conversations: list[Conversation]
    ladders: Mapping[str, Ladder]
    due: list[DueNudge]


CONVERSATIONS_KEY = meta.CONVERSATIONS


def _code_stamp() -> str:
    from inboxwatch import __version__
    from inboxwatch.core import track

    try:
        return f"{__version__}:{os.stat(track.__file__).st_mtime_ns}"
    except OSError:
        return __version__


_TRACKING_CODE = _code_stamp()


def _conversations(config: Config, store: Store, controls: Mapping[str, Control]) -> list[Conversation]:
    """The conversations in the store: the last ones built when no message was stored since (and the owner
    is the same), else built again and kept for next time."""
    stamp = json.dumps(
        [
            CACHE_VERSION,
            _TRACKING_CODE,  # a new release (or an edited track.py) may group differently
            store.generation(),
            config.identity.name,
            sorted(config.identity.addresses),
        ]
    )
    cached = store.get_meta(CONVERSATIONS_KEY)
    if cached:
        try:
            saved = json.loads(cached)
            if saved.get("stamp") == stamp:
                convs = conversations_from_json(saved["conversations"])
                for conv in convs:
                    conv.control = controls.get(conv.id)
                return convs
        except (ValueError, KeyError, TypeError, AttributeError) as e:  # an older or damaged copy: rebuild
            log.debug("conversation cache unreadable (%s); rebuilding", e)
    messages = store.joinable_messages(config.identity)
    convs = build_conversations(messages, config.identity, controls)
    try:
        store.set_meta(CONVERSATIONS_KEY, json.dumps({"stamp": stamp, "conversations": conversations_to_json(convs)}))
    except StoreError as e:  # a read-only or busy state file: next time builds them again
        log.debug("conversation cache not kept: %s", e)
    return convs


def conversations(config: Config, store: Store) -> list[Conversation]:
    """The conversations the store holds, with the user's controls on them."""
    return _conversations(config, store, store.controls())


def overview(config: Config, store: Store, now: datetime, templates: Templates | None = None) -> Overview:
    """Conversations, their ladders and the nudges due at ``now``, from what the store holds."""
    convs = conversations(config, store)
    ladders = evaluate_all(convs, config.follow_up, now)
    by_id = {c.id: c for c in convs}
    offers = [c for c in convs if ladders[c.id].stage == "offer"]
    templates = templates or Templates.load(config.templates_dir)
    due = [
        DueNudge(
            n,
            by_id[n.conversation_id],
            compose(n, by_id[n.conversation_id], config.identity, templates, now=now, other_offers=offers),
        )
        for n in due_nudges(ladders.values(), now)
    ]
    return Overview(now, convs, ladders, due)


def backlog_before(config: Config, store: Store) -> datetime | None:
    """Nudges due before this were already old when inboxwatch first looked: listed, not announced."""
    initialised = store.get_meta(INITIALISED_KEY)
    if initialised is None:
        return None
    return datetime.fromisoformat(initialised) - config.follow_up.rules.announce_backlog


@dataclass
class DeliveryReport:
    delivered: list[tuple[Nudge, str]] = field(default_factory=list)
    failed: list[tuple[Nudge, str, str]] = field(default_factory=list)
    deferred: int = 0
    backlog: int = 0


def record(config: Config, store: Store, view: Overview) -> None:
    """Remember the due nudges (first time seen, backlog or not)."""
    payloads = [nudge_json(d, delivered=False) for d in view.due]
    store.record_nudges([d.nudge for d in view.due], payloads, view.now, backlog_before(config, store))


def deliver(config: Config, store: Store, view: Overview, channels: Sequence[Channel], now: datetime) -> DeliveryReport:
    """Send each due nudge once per channel; record each success right after the channel accepted it."""
    report = DeliveryReport()
    record(config, store, view)
    if in_quiet_hours(config.alerts.quiet_hours, now):
        report.deferred = len(view.due)
        return report
    for item in view.due:
        if store.is_backlog(item.nudge):
            report.backlog += 1
            continue
        states = store.deliveries(item.nudge)
        alert = Alert(
            item.nudge,
            item.suggestion,
            item.conversation.contact,
            view.ladders[item.nudge.conversation_id].explanation,
            conversation_url(config, item.nudge.conversation_id),
        )
        for channel in channels:
            state = states.get(channel.name)
            if state and state.state == "delivered":
                continue
            if state and state.next_try_at and state.next_try_at > now:
                continue
            try:
                channel.send(alert)
            except Exception as e:  # one failure stays one failure: recorded, retried, the next nudge goes out
                if isinstance(e, NotifyError):
                    problem = str(e)
                else:
                    problem = f"unexpected {type(e).__name__} in the {channel.name} channel: {e}"
                    log.error("nudge %s on %s: %s", item.nudge.key, channel.name, problem, exc_info=True)
                tries = state.tries + 1 if state else 1
                wait = delivery_backoff(config).delay(tries)
                store.mark_failed(item.nudge, channel.name, problem, now, now + timedelta(seconds=wait))
                report.failed.append((item.nudge, channel.name, problem))
                log.warning("nudge %s on %s failed: %s", item.nudge.key, channel.name, problem)
                continue
            store.mark_delivered(item.nudge, channel.name, now)
            report.delivered.append((item.nudge, channel.name))
            log.info("nudge %s delivered on %s", item.nudge.key, channel.name)
    return report
