"""``[web]``: validated like every other section, each problem with its key path; the token file's mode."""

from __future__ import annotations

import copy
import stat
from pathlib import Path
from typing import Any

import pytest

from inboxwatch.config import Config, WebConfig, parse_config
from inboxwatch.errors import ConfigError
from inboxwatch.models import Identity
from inboxwatch.state.web_token import conversation_url, csrf_token, dashboard_token, dashboard_url

BASE: dict[str, Any] = {"identity": {"name": "Jane Doe", "addresses": ["jane@example.com"]}}


def with_web(web: object) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["web"] = web
    return data


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    return info.value.problems


def test_web_is_off_by_default_and_takes_a_port() -> None:
    assert parse_config(BASE).web == WebConfig(enabled=False, port=8765)
    assert parse_config(with_web({"enabled": True, "port": 8800})).web == WebConfig(enabled=True, port=8800)


def test_every_web_problem_is_listed_with_its_key_path() -> None:
    found = problems(with_web({"enabled": "yes", "port": 80, "host": "0.0.0.0", "prot": 1}))
    assert sorted(found) == sorted(
        [
            'web.enabled: expected true or false, got "yes"',
            "web.port: expected an integer from 1024 to 65535, got 80",
            "web.host: the dashboard listens on 127.0.0.1 only; there is no host to choose",
            'web.prot: unknown key (did you mean "port"?)',
        ]
    )
    assert problems(with_web("on")) == ['web: expected a table ([web]), got "on"']


def test_the_token_is_random_kept_0600_and_stable(tmp_path: Path) -> None:
    config = Config.default(Identity("Jane", frozenset({"jane@example.com"})), state_dir=tmp_path / "state")
    token = dashboard_token(config)
    assert len(token) >= 40 and dashboard_token(config) == token
    path = tmp_path / "state" / "web-token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    other = Config.default(config.identity, state_dir=tmp_path / "other")
    assert dashboard_token(other) != token
    assert csrf_token(token) != csrf_token(dashboard_token(other)) and token not in csrf_token(token)
    assert dashboard_url(config, "/c/abc") == f"http://127.0.0.1:8765/c/abc?token={token}"
    assert conversation_url(config, "abc") is None  # alerts link to the dashboard only when it is configured
