"""The pure core: parsing, detection, tracking, the follow-up ladder and composing suggestions.

Nothing here does I/O or reads the clock: time comes in as ``now``. The core imports only from itself and
from the shared vocabulary (``inboxwatch.models``, ``inboxwatch.errors``); the import-linter contract in
``pyproject.toml`` keeps it that way.
"""
