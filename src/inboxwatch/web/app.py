"""The dashboard's routes. Pages read the state file through a read-only connection; the actions open it for
writing and go through ``runtime.controls``, the code the CLI's commands run.

Every action is a plain HTML form (POST, then a redirect back to the page), so the dashboard works without
JavaScript; the one script is the copy button's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib import resources
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from inboxwatch.config import Config
from inboxwatch.errors import InboxwatchError, UsageError
from inboxwatch.models import Label
from inboxwatch.runtime import controls, dashboard
from inboxwatch.runtime.export import FORMATS
from inboxwatch.runtime.pipeline import Overview, overview
from inboxwatch.runtime.views import conversation_json
from inboxwatch.state.store import Store
from inboxwatch.state.web_token import dashboard_token
from inboxwatch.web.charts import bar_chart
from inboxwatch.web.guard import Guard, check_csrf

SNOOZES: Final = {"1d": "1 day", "3d": "3 days", "1w": "1 week"}
# The alerts' links (``notify.actions.ALERT_ACTIONS``) open a page that asks to confirm: a GET never acts.
CONFIRM: Final = {"snooze-2d": ("snooze", "2d", "Snooze 2 days"), "done": ("done", "", "Done")}
LENGTHS: Final = frozenset({*SNOOZES, "2d"})
LABELS: Final = ("not-job", *(str(label) for label in Label))
MAX_FORM: Final = 16_384


def create_app(config: Config, clock: Callable[[], datetime], *, port: int | None = None) -> Starlette:
    """The dashboard of ``config``'s state file; ``clock`` says what "now" is (``--now`` pins it)."""
    token = dashboard_token(config)
    port = port or config.web.port
    env = Environment(loader=PackageLoader("inboxwatch.web", "templates"), autoescape=select_autoescape())
    env.filters["when"] = lambda value: _when(value, clock())
    env.filters["days"] = lambda d: "" if d is None else f"{d:%a %d %b}"
    env.globals.update(snoozes=SNOOZES, labels=LABELS, drafts=config.drafts.enabled, step=_pretty)

    def page(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        values.update(
            csrf=request.scope.get("state", {}).get("csrf", ""), now=clock(), notice=request.query_params.get("done")
        )
        return HTMLResponse(env.get_template(name).render(**values), status_code=status)

    def read() -> tuple[Store, Overview]:
        store = Store.open_readonly(config.state_path)
        try:
            return store, overview(config, store, clock())
        except BaseException:
            store.close()
            raise

    def home(request: Request) -> Response:
        store, view = read()
        store.close()
        rows = [conversation_json(c, view.ladders[c.id]) for c in view.conversations]
        today, week = dashboard.due_soon(view)
        link = lambda cid: f"/c/{cid}"  # noqa: E731
        replies = dashboard.first_reply_days(view)
        return page(
            request,
            "overview.html",
            funnel=dashboard.funnel(rows),
            today=today,
            week=week,
            replies=bar_chart(
                replies,
                "Time to first reply, by employer",
                link=link,
                css=lambda b: "bar silent" if b.text.startswith("no reply") else "bar",
            ),
            silence=bar_chart(dashboard.silence_by_stage(view), "How often each stage ends in silence", scale=1.0),
            total=len(view.conversations),
        )

    def table(request: Request) -> Response:
        q = request.query_params
        sort, direction = q.get("sort", "next_nudge"), q.get("dir", "asc")
        store, view = read()
        store.close()
        rows = dashboard.table(
            view, sort=sort, descending=direction == "desc", stage=q.get("stage", ""), q=q.get("q", "")
        )
        stages = sorted({lad.stage for lad in view.ladders.values()})

        def sort_link(column: str) -> str:
            flip = "desc" if column == sort and direction == "asc" else "asc"
            keep = {k: v for k, v in q.items() if k in ("stage", "q") and v}
            return "/conversations?" + urlencode({**keep, "sort": column, "dir": flip})

        return page(
            request,
            "conversations.html",
            rows=rows,
            stages=stages,
            sort=sort,
            direction=direction,
            stage=q.get("stage", ""),
            q=q.get("q", ""),
            sort_link=sort_link,
            total=len(view.conversations),
        )

    def one(request: Request) -> Response:
        store, view = read()
        try:
            detail = dashboard.conversation_detail(config, store, view, request.path_params["id"])
        finally:
            store.close()
        if detail is None:
            return page(request, "missing.html", status=404, id=request.path_params["id"])
        confirm = CONFIRM.get(request.query_params.get("act", ""))
        return page(request, "conversation.html", d=detail, c=detail.conversation, row=detail.row, confirm=confirm)

    async def act(request: Request) -> Response:
        form = await _form(request)
        if form is None or not check_csrf(request, form):
            return PlainTextResponse("403 Forbidden: the form's CSRF token is missing or wrong\n", status_code=403)
        conversation_id, action = request.path_params["id"], request.path_params["action"]
        try:
            notice = _run_action(config, conversation_id, action, form, clock())
        except UsageError as e:
            return PlainTextResponse(f"400 Bad Request: {e}\n", status_code=400)
        except InboxwatchError as e:
            return PlainTextResponse(f"500: {e}\n", status_code=500)
        return RedirectResponse(f"/c/{conversation_id}?{urlencode({'done': notice})}", status_code=303)

    def calendar(request: Request) -> Response:
        store, view = read()
        store.close()
        render, media = FORMATS["ics"]
        return Response(render(view), media_type=media)

    static = StaticFiles(directory=str(resources.files("inboxwatch.web") / "static"))
    app = Starlette(
        routes=[
            Route("/", home),
            Route("/conversations", table),
            Route("/c/{id}", one),
            Route("/c/{id}/{action}", act, methods=["POST"]),
            Route("/calendar.ics", calendar),
            Mount("/static", static, name="static"),
        ],
        exception_handlers={InboxwatchError: _failure},  # type: ignore[dict-item]
    )
    app.add_middleware(Guard, token=token, port=port)
    return app


def _run_action(config: Config, conversation_id: str, action: str, form: dict[str, str], now: datetime) -> str:
    """Do what the button asked, through the CLI's own code; returns the line the page shows after it."""
    with Store.open(config.state_path) as store:
        if action == "snooze":
            length = form.get("length", "")
            if length not in LENGTHS:
                raise UsageError(f"snooze for one of {', '.join(sorted(LENGTHS))}")
            done = controls.apply_control(config, store, conversation_id, "snooze", now, controls.snooze_length(length))
            return f"Snoozed until {_when(done.until, now)}"
        if action in ("done", "ignore", "reopen"):
            done = controls.apply_control(config, store, conversation_id, action, now)
            words = {"done": "Closed as done", "ignore": "Ignored: not a job conversation", "reopen": "Reopened"}
            extra = f"; mail like its {done.taught} message(s) will not be job mail either" if done.taught else ""
            return words[action] + extra
        if action == "relabel":
            key, label = form.get("message", ""), form.get("label", "")
            if label not in LABELS:
                raise UsageError(f"unknown label {label!r}")
            made = controls.relabel_message(store, key, Label.OTHER if label == "not-job" else Label(label), now)
            return f"Relabelled {made.correction.message_key[:8]}… as {label}; {len(made.followers)} like it follow"
        if action == "draft":
            return f"Saved as a draft in the {controls.save_draft(config, store, conversation_id, now)}"
    raise UsageError(f"unknown action {action!r}")


async def _form(request: Request) -> dict[str, str] | None:
    """A urlencoded form, small as the dashboard's are (no multipart: no upload here)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        return None
    body = await request.body()
    if len(body) > MAX_FORM:
        return None
    return dict(parse_qsl(body.decode("utf-8", "replace")))


def _failure(request: Request, exc: InboxwatchError) -> Response:
    return PlainTextResponse(f"inboxwatch: {exc}\n", status_code=500)


def _when(value: datetime | None, now: datetime) -> str:
    """A moment as the page shows it: in the zone of "now" (the machine's, or the one ``--now`` gives)."""
    return "—" if value is None else f"{value.astimezone(now.tzinfo):%a %d %b %H:%M}"


def _pretty(stage: str) -> str:
    return stage.replace("_", " ")


__all__ = ["create_app"]
