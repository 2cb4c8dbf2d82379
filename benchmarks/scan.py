"""IMAP scan cost: inboxwatch's two-pass, incremental scan against a plain "fetch every body" loop.

Usage (as root, with Dovecot installed): python benchmarks/scan.py [--messages 20000] [--personal 4000] [--small 5000]

Builds two mailboxes in a throwaway Dovecot (``tests/support/benchmail.py``): the bulk mailbox, ``--messages``
messages, about 2 % job-related, 5–50 KB each, 0.5 % with a 1–4 MB attachment, 2 % of them in Sent; and the
personal-mail mailbox, ``--personal`` messages, no List-* headers, text bodies of 2–20 KB, one in ten with a
30 KB PDF attached. It measures, as whole processes:

- for each mailbox, ``inboxwatch scan --once`` (initial scan, fresh state) against a plain imapclient loop
  fetching every ``BODY.PEEK[]`` of INBOX and Sent in batches of 500 (on loopback the median of three of
  each, interleaved, as both are CPU-bound there): on loopback, and through a shaping TCP proxy (a userspace
  asyncio proxy: 50 Mbit/s each way, 15 ms one-way latency). Wall time, bytes exchanged (counted by the
  proxy, so through the shaper; the same protocol exchange on loopback), peak RSS;
- the CPU time of each run, its processes together (the scan's workers included): spread over every core, a
  floor under the scan's time on either link;
- the analysis alone of the personal mailbox: what the IMAP source reads of it, parsed and classified in one
  process, in CPU seconds; spread over every core, a floor under the first scan's time on loopback;
- the rescan with nothing new through the shaper: wall time and bytes exchanged; and its work beyond
  process start-up (``inboxwatch --version``), on loopback and through the shaper;
- peak RSS of the initial scan of ``--small`` messages against ``--messages`` (memory stays bounded).

Prints a table and writes JSON to benchmarks/results/scan.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.benchmail import ME, bulk_mailbox, personal_mailbox  # noqa: E402
from tests.support.dovecot import PASSWORD, Dovecot, free_port  # noqa: E402

from benchmarks.process_peaks import run_measured  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "scan.json"
PASSWORD_ENV = "INBOXWATCH_BENCH_PASSWORD"
RATE_BITS = 50_000_000
LATENCY = 0.015
PLAIN_BATCH = 500


# --- the mailbox --------------------------------------------------------------------------------------


MAILBOXES = {"bulk": bulk_mailbox, "personal": personal_mailbox}


def fill(server: Dovecot, user: str, count: int, seed: int, now: datetime, kind: str = "bulk") -> dict[str, int]:
    by_folder: dict[str, list[tuple[bytes, float]]] = {"INBOX": [], "Sent": []}
    total = 0
    for folder, raw, stamp in MAILBOXES[kind](count, seed, now):
        by_folder[folder].append((raw, stamp))
        total += len(raw)
    for folder, items in by_folder.items():
        server.write_maildir(user, folder, items)
    server.doveadm("force-resync", "-u", user, "*")
    return {"messages": count, "bytes": total, "inbox": len(by_folder["INBOX"]), "sent": len(by_folder["Sent"])}


# --- the shaping proxy --------------------------------------------------------------------------------


class ShapingProxy:
    """A TCP proxy that limits each direction to ``rate`` bit/s and delays it by ``latency`` seconds."""

    def __init__(self, target_port: int, rate_bits: float = RATE_BITS, latency: float = LATENCY) -> None:
        self.target_port = target_port
        self.rate = rate_bits / 8
        self.latency = latency
        self.port = free_port()
        self.up = 0  # client → server bytes
        self.down = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", self.port))
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()

    def reset(self) -> None:
        self.up = self.down = 0

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(self._pipe(reader, up_writer, True), self._pipe(up_reader, writer, False))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, upstream: bool) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue(maxsize=32)

        async def pump() -> None:
            link_free = loop.time()
            try:
                while data := await reader.read(65536):
                    if upstream:
                        self.up += len(data)
                    else:
                        self.down += len(data)
                    link_free = max(link_free, loop.time()) + len(data) / self.rate
                    await queue.put((link_free + self.latency, data))
            except OSError:
                pass
            await queue.put(None)

        async def deliver() -> None:
            try:
                while (item := await queue.get()) is not None:
                    when, data = item
                    if (delay := when - loop.time()) > 0:
                        await asyncio.sleep(delay)
                    writer.write(data)
                    await writer.drain()
            except OSError:
                pass
            finally:
                writer.close()

        await asyncio.gather(pump(), deliver())


# --- measured processes -------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    messages: int
    link: str
    seconds: float
    peak_rss_mb: float
    bytes_up: int | None = None
    bytes_down: int | None = None
    output: str = ""
    mailbox: str = "bulk"
    cpu_seconds: float = 0.0  # of the process and its children (the workers)


def measure(
    name: str, argv: list[str], messages: int, link: str, proxy: ShapingProxy | None, mailbox: str = "bulk"
) -> Run:
    if proxy:
        proxy.reset()
    done = run_measured(name, argv, {**os.environ, PASSWORD_ENV: PASSWORD})
    run = Run(name, messages, link, done.seconds, done.peak_rss_mb, output=done.output.strip()[-300:], mailbox=mailbox,
              cpu_seconds=done.cpu_seconds)
    if proxy:
        run.bytes_up, run.bytes_down = proxy.up, proxy.down
    return run


def write_config(folder: Path, name: str, user: str, port: int) -> Path:
    state = folder / f"state-{name}"
    path = folder / f"{name}.toml"
    path.write_text(
        f"""state_dir = "{state}"
