"""The local dashboard (``inboxwatch web``): Starlette pages rendered with Jinja2, served by uvicorn on 127.0.0.1.

- ``app``: the routes (overview, conversations, one conversation, the actions, ``/calendar.ics``);
- ``guard``: who may ask (the Host, the token as ``?token=`` then a cookie, the CSRF token of every POST);
- ``charts``: the response-time picture as SVG, drawn on the server;
- ``serve``: uvicorn, in the foreground (``inboxwatch web``) or in a thread of ``inboxwatch run``.

Its libraries are the optional ``web`` extra; nothing outside this package imports it, so a daemon without the
dashboard never loads them. What the pages show is computed by ``runtime.dashboard``; what the buttons do is
``runtime.controls``, the same code as the CLI's commands.
"""
