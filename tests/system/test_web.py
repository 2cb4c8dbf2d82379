"""``inboxwatch web`` on the demo mailbox's state, driven by a real headless chromium: the overview's funnel
against ``status --json``, a conversation's timeline and suggestion, a snooze that ``status --json`` sees,
403 without the token, a cross-site POST refused; and a daemon without the dashboard never loads its libraries.
"""

from __future__ import annotations

import html
import json
import mailbox
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from inboxwatch.core.detect.corrections import message_ref
from tests.support.browser import browser_paths, headless_chromium
from tests.support.demo_home import NOW, scanned_demo

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

pytestmark = pytest.mark.system
RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Dashboard:
    def __init__(self, home: Path) -> None:
        self.drafts = home / "Mail" / "Drafts"
        self.config = scanned_demo(
            home, "[alerts]\nchannels = []\n[drafts]\nenabled = true\n", account=f'drafts = "{self.drafts}"'
        )
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "inboxwatch",
                "web",
                "--config",
                str(self.config),
                "--now",
                NOW,
                "--port",
                str(self.port),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.startswith("inboxwatch dashboard: "), line + (self.proc.stderr.read() if self.proc.stderr else "")
        self.url = line.split(": ", 1)[1].strip()
        self.token = (home / "state" / "web-token").read_text().strip()
        deadline = time.monotonic() + 20
        while True:  # printed before uvicorn listens: wait for the socket
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the dashboard did not start listening"
                time.sleep(0.05)

    def visit(self, browser: WebDriver, path: str) -> None:
        """Open a page as the printed address does: with the token, which the dashboard trades for a cookie."""
        browser.get(f"{self.base}{path}{'&' if '?' in path else '?'}token={self.token}")

    def status(self, conversation_id: str | None = None) -> list[dict[str, object]]:
        return [r for r in self.cli_json("status") if conversation_id in (None, r["id"])]

    def nudges(self) -> list[dict[str, object]]:
        return self.cli_json("nudges")

    def cli_json(self, command: str) -> list[dict[str, object]]:
        """``inboxwatch COMMAND --json`` on the dashboard's state, at the test's time."""
        out = subprocess.run(
            [sys.executable, "-m", "inboxwatch", command, "--json", "--config", str(self.config), "--now", NOW],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rows: list[dict[str, object]] = json.loads(out)
        return rows

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    board = Dashboard(tmp_path_factory.mktemp("web"))
    try:
        yield board
    finally:
        board.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    if browser_paths() is None:
        pytest.skip("chromium and chromedriver are not installed (scripts/test installs them)")
    driver = headless_chromium()
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_notice(browser: WebDriver, words: str, timeout: float = 20.0) -> None:
    """The line a page shows after an action: the POST, its redirect and the new page may take a while under load,
    and until then the old page (with an older notice) is still there."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(browser, timeout).until(
        expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, ".notice"), words)
    )


def wait_for_url(browser: WebDriver, part: str, timeout: float = 20.0) -> None:
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(browser, timeout).until(lambda driver: part in driver.current_url)


def _funnel_of(rows: list[dict[str, object]]) -> dict[str, int]:
    """The funnel as the issue words it, counted here from `status --json` on its own."""
    jobs = [r for r in rows if r["closed_reason"] != "ignored"]
    return {
        "applied": len(jobs),
        "acknowledged": len([r for r in jobs if r["last_inbound_at"] is not None]),
        "interviewed": len([r for r in jobs if r["interview_at"] is not None]),
        "offer": len([r for r in jobs if r["stage"] == "offer"]),
        "rejected": len([r for r in jobs if r["stage"] == "rejected"]),
        "ghosted": len([r for r in jobs if r["closed_reason"] == "ghosted"]),
    }


def test_the_overview_funnel_matches_status_json(dashboard: Dashboard, browser: WebDriver) -> None:
    from selenium.webdriver.common.by import By

    browser.get(dashboard.url)
    assert browser.current_url == f"{dashboard.base}/", "the token stays in the address bar"
    shown = {e.get_attribute("data-step"): int(e.text) for e in browser.find_elements(By.CSS_SELECTOR, "[data-step]")}
    expected = _funnel_of(dashboard.status())
    assert shown == expected
    assert expected["applied"] >= 10 and expected["interviewed"] >= 3 and expected["offer"] >= 1
    due_today = browser.find_elements(By.CSS_SELECTOR, "#due-today li")
    assert {e.find_element(By.TAG_NAME, "a").text for e in due_today} >= {str(n["company"]) for n in dashboard.nudges()}
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart rect"), "the response-time picture is drawn"
    RESULTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(RESULTS / "web-overview.png"))


def test_the_table_sorts_and_filters_without_script(dashboard: Dashboard, browser: WebDriver) -> None:
    from selenium.webdriver.common.by import By

    dashboard.visit(browser, "/conversations")
    browser.find_element(By.LINK_TEXT, "Company").click()
    wait_for_url(browser, "sort=company&dir=asc")
    companies = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#conversations tbody td:first-child")]
    assert companies == sorted(companies, key=str.casefold) and len(companies) == len(dashboard.status())
    browser.find_element(By.PARTIAL_LINK_TEXT, "Company").click()  # again: the other way round
    wait_for_url(browser, "sort=company&dir=desc")
    again = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#conversations tbody td:first-child")]
    assert again == companies[::-1]
    dashboard.visit(browser, "/conversations?stage=offer")
    offers = [r["company"] for r in dashboard.status() if r["stage"] == "offer"]
    rows = browser.find_elements(By.CSS_SELECTOR, "#conversations tbody td:first-child")
    assert [e.text for e in rows] == offers


def test_a_conversation_shows_its_timeline_and_suggestion_and_snoozes(dashboard: Dashboard, browser: WebDriver) -> None:
    from selenium.webdriver.common.by import By

    due = dashboard.nudges()
    nudge = next(n for n in due if n["kind"] == "follow_up")
    conversation_id = str(nudge["conversation_id"])
    (before,) = dashboard.status(conversation_id)
    dashboard.visit(browser, "/")
    browser.find_element(By.CSS_SELECTOR, f"#due-today a[href='/c/{conversation_id}']").click()
    wait_for_url(browser, f"/c/{conversation_id}")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(str(nudge["company"]))
    messages = browser.find_elements(By.CSS_SELECTOR, "#timeline .message-in, #timeline .message-out")
    assert len(messages) == before["messages"]
    assert browser.find_elements(By.CSS_SELECTOR, "#timeline .interview")
    suggestion = nudge["suggestion"]
    assert isinstance(suggestion, dict)
    text = browser.find_element(By.ID, "suggestion-text").get_attribute("value") or ""
    assert text.strip() == str(suggestion["body"]).strip()
    assert browser.find_element(By.ID, "suggestion-subject").text == suggestion["subject"]
    copy = browser.find_element(By.CSS_SELECTOR, "button.copy")
    assert copy.is_displayed(), "the copy button shows where script runs"
    # the evidence of a classification, one click away
    browser.find_element(By.CSS_SELECTOR, "#timeline details summary").click()
    assert browser.find_element(By.CSS_SELECTOR, "#timeline details .evidence li").text
    browser.save_screenshot(str(RESULTS / "web-conversation.png"))

    drafts_before = len(list(mailbox.Maildir(dashboard.drafts)))
    browser.find_element(By.XPATH, "//button[text()='Save as draft']").click()
    wait_for_notice(browser, "Saved as a draft")
    saved = list(mailbox.Maildir(dashboard.drafts))
    assert len(saved) == drafts_before + 1
    assert any(m["Subject"] == suggestion["subject"] for m in saved)

    assert before["control"] is None and before["next_nudge"] is not None
    browser.find_element(By.CSS_SELECTOR, "button[name='snooze'][value='3d']").click()
    wait_for_notice(browser, "Snoozed until")
    (after,) = dashboard.status(conversation_id)
    assert after["control"] == "snooze"
    next_nudge = after["next_nudge"]
    assert isinstance(next_nudge, dict)
    assert datetime.fromisoformat(str(next_nudge["due_at"])) == datetime.fromisoformat(NOW) + timedelta(days=3)
    assert conversation_id not in {n["conversation_id"] for n in dashboard.nudges()}


def _request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        return e.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_done_reopen_and_relabel_go_through_the_cli_code(dashboard: Dashboard) -> None:
    """The other buttons, as the browser's forms send them (the cookie and the page's CSRF token)."""
    row = dashboard.status()[-3]
    target = str(row["id"])
    cookie = f"inboxwatch_{dashboard.port}={dashboard.token}"
    page = (
        urllib.request.urlopen(
            urllib.request.Request(f"{dashboard.base}/c/{target}", headers={"Cookie": cookie}), timeout=10
        )
        .read()
        .decode()
    )
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert match is not None
    keys = [html.unescape(k) for k in re.findall(r'name="message" value="([^"]+)"', page)]
    assert len(keys) == row["messages"]
    opener = urllib.request.build_opener(_NoRedirect)

    def post(action: str, **fields: str) -> int:
        body = urllib.parse.urlencode({"csrf": match.group(1), **fields}).encode()
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            return int(
                opener.open(urllib.request.Request(f"{dashboard.base}/c/{target}/{action}", body, headers)).status
            )
        except urllib.error.HTTPError as e:
            return e.code

    assert post("done") == 303
    assert dashboard.status(target)[0]["closed_reason"] == "done"
    assert post("reopen") == 303
    assert dashboard.status(target)[0]["control"] == "reopen"
    assert post("relabel", message=keys[0], label="bogus") == 400
    assert post("relabel", message=keys[0], label="not-job") == 303
    listed = subprocess.run(
        [sys.executable, "-m", "inboxwatch", "relabel", "--list", "--json", "--config", str(dashboard.config)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert [c["label"] for c in json.loads(listed) if c["message"] == message_ref(keys[0])] == ["other"]


def test_an_alerts_link_asks_before_it_acts(dashboard: Dashboard, browser: WebDriver) -> None:
    """The email's "Done" link opens the page with a button to confirm: the GET itself changes nothing."""
    from selenium.webdriver.common.by import By

    target = str(dashboard.status()[-4]["id"])
    dashboard.visit(browser, f"/c/{target}?act=done")
    assert dashboard.status(target)[0]["control"] is None
    confirm = browser.find_element(By.ID, "confirm")
    assert confirm.text == "Done"
    confirm.click()
    wait_for_notice(browser, "Closed as done")
    assert dashboard.status(target)[0]["closed_reason"] == "done"