[identity]
name = "Alex Morgan"
addresses = ["{ME}"]
[alerts]
channels = []
[[accounts]]
name = "bench"
kind = "imap"
host = "127.0.0.1"
port = {port}
security = "none"
username = "{user}"
password_env = "{PASSWORD_ENV}"
backfill = "120d"
"""
    )
    return path


def inboxwatch(config: Path) -> list[str]:
    return [sys.executable, "-m", "inboxwatch", "scan", "--once", "--config", str(config)]


def startup() -> list[str]:
    return [sys.executable, "-m", "inboxwatch", "--version"]


def startup_loaded() -> list[str]:
    """Start-up plus loading what a scan of an IMAP account needs (imapclient, ssl, the store, tracking)."""
    modules = "inboxwatch.cli, inboxwatch.runtime.pipeline, inboxwatch.sources.imap"
    return [sys.executable, "-c", f"import {modules}; import sys; sys.argv = ['inboxwatch', '--version']; "
            "inboxwatch.cli.main(['--version'])"]


def plain(port: int, user: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "_plain", str(port), user]


def plain_loop(port: int, user: str) -> None:
    """The baseline: every message's BODY.PEEK[] of INBOX and Sent, 500 at a time, then discarded."""
    from imapclient import IMAPClient

    client = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=120)
    client.login(user, os.environ[PASSWORD_ENV])
    total = count = 0
    for folder in ("INBOX", "Sent"):
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        for i in range(0, len(uids), PLAIN_BATCH):
            for data in client.fetch(uids[i : i + PLAIN_BATCH], ["BODY.PEEK[]"]).values():
                total += len(data.get(b"BODY[]") or b"")
                count += 1
    client.logout()
    print(f"{count} messages, {total} bytes")


def source_only(port: int, user: str) -> None:
    """inboxwatch's IMAP source alone (both passes, no parsing or classifying): its own share of the scan."""
    from inboxwatch.config import AccountConfig
    from inboxwatch.sources.imap import IMAPSource

    account = AccountConfig(
        name="bench",
        kind="imap",
        host="127.0.0.1",
        port=port,
        security="none",
        username=user,
        password_env=PASSWORD_ENV,
    )
    source = IMAPSource(account)
    since = datetime.now(UTC) - account.backfill
    count = total = 0
    for role in source.roles():
        for batch in source.fetch_changes(role, None, since=since):
            count += len(batch.messages)
            total += sum(m.size for m in batch.messages)
    source.close()
    print(f"{count} messages, {total} bytes")


def source_cmd(port: int, user: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "_source", str(port), user]


