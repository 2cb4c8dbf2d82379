"""Run a command as a process and measure it: wall time, CPU time, its peak RSS and each child's (the analysis
workers).

The peak is VmHWM sampled from /proc, not ``wait4``'s ``ru_maxrss``: Linux carries the forking parent's
high-water mark into the child's across ``exec``, and a benchmark process is big after building its mailboxes.
The CPU time is ``getrusage``'s for reaped children, so it covers the process and every descendant it waited
for (the workers).
"""

from __future__ import annotations

import resource
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass
class ProcessRun:
    seconds: float
    peak_rss_mb: float
    workers_peak_rss_mb: list[float]  # of each child, biggest first
    output: str  # stdout and stderr
    cpu_seconds: float  # user and system, of the process and its children together


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found.extend(int(c) for c in (task / "children").read_text().split())
    except (OSError, ValueError):
        pass
    return found


def run_measured(name: str, argv: list[str], env: Mapping[str, str], interval: float = 0.01) -> ProcessRun:
    """``argv`` to its end, sampled every ``interval`` seconds; a failure raises with the end of its output."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(env))
    peaks: dict[int, int] = {}

    def watch() -> None:
        while proc.poll() is None:
            for pid in (proc.pid, *_children(proc.pid)):
                peaks[pid] = max(peaks.get(pid, 0), _hwm(pid))
            time.sleep(interval)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    assert proc.stdout is not None
    output = proc.stdout.read().decode("utf-8", "replace")
    proc.wait()
    seconds = time.perf_counter() - started
    cpu_seconds = _children_cpu() - cpu_before
    watcher.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{name} failed ({proc.returncode}):\n{output[-3000:]}")
    workers = sorted((kb / 1024 for pid, kb in peaks.items() if pid != proc.pid and kb), reverse=True)
    return ProcessRun(seconds, peaks.get(proc.pid, 0) / 1024, workers, output, cpu_seconds)