def test_without_the_token_every_page_is_403(dashboard: Dashboard, browser: WebDriver) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(f"{dashboard.base}/")
    assert browser.find_element(By.TAG_NAME, "body").text.startswith("403 Forbidden")
    dashboard.visit(browser, "/")  # the token again: the browser is let in
    assert browser.find_elements(By.CSS_SELECTOR, "[data-step]")
    for path in ("/", "/conversations", "/calendar.ics", "/static/style.css", f"/c/{dashboard.status()[0]['id']}"):
        assert _request(dashboard.base + path) == 403, path
        assert _request(f"{dashboard.base}{path}?token=not-the-token") == 403, path
    assert _request(f"{dashboard.base}/calendar.ics?token={dashboard.token}") == 200
    # a page of another site whose name was rebound to 127.0.0.1 sends its own Host
    assert _request(f"{dashboard.base}/calendar.ics?token={dashboard.token}", headers={"Host": "evil.example"}) == 403


def test_a_post_without_the_csrf_token_is_refused(dashboard: Dashboard) -> None:
    target = str(dashboard.status()[-2]["id"])
    cookie = {
        "Cookie": f"inboxwatch_{dashboard.port}={dashboard.token}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    assert _request(f"{dashboard.base}/c/{target}/done", b"", cookie) == 403
    assert _request(f"{dashboard.base}/c/{target}/done", b"csrf=guess", cookie) == 403
    assert dashboard.status(target)[0]["control"] is None


def test_a_cross_site_form_post_is_refused_in_the_browser(dashboard: Dashboard, browser: WebDriver) -> None:
    """A page of another origin auto-submits a form to the dashboard (the browser has the cookie): refused."""
    from selenium.webdriver.common.by import By

    target = str(dashboard.status()[-1]["id"])
    before = dashboard.status(target)[0]["control"]
    page = f"""<!doctype html><form id="f" method="post" action="{dashboard.base}/c/{target}/done">
<input type="hidden" name="x" value="1"></form><script>document.getElementById("f").submit()</script>""".encode()

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        dashboard.visit(browser, "/")  # the browser holds the dashboard's cookie
        browser.get(f"http://localhost:{server.server_address[1]}/")
        deadline = time.monotonic() + 10
        while not browser.current_url.startswith(dashboard.base):
            assert time.monotonic() < deadline, "the form was not submitted"
            time.sleep(0.05)
        assert "403 Forbidden" in browser.find_element(By.TAG_NAME, "body").text
    finally:
        server.shutdown()
        server.server_close()
    assert dashboard.status(target)[0]["control"] == before != "done"


def test_a_daemon_without_the_dashboard_never_imports_the_web_stack(tmp_path: Path) -> None:
    """What `inboxwatch run` loads before its loop, with [web] disabled and then enabled: the web stack only then."""
    probe = """
import sys
from pathlib import Path
from inboxwatch.cli.web import start_dashboard
from inboxwatch.runtime.daemon import Daemon
daemon = Daemon(Path(sys.argv[1]))
dashboard = start_dashboard(daemon.config, daemon.clock)
stack = ("starlette", "jinja2", "uvicorn", "markupsafe")
web = sorted(m for m in sys.modules if m.split(".")[0] in stack or m.startswith("inboxwatch.web"))
print(" ".join(web) or "-")
if dashboard is not None:
    dashboard.should_exit = True
"""
    loaded = {}
    for enabled in ("false", "true"):
        home = tmp_path / enabled
        home.mkdir()
        config = scanned_demo(home, f"[alerts]\nchannels = []\n[web]\nenabled = {enabled}\nport = {free_port()}\n")
        done = subprocess.run(
            [sys.executable, "-c", probe, str(config)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        assert done.returncode == 0, done.stderr
        loaded[enabled] = done.stdout.split()
    assert loaded["false"] == ["-"]
    assert "starlette" in loaded["true"] and "inboxwatch.web.app" in loaded["true"]
