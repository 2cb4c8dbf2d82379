"""Fixtures every suite may use live in tests/support/fixtures.py (Dovecot, desktop session, keyring, alerts)."""

import pytest

# Helpers outside test modules that assert (the contract suites, the fakes) get pytest's assertion messages too.
pytest.register_assert_rewrite("tests.contract", "tests.support")

pytest_plugins = ["tests.support.fixtures"]
