"""The CLI end to end, in-process through ``cli.main`` and once as a real subprocess."""

from __future__ import annotations

import argparse
import json
import mailbox
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inboxwatch import cli
from tests.support.mailfactory import ME, make_message

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # the interview invitation arrives
INTERVIEW = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_command_has_help_text() -> None:
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    assert isinstance(subparsers, argparse._SubParsersAction)
    choices = subparsers.choices
    helps = {a.dest: a.help for a in subparsers._choices_actions}
    assert {"demo", "scan", "status", "nudges", "check-config", "classify"} <= set(choices)
    for name, sub in choices.items():
        assert helps.get(name), f"{name} has no help line"
        assert sub.description, f"{name} has no description"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("inboxwatch ")


def test_a_config_with_several_mistakes_lists_all_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("""
[identity]
addresses = ["jane"]
[[accounts]]
name = "x"
kind = "pop3"
[follow_up]
first_follow_up_after = "a week"
max_follow_ups = -1
""")
    code, _, err = run(capsys, "check-config", "--config", str(bad))
    assert code == 2
    for fragment in (
        "identity.addresses[0]",
        "accounts[0].kind",
        'got "pop3"',
        "follow_up.first_follow_up_after",
        "follow_up.max_follow_ups",
    ):
        assert fragment in err
    # nothing starts on a bad config
    code, _, _ = run(capsys, "scan", "--once", "--config", str(bad))
    assert code == 2


def test_scan_twice_tracks_nothing_twice_and_sees_new_mail(mailhome: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(mailhome / "config.toml")
    code, out, _ = run(capsys, "scan", "--once", "--config", config, "--now", (T0 + timedelta(hours=1)).isoformat())
    assert code == 0 and "2 new" in out
    code, out, _ = run(capsys, "scan", "--once", "--config", config, "--now", (T0 + timedelta(hours=2)).isoformat())
    assert code == 0 and "0 new" in out
    code, out, _ = run(capsys, "status", "--json", "--config", config, "--now", (T0 + timedelta(hours=2)).isoformat())
    convs = json.loads(out)
    assert len(convs) == 1  # the job alert is not a conversation
    assert convs[0]["company"] == "Northwind Analytics"
    assert convs[0]["stage"] == "interview_scheduled"
    # the thank-you goes out from the phone; a new message appears after the next scan
    mailbox.Maildir(mailhome / "Mail" / "Sent").add(
        make_message(
            sender=f"Alex Morgan <{ME}>",
            to="Dana Whitfield <dana@northwind-analytics.example>",
            subject="Re: Interview confirmed",
            body="Thank you for your time today, I enjoyed our conversation.",
            date=INTERVIEW + timedelta(hours=3),
            in_reply_to="<invite-1@northwind-analytics.example>",
        )
    )
    later = (INTERVIEW + timedelta(days=2)).isoformat()
    code, out, _ = run(capsys, "scan", "--once", "--config", config, "--now", later)
    assert "1 new" in out
    code, out, _ = run(capsys, "status", "--json", "--config", config, "--now", later)
    (conv,) = json.loads(out)
    assert conv["last_outbound_at"] is not None
    assert conv["next_nudge"]["kind"] == "follow_up"


def test_status_and_nudges_json_fields(mailhome: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(mailhome / "config.toml")
    late = (INTERVIEW + timedelta(days=8)).isoformat()
    run(capsys, "scan", "--once", "--config", config, "--now", late)
    _, out, _ = run(capsys, "status", "--json", "--config", config, "--now", late)
    (conv,) = json.loads(out)
    for key in (
        "id",
        "company",
        "role",
        "contact",
        "stage",
        "interview_at",
        "last_inbound_at",
        "last_outbound_at",
        "follow_ups_sent",
        "next_nudge",
    ):
        assert key in conv
    assert conv["interview_at"] == INTERVIEW.isoformat()
    _code, out, _ = run(capsys, "nudges", "--json", "--config", config, "--now", late)
    (nudge,) = json.loads(out)
    assert nudge["kind"] == "follow_up" and nudge["attempt"] == 1  # the follow-up replaced the thank-you
    assert nudge["conversation_id"] == conv["id"]
    assert nudge["suggestion"]["to"] == ["Dana Whitfield <dana@northwind-analytics.example>"]
    assert nudge["suggestion"]["subject"].startswith("Re: ")
    assert "Hi Dana," in nudge["suggestion"]["body"]
    assert nudge["delivered"] is False


def test_controls_persist_and_silence_the_ladder(mailhome: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(mailhome / "config.toml")
    late = (INTERVIEW + timedelta(days=8)).isoformat()
    run(capsys, "scan", "--once", "--config", config, "--now", late)
    (conv,) = json.loads(run(capsys, "status", "--json", "--config", config, "--now", late)[1])
    code, out, _ = run(capsys, "snooze", conv["id"], "2d", "--config", config, "--now", late)
    assert code == 0 and "snoozed" in out
    assert json.loads(run(capsys, "nudges", "--json", "--config", config, "--now", late)[1]) == []
    run(capsys, "ignore", conv["id"], "--config", config, "--now", late)
    run(capsys, "scan", "--once", "--config", config, "--now", late)  # a rescan keeps the correction
    (after,) = json.loads(run(capsys, "status", "--json", "--config", config, "--now", late)[1])
    assert after["stage"] == "closed" and after["next_nudge"] is None
    code, _, err = run(capsys, "done", "nope00", "--config", config, "--now", late)
    assert code == 2 and "no conversation" in err


def test_classify_json_from_stdin_and_files(tmp_path: Path) -> None:
    raw = make_message(
        sender="Priya Nair <priya@larkspur-health.example>",
        subject="Interview invitation - Product Analyst",
        body="Hi Alex, we would like to invite you to an interview for the Product Analyst role. "
        "Please share your availability.",
        date=T0,
    )
    done = subprocess.run(
        [sys.executable, "-m", "inboxwatch", "classify", "--json", "--me", ME, "--name", "Alex Morgan", "-"],
        input=raw,
        capture_output=True,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["label"] == "interview_request"
    assert result["file"] == "-"
    assert result["evidence"]
    assert set(result) >= {
        "label",
        "confidence",
        "company",
        "role",
        "contact",
        "interview_at",
        "interview_end",
        "reply_by",
        "evidence",
    }


def test_status_reports_failing_accounts_and_deliveries(mailhome: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from inboxwatch.models import Nudge, NudgeKind
    from inboxwatch.state.store import Store

    config = str(mailhome / "config.toml")
    late = INTERVIEW + timedelta(days=8)
    run(capsys, "scan", "--once", "--config", config, "--now", late.isoformat())
    with Store.open(mailhome / "state" / "state.sqlite3") as store:
        store.set_meta(
            "account_status:personal", json.dumps({"ok": False, "at": late.isoformat(), "error": "login refused"})
        )
        nudge = Nudge("abc123", "Acme", None, NudgeKind.FOLLOW_UP, 1, late, "silence")
        store.mark_failed(nudge, "email", "connection refused", late, late + timedelta(minutes=5))
    _, _, err = run(capsys, "status", "--config", config, "--now", late.isoformat())
    assert "account personal: failing since" in err and "login refused" in err
    assert "not delivered on email" in err and "connection refused" in err
