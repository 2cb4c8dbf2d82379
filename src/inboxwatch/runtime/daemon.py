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
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from inboxwatch.backoff import Backoff
from inboxwatch.config import AccountConfig, Config, load_config
from inboxwatch.errors import (
    AuthError,
    ConfigError,
    InboxwatchError,
    NotifyError,
    ScanCancelledError,
    SourceError,
    StoreError,
    TransientSourceError,
)
from inboxwatch.models import FolderRole
from inboxwatch.notify import build_channels
from inboxwatch.notify.actions import ALERT_ACTIONS, NotificationActions
from inboxwatch.runtime import sdnotify
from inboxwatch.runtime.analyse import Analyser
from inboxwatch.runtime.controls import apply_alert_action
from inboxwatch.runtime.digest import digest_text
from inboxwatch.runtime.logs import PrintableFormatter
from inboxwatch.runtime.pipeline import AccountReport, deliver, overview, scan_account
from inboxwatch.sources.base import PushSource, Source
from inboxwatch.sources.registry import can_push, open_source
from inboxwatch.state import meta
from inboxwatch.state.meta import AccountStatus
from inboxwatch.state.store import Store
from inboxwatch.state.web_token import conversation_url

log = logging.getLogger(__name__)

SAFETY_PASS = timedelta(minutes=5)
FIRST_RETRY = 5.0  # seconds before the first retry of a failing account; doubles up to MAX_RETRY
MAX_RETRY = 1800.0
ACCOUNT_RETRY = Backoff(FIRST_RETRY, MAX_RETRY, jitter=(0.8, 1.2))
PUSH_RETRY = Backoff(2.0, 300.0, jitter=(0.5, 1.5))  # a lost IDLE connection
STOP_WAIT = 3.5  # seconds a stopping daemon waits for the running job (systemd's patience is longer)
STUCK_AFTER = 900.0  # seconds without progress before a job counts as stuck and the watchdog stops pinging


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
        self.idle = threading.Event()  # no job is running
        self.idle.set()
        self.heartbeat = time.monotonic()  # the last sign of progress of the running job
        self.exit_code = 0
        self.analyser: Analyser | None = None  # kept warm while running: new mail does not wait for a worker
        self.actions: NotificationActions | None = None  # the desktop notifications' buttons, while running
        try:
            info = os.stat(self.config.state_path)
            self.state_identity = (info.st_dev, info.st_ino)
        except OSError as e:
            raise StoreError(f"cannot check state file {self.config.state_path}: {e}") from e

    # --- lifecycle ---------------------------------------------------------------------------------

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)
        self.analyser = Analyser(self.config.identity, stop=self.stopping)
        self.analyser.warm()
        self.start_actions()
        self._schedule_all(first=True)
        self.scheduler.start()
        # Ready once the jobs are scheduled, not after the first sync: a long first sync of a big mailbox
        # must not look like a service that failed to start.
        self._ready()
        interval = sdnotify.watchdog_interval()
        if interval:
            threading.Thread(target=self._watchdog, args=[interval], name="watchdog", daemon=True).start()
        log.info("inboxwatch running with %d account(s)", len(self.config.accounts))
        while not self.stopping.wait(1.0):
            self._check_state_file()
        sdnotify.notify("STOPPING=1")
        log.info("stopping")
        self.scheduler.shutdown(wait=False)  # nothing new starts; a running scan stops at its next batch
        if not self.idle.wait(STOP_WAIT):
            # A scan waiting on the network: what it stored is kept and the next start resumes after it.
            log.warning("a job is still running after %.0f s; stopping without waiting for it", STOP_WAIT)
            logging.shutdown()
            os._exit(self.exit_code)
        for source in self.sources.values():
            source.close()
        if self.analyser is not None:
            self.analyser.close()
        if self.actions is not None:
            self.actions.close()
        self.store.close()
        return self.exit_code

    def _watchdog(self, interval: float) -> None:
        """systemd's watchdog, on its own thread: pings while jobs make progress, stops when one is stuck."""
        told = False
        while not self.stopping.wait(interval):
            stuck = not self.idle.is_set() and time.monotonic() - self.heartbeat > STUCK_AFTER
            if stuck:
                if not told:
                    log.error("a job made no progress for %.0f s: no more watchdog pings", STUCK_AFTER)
                    told = True
                continue
            told = False
            sdnotify.notify("WATCHDOG=1")

    def _beat(self) -> None:
        self.heartbeat = time.monotonic()

    def _check_state_file(self) -> bool:
        """The state file is the one opened at start; deleted or replaced, stop rather than write into nothing."""
        path = self.config.state_path
        try:
            info = os.stat(path)
        except FileNotFoundError:
            problem = "was deleted"
        except OSError as e:
            problem = f"cannot be checked ({e.strerror or e})"
        else:
            if (info.st_dev, info.st_ino) == self.state_identity:
                return True
            problem = "was replaced by another file"
        if not self.stopping.is_set():
            log.error(
                "state file %s %s while inboxwatch was running; stopping so that nothing more is recorded "
                "into the lost one. Restore it, or start inboxwatch again to begin a new one",
                path,
                problem,
            )
            self.exit_code = 1
            self.stopping.set()
        return False

    def _guarded(self, job: Callable[..., None], *args: Any) -> None:
        """Every scheduled job runs through here: a failure is logged and the next run happens."""
        if self.stopping.is_set() or not self._check_state_file():
            return
        self.idle.clear()
        self._beat()
        try:
            job(*args)
        except ScanCancelledError:
            log.info("%s stopped: inboxwatch is stopping", getattr(job, "__name__", "job"))
        except Exception:
            log.exception("%s failed; it runs again at its next time", getattr(job, "__name__", "job"))
        finally:
            self._beat()
            self.idle.set()

    def _on_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping.set()

    def _on_reload(self, signum: int, frame: FrameType | None) -> None:
        # Runs in the worker so it never races a scan.
        self.scheduler.add_job(self._guarded, args=[self.reload], id="reload", replace_existing=True)

    def reload(self) -> None:
        try:
            config = load_config(self.config_path)
        except ConfigError as e:
            log.error("new configuration rejected, keeping the running one: %s", e)
            sdnotify.notify("STATUS=config reload failed; running with the previous configuration")
            return
        if self.analyser is not None and config.identity != self.config.identity:
            self.analyser.close()  # its workers know the old owner
            self.analyser = Analyser(config.identity, stop=self.stopping)
            self.analyser.warm()
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
                self._guarded,
                "interval",
                seconds=max(1.0, account.poll_every.total_seconds()),
                args=[self.sync, account.name],
                id=f"sync:{account.name}",
                next_run_time=now,
                replace_existing=True,
            )
        self.scheduler.add_job(
            self._guarded,
            "interval",
            args=[self.evaluate],
            seconds=SAFETY_PASS.total_seconds(),
            id="safety",
            replace_existing=True,
            next_run_time=now + SAFETY_PASS,
        )
        if self.config.alerts.digest_at is not None:
            at = self.config.alerts.digest_at
            self.scheduler.add_job(
                self._guarded,
                "cron",
                args=[self.digest],
                hour=at.hour,
                minute=at.minute,
                id="digest",
                replace_existing=True,
            )
        if first:
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
        except ScanCancelledError:
            raise
        except Exception as e:  # InboxwatchError, or a surprise: this account's status, retried with back-off
            if not isinstance(e, InboxwatchError):
                log.error("account %s: unexpected %s", name, type(e).__name__, exc_info=True)
                e = SourceError(f"unexpected error: {type(e).__name__}: {e}")
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
        return scan_account(
            self.config,
            self.store,
            source,
            account,
            now,
            stop=self.stopping,
            progress=self._beat,
            analyser=self.analyser,
        )

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
        channels, _ = build_channels(self.config, open_source, self.actions)
        for channel in channels:
            try:
                channel.send_text(f"inboxwatch cannot read account {name}", f"{problem}\n", kind="account")
            except NotifyError as e:
                log.warning("could not tell the user on %s: %s", channel.name, e)
        self.store.set_meta(meta.auth_alerted(name), self.clock().isoformat())

    def evaluate(self) -> None:
        """Deliver what is due; wake again exactly when the next nudge falls due."""
        now = self.clock()
        channels, problems = build_channels(self.config, open_source, self.actions)
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
            self.scheduler.add_job(
                self._guarded, "date", args=[self.evaluate], run_date=wake, id="due", replace_existing=True
            )
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
        channels, _ = build_channels(self.config, open_source, self.actions)
        for channel in channels:
            try:
                channel.send_text(title, body, kind="digest")
            except NotifyError as e:
                log.warning("digest on %s: %s", channel.name, e)
        self.store.set_meta(meta.DIGEST_SENT_ON, today)
        log.info("daily digest sent: %s", title)

    # --- notification buttons ------------------------------------------------------------------------

    def start_actions(self) -> None:
        """Listen for the desktop notifications' buttons, when desktop alerts with actions are configured."""
        if "desktop" not in self.config.alerts.channels or not self.config.alerts.desktop.actions:
            return
        listener = NotificationActions(self.on_alert_action)
        try:
            listener.start()
        except NotifyError as e:  # no session bus yet: notifications go out without buttons, naming the commands
            log.warning("desktop notifications without buttons: %s", e)
            listener.close()
            return
        self.actions = listener

    def on_alert_action(self, conversation_id: str, key: str) -> None:
        """A button was pressed (on the listener's thread): the work is done by the worker, the one writer."""
        self.scheduler.add_job(self._guarded, args=[self.alert_action, conversation_id, key])

    def alert_action(self, conversation_id: str, key: str) -> None:
        if key == "open":
            url = conversation_url(self.config, conversation_id)
            if url is not None:
                import webbrowser

                webbrowser.open(url)
            return
        done = apply_alert_action(self.config, self.store, conversation_id, key, self.clock())
        until = f" until {done.until:%a %d %b %H:%M}" if done.until else ""
        log.info("%s: %s from the notification%s", conversation_id, ALERT_ACTIONS[key], until)
        self.evaluate()

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
            except Exception as e:  # the push thread never dies: anything is a lost connection, tried again
                failures += 1
                delay = PUSH_RETRY.delay(failures)
                if not isinstance(e, InboxwatchError):
                    log.error("account %s: push: unexpected %s", account.name, type(e).__name__, exc_info=True)
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
        handler.setFormatter(PrintableFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}


class _JournalFormatter(PrintableFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"<{_PRIORITY.get(record.levelno, 6)}>{super().format(record)}"
