"""``inboxwatch export`` on the demo mailbox: CSV and JSON rows match ``status --json``; the calendar parses with
icalendar and holds every interview and every due follow-up, under the same UIDs when exported again."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from inboxwatch import cli
from inboxwatch.runtime.export import COLUMNS
from tests.support.demo_home import NOW, scanned_demo


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = cli.main(list(argv))
    out = capsys.readouterr().out
    assert code == 0
    return out


@pytest.fixture(scope="module")
def demo_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scanned_demo(tmp_path_factory.mktemp("export"))


@pytest.fixture
def status(demo_config: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    rows: list[dict[str, object]] = json.loads(
        run(capsys, "status", "--json", "--config", str(demo_config), "--now", NOW)
    )
    assert len(rows) >= 10
    return rows


def _export(capsys: pytest.CaptureFixture[str], config: Path, fmt: str) -> str:
    return run(capsys, "export", "--format", fmt, "--config", str(config), "--now", NOW)


def _flat(conv: dict[str, object]) -> dict[str, object]:
    nxt = conv["next_nudge"]
    n = nxt if isinstance(nxt, dict) else {}
    return {
        **{k: v for k, v in conv.items() if k != "next_nudge"},
        "next_nudge_kind": n.get("kind"),
        "next_nudge_attempt": n.get("attempt"),
        "next_nudge_due_at": n.get("due_at"),
    }


def test_csv_has_one_row_per_conversation_matching_status(
    demo_config: Path, status: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    text = _export(capsys, demo_config, "csv")
    table = list(csv.DictReader(io.StringIO(text)))
    assert tuple(table[0]) == COLUMNS
    assert [r["id"] for r in table] == [c["id"] for c in status]
    for row, conv in zip(table, status, strict=True):
        expected = _flat(conv)
        for column in COLUMNS:
            want = expected[column]
            assert row[column] == ("" if want is None else str(want)), (conv["company"], column)


def test_json_rows_are_the_same_rows_typed(
    demo_config: Path, status: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    rows = json.loads(_export(capsys, demo_config, "json"))
    assert rows == [{k: _flat(c)[k] for k in COLUMNS} for c in status]


def _events(text: str) -> dict[str, dict[str, object]]:
    cal = Calendar.from_ical(text)
    return {
        str(e["uid"]): {
            "start": e.decoded("dtstart"),
            "summary": str(e["summary"]),
            "description": str(e["description"]),
            "status": str(e.get("status", "CONFIRMED")),
        }
        for e in cal.walk("VEVENT")
    }


def test_the_calendar_holds_every_interview_and_due_follow_up_with_stable_uids(
    demo_config: Path, status: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    first = _export(capsys, demo_config, "ics")
    events = _events(first)
    interviews = [c for c in status if c["interview_at"]]
    assert len(interviews) >= 3
    for conv in interviews:
        at = datetime.fromisoformat(str(conv["interview_at"]))
        (event,) = [
            e
            for e in events.values()
            if e["start"] == at and str(e["summary"]).startswith(f"Interview: {conv['company']}")
        ]
        cancelled = conv["stage"] == "interview_cancelled"
        assert (event["status"] == "CANCELLED") is cancelled, conv["company"]
    due = json.loads(run(capsys, "nudges", "--json", "--config", str(demo_config), "--now", NOW))
    assert len(due) >= 3
    for nudge in due:
        matching = [
            e
            for e in events.values()
            if f"conversation {nudge['conversation_id']}" in str(e["description"])
            and not str(e["summary"]).startswith("Interview")
        ]
        assert len(matching) == 1, nudge["company"]
        (event,) = matching
        assert event["start"] == datetime.fromisoformat(nudge["due_at"])
        assert nudge["suggestion"]["subject"] in str(event["description"])
    # Exported again (later the same day, nothing changed), the same events under the same UIDs.
    again = _events(
        run(capsys, "export", "--format", "ics", "--config", str(demo_config), "--now", NOW.replace("09:00", "09:30"))
    )
    assert set(again) == set(events)
    assert len(set(events)) == len(Calendar.from_ical(first).walk("VEVENT"))


def test_export_writes_a_file_with_output(
    demo_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "search.csv"
    code = cli.main(["export", "--format", "csv", "-o", str(target), "--config", str(demo_config), "--now", NOW])
    assert code == 0
    assert capsys.readouterr().out == ""
    assert target.read_text(encoding="utf-8").startswith("id,company,role")
