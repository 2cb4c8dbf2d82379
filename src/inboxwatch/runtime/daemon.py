"""``inboxwatch run``: APScheduler drives the pipeline; push watchers wake it; systemd supervises it.

One worker thread does all the work (sync, evaluate, deliver), so the state file has one writer and slow
work never piles up (``max_instances=1``, coalescing). Push watchers (IMAP IDLE) live in their own threads
and only move the next run of their account's sync job to now. Nudges are evaluated after every sync, at
the exact moment the next one falls due, and by a periodic safety pass.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from inboxwatch.backoff import Backoff
from inboxwatch.config import AccountConfig, Config, load_config
from inboxwatch.errors import AuthError, ConfigError, InboxwatchError, NotifyError, TransientSourceError
from inboxwatch.models import FolderRole
from inboxwatch.notify import build_channels
from inboxwatch.runtime import sdnotify
from inboxwatch.runtime.digest import digest_text
from inboxwatch.runtime.pipeline import AccountReport, deliver, overview, scan_account
from inboxwatch.sources.base import PushSource, Source
from inboxwatch.sources.registry import can_push, open_source
from inboxwatch.state import meta
from inboxwatch.state.meta import AccountStatus
from inboxwatch.state.store import Store

log = logging.getLogger(__name__)

SAFETY_PASS = timedelta(minutes=5)
FIRST_RETRY = 5.0  # seconds before the first retry of a failing account; doubles up to MAX_RETRY
MAX_RETRY = 1800.0
ACCOUNT_RETRY = Backoff(FIRST_RETRY, MAX_RETRY, jitter=(0.8, 1.2))
PUSH_RETRY = Backoff(2.0, 300.0, jitter=(0.5, 1.5))  # a lost IDLE connection


def local_now() -> datetime:
    return datetime.now(UTC).astimezone()


class Daemon:
    """Long-running service. ``run`` blocks until SIGTERM/SIGINT and returns the exit code."""

    def __init__(self, config_path: Path | None, clock: Callable[[], datetime] = local_now) -> None:
        self.config_path = config_path
        self.clock = clock
        self.config: Config = load_config(config_path)
        self.store = Store.open(self.config.state_path)
        self.sources: dict[str, Source] = {}
        self.failures: dict[str, int] = {}
        self.stopping = threading.Event()
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600},
        )
        self.watchers: list[threading.Thread] = []
        self.last_status = ""

    # --- lifecycle ---------------------------------------------------------------------------------

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)
        self._schedule_all(first=True)
        self.scheduler.start()
        interval = sdnotify.watchdog_interval()
        if interval:
            self.scheduler.add_job(
                lambda: sdnotify.notify("WATCHDOG=1"),
                "interval",
                seconds=interval,
                id="watchdog",
                executor="default",
                replace_existing=True,
            )
        log.info("inboxwatch running with %d account(s)", len(self.config.accounts))
        while not self.stopping.wait(1.0):
            pass
        sdnotify.notify("STOPPING=1")
        log.info("stopping")
        self.scheduler.shutdown(wait=True)  # the current transaction finishes; nothing new starts
        for source in self.sources.values():
            source.close()
        self.store.close()
        return 0

    def _on_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping.set()

    def _on_reload(self, signum: int, frame: FrameType | None) -> None:
        # Runs in the worker so it never races a scan.
        self.scheduler.add_job(self.reload, id="reload", replace_existing=True)

    def reload(self) -> None:
        try:
            config = load_config(self.config_path)
        except ConfigError as e:
            log.error("new configuration rejected, keeping the running one: %s", e)
            sdnotify.notify("STATUS=config reload failed; running with the previous configuration")
            return
        self.config = config
        for source in self.sources.values():
            source.close()
        self.sources.clear()
        self._schedule_all(first=False)
        log.info("configuration reloaded")

    # --- jobs --------------------------------------------------------------------------------------

    def _schedule_all(self, first: bool) -> None:
        for job in self.scheduler.get_jobs():
            if job.id.startswith("sync:"):
                job.remove()
        now = self.clock()
        for account in self.config.accounts:
            if not account.enabled:
                continue
            self.scheduler.add_job(
                self.sync,
                "interval",
                seconds=max(1.0, account.poll_every.total_seconds()),
                args=[account.name],
                id=f"sync:{account.name}",
                next_run_time=now,
                replace_existing=True,
            )
        self.scheduler.add_job(
            self.evaluate,
            "interval",
            seconds=SAFETY_PASS.total_seconds(),
            id="safety",
            replace_existing=True,
            next_run_time=now + SAFETY_PASS,
        )
        if self.config.alerts.digest_at is not None:
            at = self.config.alerts.digest_at
            self.scheduler.add_job(
                self.digest, "cron", hour=at.hour, minute=at.minute, id="digest", replace_existing=True
            )
        if first:
            self.scheduler.add_job(self._ready, id="ready", next_run_time=now + timedelta(milliseconds=1))
            self._start_watchers()

    def _ready(self) -> None:
        sdnotify.notify("READY=1")
        sdnotify.notify(f"STATUS=watching {len(self.config.accounts)} account(s)")

    def _account(self, name: str) -> AccountConfig | None:
        return next((a for a in self.config.accounts if a.name == name), None)

    def sync(self, name: str) -> None:
        account = self._account(name)
        if account is None:
            return
        now = self.clock()
        try:
            try:
                report = self._scan(account, now)
            except TransientSourceError:
                # A kept connection dies quietly across a suspend or a server restart: one fresh try now.
                self._drop_source(name)
                report = self._scan(account, now)
        except InboxwatchError as e:
            self._account_failed(account, e, now)
        else:
            if self.failures.pop(name, None) is not None:
                log.info("account %s: recovered", name)
                self.store.set_meta(meta.auth_alerted(name), "")
            AccountStatus.succeeded(now, report.added).write(self.store, name)
            if report.added:
                log.info("account %s: %d new message(s)", name, report.added)
        if self.store.get_meta(meta.INITIALISED_AT) is None:
            self.store.set_meta(meta.INITIALISED_AT, now.isoformat())
        self.evaluate()

    def _scan(self, account: AccountConfig, now: datetime) -> AccountReport:
        source = self.sources.get(account.name) or open_source(account)
        self.sources[account.name] = source
        return scan_account(self.config, self.store, source, account, now)

    def _drop_source(self, name: str) -> None:
        source = self.sources.pop(name, None)
        if source is not None:
            source.close()

    def _account_failed(self, account: AccountConfig, error: Exception, now: datetime) -> None:
        """Back off exponentially with jitter from a few seconds; the account's status says why."""
        self._drop_source(account.name)
        count = self.failures.get(account.name, 0) + 1
        self.failures[account.name] = count
        delay = ACCOUNT_RETRY.delay(count)
        log.error("account %s: %s (retry in %.0fs)", account.name, error, delay)
        if isinstance(error, AuthError):
            self._tell_user_once(account.name, str(error))
        AccountStatus.failed(now, error).write(self.store, account.name)
        job = self.scheduler.get_job(f"sync:{account.name}")
        if job is not None:
            job.modify(next_run_time=now + timedelta(seconds=delay))

    def _tell_user_once(self, name: str, problem: str) -> None:
        """Credentials need the user (re-run `inboxwatch auth`): say so once on every channel, not every retry."""
        if self.store.get_meta(meta.auth_alerted(name)):
            return
        channels, _ = build_channels(self.config, open_source)
        for channel in channels:
            try:
                channel.send_text(f"inboxwatch cannot read account {name}", f"{problem}\n", kind="account")
            except NotifyError as e:
                log.warning("could not tell the user on %s: %s", channel.name, e)
        self.store.set_meta(meta.auth_alerted(name), self.clock().isoformat())

    def evaluate(self) -> None:
        """Deliver what is due; wake again exactly when the next nudge falls due."""
        now = self.clock()
        channels, problems = build_channels(self.config, open_source)
        for problem in problems:
            log.warning("%s", problem)
        try:
            view = overview(self.config, self.store, now)
            result = deliver(self.config, self.store, view, channels, now)
        except InboxwatchError as e:  # a broken user template, a locked state file: say so, keep running
            log.error("nudges not evaluated: %s", e)
            return
        for nudge, channel in result.delivered:
            log.info(
                "nudge %s %s #%d for %s delivered on %s",
                nudge.conversation_id,
                nudge.kind,
                nudge.attempt,
                nudge.company,
                channel,
            )
        upcoming = [
            lad.next_nudge.due_at
            for lad in view.ladders.values()
            if lad.next_nudge is not None and lad.next_nudge.due_at > now
        ]
        retries = [d.next_try_at for *_, d in self.store.failed_deliveries() if d.next_try_at and d.next_try_at > now]
        wake = min(upcoming + retries, default=None)
        if result.deferred:  # quiet hours: look again in a quarter of an hour
            wake = min(filter(None, [wake, now + timedelta(minutes=15)]))
        if wake is not None:
            self.scheduler.add_job(self.evaluate, "date", run_date=wake, id="due", replace_existing=True)
        status = f"STATUS={len(view.conversations)} conversations, {len(view.due)} nudge(s) due"
        if status != self.last_status:
            sdnotify.notify(status)
            self.last_status = status

    def digest(self) -> None:
        """Once a day, a summary on every channel that has one; a restart the same day sends none again."""
        now = self.clock()
        today = now.date().isoformat()
        if self.store.get_meta(meta.DIGEST_SENT_ON) == today:
            return
        try:
            title, body = digest_text(overview(self.config, self.store, now))
        except InboxwatchError as e:
            log.error("digest not built: %s", e)
            return
        channels, _ = build_channels(self.config, open_source)
        for channel in channels:
            try:
                channel.send_text(title, body, kind="digest")
            except NotifyError as e:
                log.warning("digest on %s: %s", channel.name, e)
        self.store.set_meta(meta.DIGEST_SENT_ON, today)
        log.info("daily digest sent: %s", title)

    # --- push --------------------------------------------------------------------------------------

    def _start_watchers(self) -> None:
        for account in self.config.accounts:
            if account.enabled and can_push(account.kind):
                thread = threading.Thread(target=self._watch, args=[account], name=f"idle:{account.name}", daemon=True)
                thread.start()
                self.watchers.append(thread)

    def _sync_now(self, name: str) -> None:
        job = self.scheduler.get_job(f"sync:{name}")
        if job is not None:
            job.modify(next_run_time=self.clock())

    def _watch(self, account: AccountConfig) -> None:
        """IDLE on the inbox in its own connection; each change moves the account's sync to now."""
        failures = 0
        while not self.stopping.is_set():
            source: Source | None = None
            try:
                source = open_source(account)
                if not isinstance(source, PushSource):
                    return  # the backend has no push: the interval poll does the work
                source.roles()  # connects: raises while the server is still away
                if failures:
                    # Back after an outage (a server restart, a laptop waking up): mail may have arrived
                    # while nobody was listening, so sync now rather than at the next poll.
                    log.info("account %s: push connection back", account.name)
                    self._sync_now(account.name)
                    failures = 0
                while not self.stopping.is_set():
                    if source.wait_for_changes(FolderRole.INBOX, timeout=60.0):
                        self._sync_now(account.name)
            except InboxwatchError as e:
                failures += 1
                delay = PUSH_RETRY.delay(failures)
                log.warning("account %s: push connection lost (%s); again in %.0fs", account.name, e, delay)
                self.stopping.wait(delay)
            finally:
                if source is not None:
                    source.close()


def configure_logging(verbose: bool) -> None:
    """Plain lines on stderr; under systemd (JOURNAL_STREAM) each line carries its syslog priority."""
    handler = logging.StreamHandler()
    if os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(_JournalFormatter("%(name)s: %(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}


class _JournalFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"<{_PRIORITY.get(record.levelno, 6)}>{super().format(record)}"
