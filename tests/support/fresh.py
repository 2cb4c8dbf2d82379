"""Code run by a fresh interpreter: for what a process loads, and when (nothing is imported yet)."""

from __future__ import annotations

import subprocess
import sys


def run_fresh(code: str, timeout: float = 120) -> str:
    """What ``code`` printed, run by a fresh ``python -c``; the test fails with its error output if it failed."""
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()
