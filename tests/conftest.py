"""Fixtures every suite may use."""

from hypothesis import settings

from tests.keyrings import memory_keyring

# Property tests check behaviour, not speed: on a loaded machine (two cores shared by several test runs) a
# case can take longer than hypothesis's default 200 ms deadline and fail as "flaky" for no fault of the code.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

__all__ = ["memory_keyring"]
