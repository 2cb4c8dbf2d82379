"""Who may use the dashboard: a local browser that holds the token.

Every request must name the dashboard itself as its Host (127.0.0.1 or localhost on its port: a page of
another site that rebinds its name to 127.0.0.1 is refused) and carry the token, as ``?token=`` (the address
``inboxwatch web`` prints) or the cookie the first visit sets; a page opened with ``?token=`` is sent on to the
same address without it, so the token does not stay in the address bar or the history. State-changing
requests are POSTs with the CSRF token in their form, and from no other origin. Anything else gets 403.
"""

from __future__ import annotations

import hmac
from typing import Final
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from inboxwatch.state.web_token import csrf_token

COOKIE_PREFIX: Final = "inboxwatch_"
FEED_PATHS: Final = frozenset({"/calendar.ics"})  # asked for by calendar apps, which keep the token in the address
FORBIDDEN: Final = (
    "403 Forbidden: open the address `inboxwatch web` prints (it carries the token), "
    "or the one in the state folder's web-token file.\n"
)


class Guard:
    """ASGI middleware: the Host and the token, checked before any route runs."""

    def __init__(self, app: ASGIApp, token: str, port: int) -> None:
        self.app = app
        self.token = token
        self.port = port
        self.cookie = f"{COOKIE_PREFIX}{port}"
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        response = self.refusal(request)
        if response is None:
            given = request.query_params.get("token")
            if given is not None and request.method == "GET" and request.url.path not in FEED_PATHS:
                response = self.welcome(request.url)
        if response is not None:
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["csrf"] = csrf_token(self.token)
        await self.app(scope, receive, send)

    def refusal(self, request: Request) -> Response | None:
        if request.headers.get("host", "") not in self.hosts:
            return PlainTextResponse("403 Forbidden: not the dashboard's address\n", status_code=403)
        given = request.query_params.get("token") or request.cookies.get(self.cookie) or ""
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            return PlainTextResponse(FORBIDDEN, status_code=403)
        if request.method not in ("GET", "HEAD", "POST"):
            return PlainTextResponse("405 Method Not Allowed\n", status_code=405)
        origin = request.headers.get("origin")
        if request.method == "POST" and origin is not None and origin not in {f"http://{h}" for h in self.hosts}:
            return PlainTextResponse("403 Forbidden: a request from another site\n", status_code=403)
        return None

    def welcome(self, url: URL) -> Response:
        """The first visit: keep the token in a cookie, and go on to the same page without it in the address."""
        rest = [(k, v) for k, v in parse_qsl(url.query) if k != "token"]
        target = url.path + (f"?{urlencode(rest)}" if rest else "")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(self.cookie, self.token, httponly=True, samesite="strict", path="/")
        return response


def check_csrf(request: Request, form: dict[str, str]) -> bool:
    expected = request.scope.get("state", {}).get("csrf", "")
    return bool(expected) and hmac.compare_digest(form.get("csrf", "").encode(), str(expected).encode())
