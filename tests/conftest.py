"""Fixtures every suite may use live in tests/support/fixtures.py (Dovecot, desktop session, keyring, alerts)."""

import pytest
from hypothesis import settings

# Helpers outside test modules that assert (the contract suites, the fakes) get pytest's assertion messages too.
pytest.register_assert_rewrite("tests.contract", "tests.support")

pytest_plugins = ["tests.support.fixtures"]

# Property tests check behaviour, not speed: on a loaded machine (two cores shared by several test runs) a
# case can take longer than hypothesis's default 200 ms deadline and fail as "flaky" for no fault of the code.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")