def analysis_only(port: int, user: str) -> None:
    """What the scan's workers do, in one process: the messages the IMAP source reads (in parts), each parsed
    and classified, timed in CPU seconds (the source's own work, start-up and the hand-over left out). Spread
    over every core, it is a floor under the first scan's time, whatever the fetching."""
    from inboxwatch.config import AccountConfig
    from inboxwatch.models import Identity
    from inboxwatch.runtime.analyse import analyse
    from inboxwatch.sources.imap import IMAPSource

    account = AccountConfig(
        name="bench", kind="imap", host="127.0.0.1", port=port, security="none", username=user,
        password_env=PASSWORD_ENV,
    )
    source = IMAPSource(account)
    since = datetime.now(UTC) - account.backfill
    fetched = [
        m
        for role in source.roles()
        for batch in source.fetch_changes(role, None, since=since)
        for m in batch.messages
        if not m.headers_only
    ]
    source.close()
    identity = Identity("Alex Morgan", frozenset({ME}))
    analyse(fetched[0], identity)  # the model is read on first use: not part of the per-message work
    started = time.process_time()
    for message in fetched:
        analyse(message, identity)
    print(f"{len(fetched)} messages analysed in {time.process_time() - started:.2f} CPU-s")


def analysis_cmd(port: int, user: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "_analysis", str(port), user]


