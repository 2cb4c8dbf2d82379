"""The one nudge payload: the command channel's stdin and ``inboxwatch nudges --json`` share its shape."""

from __future__ import annotations

import json

from inboxwatch.notify.payload import command_payload, nudge_payload
from tests.support.alerts import make_alert

KEYS = {"conversation_id", "company", "role", "kind", "attempt", "due_at", "reason", "title", "suggestion"}


def test_the_command_channel_sends_the_payload_with_why_as_an_alias_of_reason() -> None:
    alert = make_alert()
    sent = json.loads(alert.as_json())
    assert set(sent) == KEYS | {"why"}
    assert sent["reason"] == sent["why"] == "1 week since your follow-up on Wed 25 Feb; 2nd attempt"
    assert sent == command_payload(alert.nudge, alert.suggestion, alert.why)
    assert sent["title"] == alert.title == "Copperline Robotics: follow up again (#2)"
    assert sent["suggestion"]["to"] == ["Sam Okafor <sam.okafor@copperline-robotics.example>"]
    assert sent["suggestion"]["references"] == [] and len(sent["suggestion"]["tips"]) == 2


def test_the_cli_view_is_the_same_shape_without_the_alias() -> None:
    alert = make_alert()
    payload = nudge_payload(alert.nudge, alert.suggestion, alert.nudge.reason)
    assert set(payload) == KEYS
    assert payload["reason"] == "1 week since your follow-up on Wed 25 Feb"
    assert {k: v for k, v in command_payload(alert.nudge, alert.suggestion, "x").items() if k != "why"} == {
        **payload,
        "reason": "x",
    }
