"""Write ``src/inboxwatch/core/detect/derived.json``: what parsing tells of every phrase table (gates, literals,
first characters), so the tables load without parsing each twice. Run after changing a table or ``fastre``; the
test suite says when it is out of date (``tests/unit/test_fastre.py``)."""

from __future__ import annotations

from inboxwatch.core.detect import fastre


def main() -> None:
    print(f"{fastre.write_derived()} phrase tables written to {fastre.DERIVED_FILE}")


if __name__ == "__main__":
    main()