# --- the whole benchmark ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--personal", type=int, default=4_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, default=RESULTS)
    helpers = {"_plain": plain_loop, "_source": source_only, "_analysis": analysis_only}
    if len(sys.argv) > 1 and sys.argv[1] in helpers:
        helpers[sys.argv[1]](int(sys.argv[2]), sys.argv[3])
        return 0
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("run as root: the benchmark starts its own Dovecot", file=sys.stderr)
        return 2

    now = datetime.now(UTC)
    server = Dovecot()
    proxy: ShapingProxy | None = None
    work = Path(tempfile.mkdtemp(prefix="inboxwatch-bench-"))
    runs: list[Run] = []
    try:
        server.start()
        proxy = ShapingProxy(server.port)
        big_user, small_user, personal_user = server.add_user(), server.add_user(), server.add_user()
        t0 = time.perf_counter()
        big = fill(server, big_user, args.messages, args.seed, now)
        small = fill(server, small_user, args.small, args.seed, now)
        personal = fill(server, personal_user, args.personal, args.seed, now, "personal")
        print(f"mailboxes built in {time.perf_counter() - t0:.1f} s: {big}, {small} and {personal}", flush=True)
        n = args.messages

        for link, port, via in (("loopback", server.port, None), ("shaped", proxy.port, proxy)):
            for box, user, count in (("personal", personal_user, args.personal), ("bulk", big_user, n)):
                # On loopback both are CPU-bound and vary run to run: the median of three, interleaved.
                repeats = 3 if link == "loopback" else 1
                config = write_config(work, f"{box}-{link}", user, port)
                plains: list[Run] = []
                scans: list[Run] = []
                for _ in range(repeats):
                    plains.append(measure("plain imapclient loop", plain(port, user), count, link, via, box))
                    print(f"  {box}: {plains[-1].name} ({link}): {plains[-1].seconds:.1f} s", flush=True)
                    shutil.rmtree(work / f"state-{box}-{link}", ignore_errors=True)
                    scans.append(measure("inboxwatch initial scan", inboxwatch(config), count, link, via, box))
                    print(f"  {box}: {scans[-1].name} ({link}): {scans[-1].seconds:.1f} s — {scans[-1].output}",
                          flush=True)
                runs.append(sorted(plains, key=lambda r: r.seconds)[len(plains) // 2])
                runs.append(sorted(scans, key=lambda r: r.seconds)[len(scans) // 2])
                if box == "personal":  # the fetching alone: what is left of the scan is parsing and classifying
                    runs.append(measure("inboxwatch IMAP source only", source_cmd(port, user), count, link, via, box))
                    print(f"  {box}: {runs[-1].name} ({link}): {runs[-1].seconds:.1f} s — {runs[-1].output}",
                          flush=True)
                if box == "personal" and link == "loopback":  # and the parsing and classifying alone
                    runs.append(measure("analysis alone", analysis_cmd(port, user), count, link, via, box))
                    print(f"  {box}: {runs[-1].name}: {runs[-1].output}", flush=True)
            config = work / f"bulk-{link}.toml"
            runs.append(measure("inboxwatch IMAP source only", source_cmd(port, big_user), n, link, via))
            print(f"  {runs[-1].name} ({link}): {runs[-1].seconds:.1f} s — {runs[-1].output}", flush=True)
            runs.append(measure("inboxwatch rescan, nothing new", inboxwatch(config), n, link, via))
            print(f"  {runs[-1].name} ({link}): {runs[-1].seconds:.2f} s", flush=True)
        # Start-up: what any inboxwatch command costs before it does anything (the best of five).
        startups = [measure("process start-up", startup(), 0, "none", None) for _ in range(5)]
        runs.append(min(startups, key=lambda r: r.seconds))
        loaded = [measure("start-up, IMAP code loaded", startup_loaded(), 0, "none", None) for _ in range(5)]
        runs.append(min(loaded, key=lambda r: r.seconds))
        loopback_config = work / "bulk-loopback.toml"
        rescans = [measure("inboxwatch rescan", inboxwatch(loopback_config), n, "loopback", None) for _ in range(5)]
        runs.append(min(rescans, key=lambda r: r.seconds))
        runs[-1].name = "inboxwatch rescan, best of 5"
        only = source_cmd(server.port, small_user)
        runs.append(measure("inboxwatch IMAP source only", only, args.small, "loopback", None))
        config = write_config(work, "small-loopback", small_user, server.port)
        runs.append(measure("inboxwatch initial scan", inboxwatch(config), args.small, "loopback", None))
        print(f"  {runs[-1].name} ({args.small}, loopback): {runs[-1].seconds:.1f} s", flush=True)
    finally:
        if proxy:
            proxy.close()
        server.cleanup()
        shutil.rmtree(work, ignore_errors=True)

    def find(name: str, link: str, messages: int = n, mailbox: str = "bulk") -> Run:
        return next(
            r for r in runs if r.name == name and r.link == link and r.messages == messages and r.mailbox == mailbox
        )

    cores = os.cpu_count() or 1

    def ratios(box: str, count: int) -> dict[str, float]:
        out: dict[str, float] = {}
        for link in ("loopback", "shaped"):
            scan_run = find("inboxwatch initial scan", link, count, box)
            plain_run = find("plain imapclient loop", link, count, box)
            out[f"time_{link}"] = scan_run.seconds / plain_run.seconds
            # The scan's CPU time (every process) over every core: however well they overlap, it takes this long.
            out[f"cpu_seconds_{link}"] = scan_run.cpu_seconds
            out[f"cpu_floor_{link}"] = scan_run.cpu_seconds / cores / plain_run.seconds
        shaped_scan = find("inboxwatch initial scan", "shaped", count, box)
        shaped_plain = find("plain imapclient loop", "shaped", count, box)
        out["bytes_received"] = (shaped_scan.bytes_down or 0) / max(1, shaped_plain.bytes_down or 0)
        return out

    first_scan = {"bulk": ratios("bulk", n), "personal": ratios("personal", args.personal)}
    analysis_run = find("analysis alone", "loopback", args.personal, "personal")
    analysis_cpu = float(analysis_run.output.split(" analysed in ")[1].split()[0])
    floor = analysis_cpu / cores  # the workers' share alone, on every core, nothing else running

    summary: dict[str, object] = {
        "mailbox": big,
        "personal_mailbox": personal,
        "first_scan_vs_plain_loop": first_scan,
        "personal_analysis_cpu_seconds": analysis_cpu,
        "cores": cores,
        "personal_analysis_floor_vs_plain_loopback": floor
        / find("plain imapclient loop", "loopback", args.personal, "personal").seconds,
        "small_mailbox": small,
        "link": {"rate_mbit_s": RATE_BITS / 1e6, "one_way_latency_ms": LATENCY * 1000},
        "initial_ratio_loopback": find("inboxwatch initial scan", "loopback").seconds
        / find("plain imapclient loop", "loopback").seconds,
        "initial_ratio_shaped": find("inboxwatch initial scan", "shaped").seconds
        / find("plain imapclient loop", "shaped").seconds,
        "rescan_shaped_seconds": find("inboxwatch rescan, nothing new", "shaped").seconds,
        "startup_seconds": find("process start-up", "none", 0).seconds,
        "rescan_work_loopback_seconds": find("inboxwatch rescan, best of 5", "loopback").seconds
        - find("process start-up", "none", 0).seconds,
        "rescan_work_shaped_seconds": find("inboxwatch rescan, nothing new", "shaped").seconds
        - find("process start-up", "none", 0).seconds,
        "startup_imap_loaded_seconds": find("start-up, IMAP code loaded", "none", 0).seconds,
        "rescan_shaped_bytes": (find("inboxwatch rescan, nothing new", "shaped").bytes_up or 0)
        + (find("inboxwatch rescan, nothing new", "shaped").bytes_down or 0),
        "source_only_ratio_shaped": find("inboxwatch IMAP source only", "shaped").seconds
        / find("plain imapclient loop", "shaped").seconds,
        "peak_rss_mb": {
            str(args.small): find("inboxwatch initial scan", "loopback", args.small).peak_rss_mb,
            str(n): find("inboxwatch initial scan", "loopback").peak_rss_mb,
        },
        "source_only_peak_rss_mb": {
            str(args.small): find("inboxwatch IMAP source only", "loopback", args.small).peak_rss_mb,
            str(n): find("inboxwatch IMAP source only", "loopback").peak_rss_mb,
        },
        "runs": [asdict(r) for r in runs],
        "python": sys.version.split()[0],
        "when": now.isoformat(timespec="seconds"),
    }

    print()
    head = f"{'run':30} {'mailbox':>8} {'messages':>8} {'link':>9} {'seconds':>8} {'CPU-s':>7} {'MB up':>8}"
    print(f"{head} {'MB down':>9} {'peak RSS MB':>12}")
    for r in runs:
        up = f"{r.bytes_up / 1e6:.2f}" if r.bytes_up is not None else "-"
        down = f"{r.bytes_down / 1e6:.2f}" if r.bytes_down is not None else "-"
        print(f"{r.name:30} {r.mailbox:>8} {r.messages:>8} {r.link:>9} {r.seconds:>8.2f} {r.cpu_seconds:>7.2f} "
              f"{up:>8} {down:>9} {r.peak_rss_mb:>12.1f}")
    print()
    for box, figures in first_scan.items():
        print(f"first scan / plain BODY.PEEK[] loop, {box} mailbox: time {figures['time_shaped']:.2f}x shaped, "
              f"{figures['time_loopback']:.2f}x loopback; bytes received {figures['bytes_received']:.2f}x")
        print(f"  its CPU (every process): {figures['cpu_seconds_shaped']:.2f} CPU-s shaped, "
              f"{figures['cpu_seconds_loopback']:.2f} loopback; spread over {cores} cores "
              f"{figures['cpu_floor_shaped']:.2f}x and {figures['cpu_floor_loopback']:.2f}x the plain loop: "
              f"a floor under those times")
    print(f"analysis alone of the personal mailbox (parse + classify, one process, no IMAP): {analysis_cpu:.2f} CPU-s;"
          f" spread over {cores} cores {floor:.2f} s = {summary['personal_analysis_floor_vs_plain_loopback']:.2f}x the "
          f"plain loop on loopback: a floor under the first scan's time there")
    print(f"initial scan / plain loop: loopback {summary['initial_ratio_loopback']:.2f}, "
          f"shaped {summary['initial_ratio_shaped']:.2f}")
    print(f"rescan with nothing new (shaped): {summary['rescan_shaped_seconds']:.2f} s, "
          f"{summary['rescan_shaped_bytes']} bytes")
    startup_s = find("process start-up", "none", 0).seconds
    work_loopback = find("inboxwatch rescan, best of 5", "loopback").seconds - startup_s
    work_shaped = find("inboxwatch rescan, nothing new", "shaped").seconds - startup_s
    loaded_s = find("start-up, IMAP code loaded", "none", 0).seconds
    print(f"rescan work beyond start-up ({startup_s * 1000:.0f} ms): loopback {work_loopback * 1000:.0f} ms, "
          f"shaped {work_shaped * 1000:.0f} ms (round trips of 30 ms included); beyond start-up with the IMAP "
          f"code loaded ({loaded_s * 1000:.0f} ms): loopback {(work_loopback + startup_s - loaded_s) * 1000:.0f} ms")
    print(f"IMAP source alone / plain loop (shaped): {summary['source_only_ratio_shaped']:.2f}")
    print(f"peak RSS of the initial scan: {summary['peak_rss_mb']}; of the source alone: "
          f"{summary['source_only_peak_rss_mb']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
