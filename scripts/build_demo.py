#!/usr/bin/env python3
"""Build the bundled, fictional demo mailbox that ``inboxwatch demo`` runs on.

Writes ``src/inboxwatch/demo/inbox/NN-slug.eml``, ``src/inboxwatch/demo/sent/NN-slug.eml``
and ``src/inboxwatch/demo/STORY.md``. Everything is deterministic (no clocks, no randomness:
Message-IDs, MIME boundaries and calendar UIDs are derived from hashes of fixed seeds), so
re-running the script reproduces the same bytes.

Standard library only. Usage::

    python scripts/build_demo.py            # (re)write the demo mailbox
    python scripts/build_demo.py --out DIR  # write somewhere else (DIR/inbox, DIR/sent, DIR/STORY.md)

All people, companies and domains are fictional (``*.example``); ATS, calendar and job-board
senders use the vendors' real sender formats so the demo exercises the same paths as real mail.
"""

# ruff: noqa: E501  (the mail bodies and the STORY.md template are long literal text)
from __future__ import annotations

import argparse
import base64
import hashlib
import html as _html
import io
import quopri
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.policy import Compat32
from email.utils import format_datetime, formataddr, getaddresses
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "inboxwatch" / "demo"

# --------------------------------------------------------------------------------------------
# Time: America/New_York, EST (-05:00) before 2026-03-08 02:00, EDT (-04:00) from then on.
# Fixed offsets on purpose: the output must not depend on the build machine's tz database.
# --------------------------------------------------------------------------------------------
_EST = timezone(timedelta(hours=-5))
_EDT = timezone(timedelta(hours=-4))
_DST_START = datetime(2026, 3, 8, 2, 0)


def et(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A 2026 wall-clock time in America/New_York as an aware datetime."""
    naive = datetime(2026, month, day, hour, minute, second)
    return naive.replace(tzinfo=_EDT if naive >= _DST_START else _EST)


def tzabbr(dt: datetime) -> str:
    return "EDT" if dt.utcoffset() == timedelta(hours=-4) else "EST"


NOW = et(3, 16, 9, 0)

ALEX = ("Alex Morgan", "alex.morgan@example.net")
ALEX_G = ("Alex Morgan", "alexmorgan.dev@gmail.example")
ALEX_SIG = "Alex Morgan\n(617) 555-0199 | linkedin.com/in/alexmorgan-data"

Person = tuple[str, str]

# --------------------------------------------------------------------------------------------
# Deterministic identifiers
# --------------------------------------------------------------------------------------------


def _h(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _uuid(seed: str, upper: bool = False) -> str:
    h = _h("uuid", seed)
    u = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
    return u.upper() if upper else u


def _b64tok(seed: str, n: int) -> str:
    raw = base64.b64encode(bytes.fromhex(_h("tok", seed)) * 2).decode()
    return raw.replace("/", "_")[:n]


def _outlook_prefix(domain: str) -> tuple[str, str]:
    h = _h("olk", domain)
    region = ["BN8PR04", "SA1PR12", "CH3PR10", "MN2PR19", "BL1PR02"][int(h[:2], 16) % 5]
    pfx = f"{region}MB{int(h[2:6], 16) % 9000 + 1000}"
    return pfx, f"namprd{region[-2:]}"


def message_id(seed: str, style: str, domain: str = "") -> str:
    h = _h("mid", seed)
    if style == "gmail":  # Gmail / Google Workspace web client
        return f"<CA{_b64tok(seed, 44)}@mail.{domain or 'gmail.com'}>"
    if style == "outlook":  # Exchange Online
        pfx, nam = _outlook_prefix(domain)
        return f"<{pfx}{h[:28].upper()}@{pfx}.{nam}.prod.outlook.com>"
    if style == "gcal":
        return f"<calendar-{_uuid(seed)}@google.com>"
    if style == "apple":
        return f"<{_uuid(seed, upper=True)}@{domain}>"
    if style == "workday":
        return f"<{int(h[:8], 16)}.{int(h[8:12], 16)}.{int(h[12:23], 16)}.JavaMail.wdprod@{domain}>"
    if style == "uuid":
        return f"<{_uuid(seed)}@{domain}>"
    return f"<{h[:20]}.{h[20:30]}@{domain}>"


def boundary(seed: str, style: str) -> str:
    h = _h("boundary", seed)
    if style == "gmail":
        return "000000000000" + h[:16]
    if style == "outlook":
        return f"_000_{h[:12].upper()}{h[12:20]}namp_"
    if style == "apple":
        return f"Apple-Mail-{_uuid(seed, upper=True)}"
    if style == "java":
        return f"----=_Part_{int(h[:5], 16)}_{int(h[5:13], 16)}.{int(h[13:23], 16)}"
    return f"==============={int(h[:17], 16)}=="


# --------------------------------------------------------------------------------------------
# MIME building blocks (compat32 Message objects so we control every header and encoding)
# --------------------------------------------------------------------------------------------


def fa(p: Person, charset: str = "utf-8") -> str:
    name, email = p
    return formataddr((name, email), charset=charset) if name else email


def fa_list(people: tuple[Person, ...] | list[Person]) -> str:
    return ", ".join(fa(p) for p in people)


def hdr(value: str) -> str | Header:
    """ASCII stays as is; anything else becomes an RFC 2047 encoded-word header."""
    try:
        value.encode("ascii")
    except UnicodeEncodeError:
        return Header(value, "utf-8")
    return value


def leaf(
    ctype: str,
    payload: str | bytes,
    *,
    charset: str | None = "utf-8",
    cte: str | None = None,
    params: tuple[tuple[str, str], ...] = (),
    disposition: str | None = None,
    filename: str | None = None,
) -> Message:
    m = Message()
    ct = ctype
    if charset:
        ct += f'; charset="{charset}"'
    for k, v in params:
        ct += f"; {k}={v}"
    data = payload.encode(charset or "utf-8") if isinstance(payload, str) else payload
    if cte is None:
        ascii_ok = all(b < 128 for b in data)
        fits = max((len(line) for line in data.split(b"\n")), default=0) <= 998  # RFC 5322 line limit
        cte = "7bit" if ascii_ok and fits else "quoted-printable"
    if cte == "base64":
        body = base64.encodebytes(data).decode("ascii")
    elif cte == "quoted-printable":
        body = quopri.encodestring(data).decode("ascii")
    elif cte == "7bit":
        body = data.decode("ascii")
    else:
        raise ValueError(cte)
    m["Content-Type"] = ct
    m["Content-Transfer-Encoding"] = cte
    if disposition:
        m["Content-Disposition"] = f'{disposition}; filename="{filename}"' if filename else disposition
    m.set_payload(body)
    return m


def multipart(subtype: str, parts: list[Message], seed: str, style: str, extra: str = "") -> Message:
    m = Message()
    m["Content-Type"] = f'multipart/{subtype}; boundary="{boundary(seed, style)}"{extra}'
    for p in parts:
        m.attach(p)
    return m


# --------------------------------------------------------------------------------------------
# Text helpers: quoting, attributions, plain text -> HTML
# --------------------------------------------------------------------------------------------


def h12(dt: datetime) -> str:
    hour = dt.hour % 12 or 12
    return f"{hour}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"


def short_time(dt: datetime) -> str:
    """Google Calendar style: 3pm, 10am, 9:45am."""
    hour = dt.hour % 12 or 12
    mins = f":{dt.minute:02d}" if dt.minute else ""
    return f"{hour}{mins}{'am' if dt.hour < 12 else 'pm'}"


def quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.rstrip("\n").split("\n"))


def gmail_attribution(dt: datetime, p: Person) -> str:
    return f"On {dt:%a}, {dt:%b} {dt.day}, {dt.year} at {h12(dt)} {p[0]} <{p[1]}> wrote:"


def apple_attribution(dt: datetime, p: Person) -> str:
    return f"On {dt:%b} {dt.day}, {dt.year}, at {h12(dt)}, {p[0]} <{p[1]}> wrote:"


def outlook_header_block(rec: Rec) -> str:
    dt = rec.date
    return (
        "________________________________\n"
        f"From: {rec.sender[0]} <{rec.sender[1]}>\n"
        f"Sent: {dt:%A}, {dt:%B} {dt.day}, {dt.year} {h12(dt)}\n"
        f"To: {', '.join(f'{n} <{e}>' for n, e in rec.to)}\n"
        f"Subject: {rec.subject}\n"
    )


_URL_RE = re.compile(r"https?://[^\s<>\"]+")


def _inline(s: str) -> str:
    out, pos = [], 0
    for m in _URL_RE.finditer(s):
        out.append(_html.escape(s[pos : m.start()], quote=False))
        url = m.group(0)
        out.append(f'<a href="{_html.escape(url)}">{_html.escape(url, quote=False)}</a>')
        pos = m.end()
    out.append(_html.escape(s[pos:], quote=False))
    return "".join(out)


def _render(text: str, tag: str = "div") -> str:
    lines = text.split("\n")
    blocks: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(f"<{tag}>" + "<br>\n".join(_inline(x) for x in para) + f"</{tag}>")
            para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(">"):
            flush()
            quoted = []
            while i < len(lines) and lines[i].startswith(">"):
                q = lines[i][1:]
                quoted.append(q[1:] if q.startswith(" ") else q)
                i += 1
            blocks.append(
                '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
                'border-left:1px solid rgb(204,204,204);padding-left:1ex">\n'
                + _render("\n".join(quoted), tag)
                + "\n</blockquote>"
            )
        elif not line.strip():
            flush()
            if tag == "div":
                blocks.append("<div><br></div>")
            i += 1
        else:
            para.append(line)
            i += 1
    flush()
    return "\n".join(blocks)


def gmail_html(text: str) -> str:
    return '<div dir="ltr">' + _render(text.rstrip("\n")) + "</div>\n"


def outlook_html(text: str) -> str:
    body = _render(text.rstrip("\n"), tag="p").replace("<p>", '<p class="MsoNormal">')
    return (
        '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">\n'
        '<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
        '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n'
        "<style><!--\np.MsoNormal, li.MsoNormal, div.MsoNormal\n"
        '\t{margin:0in;font-size:11.0pt;font-family:"Calibri",sans-serif;}\n'
        "--></style>\n</head>\n"
        '<body lang="EN-US" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">\n'
        '<div class="WordSection1">\n' + body + "\n</div>\n</body>\n</html>\n"
    )


def branded_html(brand: str, text: str, accent: str = "#1f4e79", footer: str = "") -> str:
    foot = _render(footer.rstrip("\n"), tag="p") if footer else ""
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_html.escape(brand)}</title>\n</head>\n"
        '<body style="margin:0;padding:0;background:#f4f5f7;">\n'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;">'
        '<tr><td align="center" style="padding:24px 12px;">\n'
        '<table role="presentation" width="600" cellpadding="0" cellspacing="0" '
        'style="background:#ffffff;border-radius:6px;font-family:Helvetica,Arial,sans-serif;'
        'font-size:15px;line-height:22px;color:#222222;">\n'
        f'<tr><td style="background:{accent};color:#ffffff;padding:18px 28px;font-size:18px;'
        f'font-weight:bold;border-radius:6px 6px 0 0;">{_html.escape(brand)}</td></tr>\n'
        '<tr><td style="padding:24px 28px;">\n'
        + _render(text.rstrip("\n"), tag="p")
        + "\n</td></tr>\n"
        + (
            '<tr><td style="padding:12px 28px 24px;font-size:12px;line-height:17px;color:#6b6f76;">\n'
            + foot
            + "\n</td></tr>\n"
            if foot
            else ""
        )
        + "</table>\n</td></tr></table>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------------------------
# iCalendar
# --------------------------------------------------------------------------------------------

VTIMEZONE_NY = [
    "BEGIN:VTIMEZONE",
    "TZID:America/New_York",
    "X-LIC-LOCATION:America/New_York",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:-0500",
    "TZOFFSETTO:-0400",
    "TZNAME:EDT",
    "DTSTART:19700308T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:-0400",
    "TZOFFSETTO:-0500",
    "TZNAME:EST",
    "DTSTART:19701101T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def ics_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _cn(name: str) -> str:
    return f'"{name}"' if any(c in name for c in ":;,") else name


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1) without splitting UTF-8 sequences."""
    out, cur, size, limit = [], "", 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(cur)
            cur, size, limit = " ", 1, 75
        cur += ch
        size += n
    out.append(cur)
    return "\r\n".join(out)


def _utc(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class Attendee:
    person: Person
    partstat: str = "NEEDS-ACTION"
    role: str = "REQ-PARTICIPANT"
    show_name: bool = True


def ics(
    *,
    method: str,
    prodid: str,
    uid: str,
    sequence: int,
    dtstamp: datetime,
    start: datetime,
    end: datetime,
    summary: str,
    organizer: Person,
    attendees: list[Attendee],
    description: str = "",
    location: str = "",
    status: str = "CONFIRMED",
    tz_mode: str = "utc",
    rrule: str | None = None,
    created: datetime | None = None,
    outlook: bool = False,
) -> str:
    lines = ["BEGIN:VCALENDAR"]
    if outlook:
        lines += [f"METHOD:{method}", f"PRODID:{prodid}", "VERSION:2.0"]
    else:
        lines += [f"PRODID:{prodid}", "VERSION:2.0", "CALSCALE:GREGORIAN", f"METHOD:{method}"]
    if tz_mode == "tzid":
        lines += VTIMEZONE_NY
    lines.append("BEGIN:VEVENT")

    def when(prop: str, dt: datetime) -> str:
        if tz_mode == "tzid":
            return f"{prop};TZID=America/New_York:{dt:%Y%m%dT%H%M%S}"
        return f"{prop}:{_utc(dt)}"

    lang = ";LANGUAGE=en-US" if outlook else ""
    org = f"ORGANIZER;CN={_cn(organizer[0])}:mailto:{organizer[1]}"
    atts = []
    for a in attendees:
        cn = a.person[0] if a.show_name and a.person[0] else a.person[1]
        if outlook:
            atts.append(f"ATTENDEE;ROLE={a.role};PARTSTAT={a.partstat};RSVP=TRUE;CN={_cn(cn)}:mailto:{a.person[1]}")
        else:
            rsvp = "TRUE" if a.partstat == "NEEDS-ACTION" else "FALSE"
            atts.append(
                f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE={a.role};PARTSTAT={a.partstat};RSVP={rsvp};"
                f"CN={_cn(cn)};X-NUM-GUESTS=0:mailto:{a.person[1]}"
            )
    created = created or dtstamp
    if outlook:
        lines += [org, *atts]
        lines.append(f"DESCRIPTION{lang}:{ics_escape(description)}")
        if rrule:
            lines.append(f"RRULE:{rrule}")
        lines += [
            f"UID:{uid}",
            f"SUMMARY{lang}:{ics_escape(summary)}",
            when("DTSTART", start),
            when("DTEND", end),
            "CLASS:PUBLIC",
            "PRIORITY:5",
            f"DTSTAMP:{_utc(dtstamp)}",
            "TRANSP:OPAQUE",
            f"STATUS:{status}",
            f"SEQUENCE:{sequence}",
            f"LOCATION{lang}:{ics_escape(location)}",
            f"X-MICROSOFT-CDO-APPT-SEQUENCE:{sequence}",
            f"X-MICROSOFT-CDO-OWNERAPPTID:{int(_h('appt', uid)[:7], 16)}",
            "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE",
            "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
            "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
            "X-MICROSOFT-CDO-IMPORTANCE:1",
            "X-MICROSOFT-CDO-INSTTYPE:0",
            "X-MICROSOFT-DONOTFORWARDMEETING:FALSE",
            "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
            "X-MICROSOFT-REQUESTEDATTENDANCEMODE:DEFAULT",
            "X-MICROSOFT-ISRESPONSEREQUESTED:TRUE",
            "BEGIN:VALARM",
            "DESCRIPTION:REMINDER",
            "TRIGGER;RELATED=START:-PT15M",
            "ACTION:DISPLAY",
            "END:VALARM",
        ]
    else:
        lines += [when("DTSTART", start), when("DTEND", end)]
        if rrule:
            lines.append(f"RRULE:{rrule}")
        lines += [f"DTSTAMP:{_utc(dtstamp)}", org, f"UID:{uid}", *atts]
        lines += [
            f"CREATED:{_utc(created)}",
            f"DESCRIPTION:{ics_escape(description)}",
            f"LAST-MODIFIED:{_utc(dtstamp)}",
            f"LOCATION:{ics_escape(location)}",
            f"SEQUENCE:{sequence}",
            f"STATUS:{status}",
            f"SUMMARY:{ics_escape(summary)}",
            "TRANSP:OPAQUE",
        ]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(x) for x in lines) + "\r\n"


def calendar_leaf(ics_text: str, method: str, *, as_attachment: bool = False, cte: str | None = None) -> Message:
    data = ics_text.encode("utf-8")
    if cte is None:
        cte = "7bit" if all(b < 128 for b in data) else "base64"
    if as_attachment:
        return leaf(
            "text/calendar",
            data,
            charset="utf-8",
            cte=cte,
            params=(("method", method), ("name", '"invite.ics"')),
            disposition="attachment",
            filename="invite.ics",
        )
    return leaf("text/calendar", data, charset="UTF-8", cte=cte, params=(("method", method),))


def ics_file_leaf(ics_text: str) -> Message:
    """Google Calendar's ``application/ics`` copy of the invitation."""
    return leaf(
        "application/ics",
        ics_text.encode("utf-8"),
        charset=None,
        cte="base64",
        params=(("name", '"invite.ics"'),),
        disposition="attachment",
        filename="invite.ics",
    )


# --------------------------------------------------------------------------------------------
# The mailbox
# --------------------------------------------------------------------------------------------


@dataclass
class Rec:
    folder: str
    slug: str
    date: datetime
    mid: str
    refs: list[str]
    text: str
    sender: Person
    to: list[Person]
    subject: str
    msg: Message
    name: str = ""  # file name, filled in by number()


@dataclass
class Box:
    recs: list[Rec] = field(default_factory=list)

    def by_slug(self, slug: str) -> Rec:
        for r in self.recs:
            if r.slug == slug:
                return r
        raise KeyError(slug)


BOX = Box()


def mail(
    folder: str,
    slug: str,
    *,
    date: datetime,
    sender: Person,
    to: list[Person],
    subject: str,
    text: str | None = None,
    html_body: str | None = None,
    html_style: str = "gmail",
    cc: list[Person] = (),  # type: ignore[assignment]
    reply_to: Person | None = None,
    sender_hdr: Person | None = None,
    reply: Rec | None = None,
    quote_style: str | None = "gmail",
    mid_style: str = "default",
    mid_domain: str | None = None,
    text_cte: str | None = None,
    html_cte: str | None = None,
    charset: str = "utf-8",
    alternative: bool = True,
    bstyle: str = "gmail",
    attachments: list[Message] = (),  # type: ignore[assignment]
    body: Message | None = None,
    headers: list[tuple[str, str]] = (),  # type: ignore[assignment]
    pre_headers: list[tuple[str, str]] | None = None,
    mime_version: str = "1.0",
    return_path: str | None = None,
    from_charset: str = "utf-8",
) -> Rec:
    """Build one message and register it in BOX. ``text`` is the body the user wrote (quotes are added)."""
    assert date < NOW, (slug, date)
    if any(r.slug == slug for r in BOX.recs):
        raise ValueError(f"duplicate slug {slug}")
    mid = message_id(f"{folder}/{slug}", mid_style, mid_domain or sender[1].rpartition("@")[2])
    refs: list[str] = []
    if reply is not None:
        refs = [*reply.refs, reply.mid]
        if text is not None and quote_style:
            if quote_style == "gmail":
                text = (
                    text.rstrip("\n")
                    + "\n\n"
                    + gmail_attribution(reply.date, reply.sender)
                    + "\n"
                    + quote(reply.text)
                    + "\n"
                )
            elif quote_style == "apple":
                text = (
                    text.rstrip("\n")
                    + "\n\n"
                    + quote(apple_attribution(reply.date, reply.sender) + "\n\n" + reply.text)
                    + "\n"
                )
            elif quote_style == "outlook":
                text = text.rstrip("\n") + "\n\n" + outlook_header_block(reply) + "\n" + reply.text.rstrip("\n") + "\n"
    if body is None:
        assert text is not None or html_body is not None
        parts: list[Message] = []
        if text is not None:
            parts.append(leaf("text/plain", text, charset=charset, cte=text_cte))
        if alternative or text is None:
            if html_body is None:
                html_body = {"gmail": gmail_html, "outlook": outlook_html}[html_style](text or "")
            parts.append(leaf("text/html", html_body, charset=charset, cte=html_cte))
        body = parts[0] if len(parts) == 1 else multipart("alternative", parts, f"{folder}/{slug}/alt", bstyle)
        if attachments:
            body = multipart("mixed", [body, *attachments], f"{folder}/{slug}/mixed", bstyle)

    top: list[tuple[str, str | Header]] = []
    if folder == "inbox":
        top.append(("Return-Path", f"<{return_path or sender[1]}>"))
        first = to[0][1] if to else ALEX[1]
        top.append(("Delivered-To", first if first in (ALEX[1], ALEX_G[1]) else ALEX[1]))
    top += list(pre_headers or [])
    top.append(("From", fa(sender, from_charset)))
    if sender_hdr:
        top.append(("Sender", fa(sender_hdr)))
    if reply_to:
        top.append(("Reply-To", fa(reply_to)))
    top.append(("To", fa_list(to)))
    if cc:
        top.append(("Cc", fa_list(cc)))
    top.append(("Subject", hdr(subject)))
    top.append(("Date", format_datetime(date)))
    top.append(("Message-ID", mid))
    if reply is not None:
        top.append(("In-Reply-To", reply.mid))
        top.append(("References", " ".join(refs)))
    top += list(headers)
    top.append(("MIME-Version", mime_version))

    content = list(body.items())
    for k in set(body.keys()):
        del body[k]
    for name, value in top:
        body[name] = value  # type: ignore[assignment]  # compat32 accepts Header objects
    for name, raw in content:
        body[name] = raw

    rec = Rec(folder, slug, date, mid, refs, text or "", sender, list(to), subject, body)
    BOX.recs.append(rec)
    return rec


class _DemoPolicy(Compat32):
    """compat32, but message identifiers and single URLs stay on one line (as real MTAs write them)."""

    _NO_FOLD = frozenset({"message-id", "in-reply-to", "return-path", "list-unsubscribe"})

    def _fold(self, name: str, value: str | Header, sanitize: bool) -> str:
        if name.lower() in self._NO_FOLD and isinstance(value, str):
            return f"{name}: {value}{self.linesep}"
        folded: str = super()._fold(name, value, sanitize)  # type: ignore[misc]
        return folded


_POLICY = _DemoPolicy(linesep="\n", max_line_length=78)


def serialize(msg: Message) -> bytes:
    buf = io.BytesIO()
    BytesGenerator(buf, mangle_from_=False, policy=_POLICY).flatten(msg)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Vendor templates: Google Calendar, Outlook/Exchange
# --------------------------------------------------------------------------------------------

GCAL_FOOTER = (
    "Invitation from Google Calendar: https://calendar.google.com/calendar/\n\n"
    "You are receiving this email because you are an attendee on the event. To stop receiving "
    "future updates for this event, decline this event.\n\n"
    "Forwarding this invitation could allow any recipient to send a response to the organizer, be "
    "added to the guest list, invite others regardless of their own invitation status, or modify "
    "your RSVP. Learn more https://support.google.com/calendar/answer/37135#forwarding\n"
)


def google_calendar(
    slug: str,
    *,
    kind: str,  # invite | update | cancel
    date: datetime,
    organizer: Person,
    guests: list[Attendee],
    to: Person,
    summary: str,
    start: datetime,
    end: datetime,
    uid: str,
    sequence: int,
    description: str = "",
    note: str = "",
    meet: str | None = None,
    created: datetime | None = None,
    rrule: str | None = None,
    when_text: str | None = None,
    cc: list[Person] = (),  # type: ignore[assignment]
) -> Rec:
    method = "CANCEL" if kind == "cancel" else "REQUEST"
    eid = _b64tok(uid, 42).replace("+", "")
    tz = tzabbr(start)
    when = when_text or f"{start:%a %b} {start.day}, {start.year} {short_time(start)} - {short_time(end)} ({tz})"
    prefix = {"invite": "Invitation", "update": "Updated invitation", "cancel": "Canceled event"}[kind]
    subject = f"{prefix}: {summary} @ {when} ({to[1]})"
    long_when = (
        f"{start:%A %b} {start.day}, {start.year} \u22c5 {short_time(start)} \u2013 {short_time(end)}"
        if not rrule
        else f"Weekly on Thursday \u22c5 {short_time(start)} \u2013 {short_time(end)}"
    )
    lead = {
        "invite": "You have been invited to the following event.",
        "update": "This event has been updated\nChanged: date and time",
        "cancel": "This event has been canceled.",
    }[kind]
    lines = [lead, ""]
    if note:
        if kind == "cancel":
            lines += [f"{organizer[0]} has canceled this event with a note:", f"\u201c{note}\u201d", ""]
        else:
            lines += [f"{organizer[0]} has included a note:", f"\u201c{note}\u201d", ""]
    lines += [summary, long_when, "Eastern Time - New York", ""]
    if meet and kind != "cancel":
        lines += ["Join with Google Meet", meet, "", "Join by phone", "(US) +1 617-555-0170 PIN: 482 193 557#", ""]
    lines += ["Organizer", organizer[0], organizer[1], "", "Guests"]
    for g in guests:
        label = g.person[0] if g.show_name and g.person[0] else g.person[1]
        if g.person == organizer:
            label += " - organizer"
        elif g.role == "OPT-PARTICIPANT":
            label += " - optional"
        lines.append(label)
    if kind != "cancel":
        lines.append(
            f"View all guest info https://calendar.google.com/calendar/event?action=VIEW&eid={eid}"
            f"&tok={_b64tok(uid + 'tok', 30)}&ctz=America%2FNew_York&hl=en&es=0"
        )
        if description:
            lines += ["", description]
        lines += [
            "",
            f"Reply for {to[1]} and view more details "
            f"https://calendar.google.com/calendar/event?action=VIEW&eid={eid}&ctz=America%2FNew_York&hl=en&es=0",
            "Your attendance is required.",
        ]
    lines += ["", "~~//~~", GCAL_FOOTER]
    text = "\n".join(lines)

    ics_desc = description
    if meet:
        ics_desc = (
            (description + "\n\n" if description else "")
            + "-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-\n"
            + f"Join with Google Meet: {meet}\n\nLearn more about Meet at: https://support.google.com/a/users/answer/9282720\n\n"
            + "Please do not edit this section.\n"
            + "-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-"
        )
    cal = ics(
        method=method,
        prodid="-//Google Inc//Google Calendar 70.9054//EN",
        uid=uid,
        sequence=sequence,
        dtstamp=date,
        start=start,
        end=end,
        summary=summary,
        organizer=organizer,
        attendees=guests,
        description=ics_desc,
        location=meet or "",
        status="CANCELLED" if kind == "cancel" else "CONFIRMED",
        tz_mode="tzid" if rrule else "utc",
        rrule=rrule,
        created=created,
    )
    html_body = (
        '<span itemscope itemtype="http://schema.org/InformAction"><span style="display:none" '
        'itemprop="about" itemscope itemtype="http://schema.org/Person"></span></span>\n'
        '<div style="font-family:Roboto,Helvetica,Arial,sans-serif;font-size:14px;color:#3c4043;">\n'
        + _render(text.rstrip("\n"))
        + "\n</div>\n"
    )
    seed = f"inbox/{slug}"
    alt = multipart(
        "alternative",
        [
            leaf("text/plain", text, charset="UTF-8", cte="base64", params=(("format", "flowed"), ("delsp", "yes"))),
            leaf("text/html", html_body, charset="UTF-8", cte="quoted-printable"),
            calendar_leaf(cal, method),
        ],
        seed + "/alt",
        "gmail",
    )
    body = multipart("mixed", [alt, ics_file_leaf(cal)], seed + "/mixed", "gmail")
    return mail(
        "inbox",
        slug,
        date=date,
        sender=organizer,
        sender_hdr=("Google Calendar", "calendar-notification@google.com"),
        reply_to=organizer,
        to=[to],
        cc=cc,
        subject=subject,
        text=text,
        body=body,
        mid_style="gcal",
        return_path=f"3{_b64tok(slug, 20).replace('+', '')}@calendar-server.bounces.google.com",
    )


TEAMS_FOOTER = (
    "________________________________________________________________________________\n"
    "Microsoft Teams meeting\n"
    "Join on your computer, mobile app or room device\n"
    "Click here to join the meeting<https://teams.microsoft.com/l/meetup-join/19%3ameeting_{tok}%40thread.v2/0>\n"
    "Meeting ID: {mid}\n"
    "Passcode: {pw}\n"
    "Download Teams<https://www.microsoft.com/en-us/microsoft-teams/download-app> | "
    "Join on the web<https://www.microsoft.com/microsoft-teams/join-a-meeting>\n"
    "Learn More<https://aka.ms/JoinTeamsMeeting> | Meeting options<https://teams.microsoft.com/meetingOptions/>\n"
    "________________________________________________________________________________\n"
)


def outlook_headers(subject: str, seed: str, date: datetime) -> list[tuple[str, str]]:
    h = _h("thread", seed)
    return [
        ("Thread-Topic", subject),
        ("Thread-Index", base64.b64encode(bytes.fromhex(h[:44])).decode()),
        ("Accept-Language", "en-US"),
        ("Content-Language", "en-US"),
        ("X-MS-Has-Attach", ""),
        ("X-MS-TNEF-Correlator", ""),
        ("X-MS-Exchange-Organization-SCL", "1"),
        ("X-MS-PublicTrafficType", "Email"),
        (
            "X-MS-Exchange-CrossTenant-OriginalArrivalTime",
            date.astimezone(UTC).strftime("%d %b %Y %H:%M:%S.0000 (UTC)").lstrip("0"),
        ),
        ("X-MS-Exchange-CrossTenant-AuthSource", f"{_outlook_prefix(seed)[0]}.namprd04.prod.outlook.com"),
    ]


def outlook_invite(
    slug: str,
    *,
    date: datetime,
    organizer: Person,
    attendees: list[Attendee],
    to: list[Person],
    summary: str,
    start: datetime,
    end: datetime,
    note: str,
    sequence: int = 0,
) -> Rec:
    seed = f"inbox/{slug}"
    h = _h("outlook-uid", seed).upper()
    uid = "040000008200E00074C5B7101A82E00800000000" + h[:16] + "0000000000000000" + "10000000" + h[16:48]
    tok = _b64tok(seed, 48).replace("+", "").replace("_", "")
    teams = TEAMS_FOOTER.format(
        tok=tok,
        mid=f"{int(h[48:54], 16) % 900 + 100} {int(h[54:58], 16) % 900 + 100} "
        f"{int(h[58:62], 16) % 900 + 100} {int(h[62:64], 16) % 900 + 100}",
        pw=_b64tok(seed + "pw", 6).replace("+", "x"),
    )
    when = (
        f"When: {start:%A, %B} {start.day}, {start.year} {h12(start)}-{h12(end)} "
        "(UTC-05:00) Eastern Time (US & Canada)."
    )
    text = f"{when}\nWhere: Microsoft Teams Meeting\n\n{note.rstrip()}\n\n{teams}"
    cal = ics(
        method="REQUEST",
        prodid="Microsoft Exchange Server 2010",
        uid=uid,
        sequence=sequence,
        dtstamp=date,
        start=start,
        end=end,
        summary=summary,
        organizer=organizer,
        attendees=attendees,
        description=text,
        location="Microsoft Teams Meeting",
        tz_mode="tzid",
        outlook=True,
    )
    alt = multipart(
        "alternative",
        [
            leaf("text/plain", text, cte="quoted-printable"),
            leaf("text/html", outlook_html(text), cte="quoted-printable"),
            calendar_leaf(cal, "REQUEST", cte="base64"),
        ],
        seed + "/alt",
        "outlook",
    )
    return mail(
        "inbox",
        slug,
        date=date,
        sender=organizer,
        to=to,
        subject=summary,
        text=text,
        body=alt,
        mid_style="outlook",
        headers=[
            *outlook_headers(summary, seed, date),
            ("x-ms-exchange-calendar-series-instance-id", base64.b64encode(bytes.fromhex(h[:40])).decode()),
            ("X-MS-Exchange-Organization-AuthAs", "Internal"),
        ],
    )


# ============================================================================================
# THE STORIES
# ============================================================================================

LINKEDIN_FOOTER = (
    "----------------------------------------\n\n"
    "This email was intended for Alex Morgan (Data Engineer at Pinecrest Software)\n"
    "Learn why we included this: https://www.linkedin.com/help/linkedin/answer/4788\n"
    "You are receiving {kind} emails.\n"
    "Unsubscribe: https://www.linkedin.com/comm/psettings/email-unsubscribe?lipi=urn%3Ali%3Apage%3Aemail_{tag}\n"
    "Help: https://www.linkedin.com/help/linkedin/answer/67\n\n"
    "\u00a9 2026 LinkedIn Corporation, 1000 West Maude Avenue, Sunnyvale, CA 94085.\n"
    "LinkedIn and the LinkedIn logo are registered trademarks of LinkedIn.\n"
)


def story_a_northwind() -> None:
    dana = ("Dana Whitfield", "dana.whitfield@northwind-analytics.example")
    marcus = ("Marcus Lee", "marcus.lee@northwind-analytics.example")
    li_text = (
        "Your application was sent to Northwind Analytics\n\n"
        "Senior Data Engineer\n"
        "Northwind Analytics \u00b7 Boston, MA (Hybrid)\n"
        "Applied on February 10, 2026\n\n"
        "View job: https://www.linkedin.com/comm/jobs/view/4157730218/\n\n"
        "Now, take these next steps for more success with your job search\n\n"
        "Stand out with a message to the hiring team. Members who reach out are more likely to hear back.\n\n"
        "Set an alert for jobs like this one: https://www.linkedin.com/comm/jobs/alerts?jobId=4157730218\n\n"
        + LINKEDIN_FOOTER.format(kind="Jobs activity", tag="jobs_application_sent")
    )
    mail(
        "inbox",
        "northwind-linkedin-application-sent",
        date=et(2, 10, 8, 14, 7),
        sender=("LinkedIn", "jobs-noreply@linkedin.com"),
        to=[ALEX],
        subject="Alex, your application was sent to Northwind Analytics",
        text=li_text,
        html_body=branded_html(
            "LinkedIn",
            li_text.split("----------")[0],
            "#0a66c2",
            li_text.split("----------------------------------------")[1],
        ),
        mid_style="uuid",
        mid_domain="linkedin.com",
        bstyle="java",
        return_path="s-2k7ahq1xv3pl2cfmnz0d84pbsy6yu9r0qwnv7c7b0f@bounce.linkedin.com",
        headers=[
            ("X-LinkedIn-Class", "JOBS-APPLY"),
            ("X-LinkedIn-Template", "jobs_application_sent"),
            ("List-Unsubscribe", "<https://www.linkedin.com/comm/psettings/email-unsubscribe?lipi=apply>"),
        ],
    )

    gh_text = (
        "Hi Alex,\n\n"
        "Thanks for applying to Northwind Analytics! We've received your application for the Senior Data "
        "Engineer position, and our recruiting team will review it shortly.\n\n"
        "If your background is a match for the role, a member of our team will reach out to talk about next "
        "steps. Because of the volume of applications we receive, we aren't able to respond to every applicant "
        "individually, but we truly appreciate your interest in joining us.\n\n"
        "In the meantime, you can read about how we work on our engineering blog: "
        "https://northwind-analytics.example/blog\n\n"
        "Best,\n"
        "The Northwind Analytics Recruiting Team\n\n"
        "Please do not reply to this message; this inbox is not monitored.\n"
    )
    mail(
        "inbox",
        "northwind-greenhouse-ack",
        date=et(2, 11, 10, 2, 41),
        sender=("Northwind Analytics via Greenhouse", "no-reply@us.greenhouse-mail.io"),
        to=[ALEX],
        subject="Thank you for applying to Northwind Analytics",
        text=gh_text,
        html_body=branded_html(
            "Northwind Analytics", gh_text, "#0f3d57", "Powered by Greenhouse \u00b7 https://www.greenhouse.com"
        ),
        mid_domain="us.greenhouse-mail.io",
        bstyle="default",
        return_path="bounces+4729113-2f0c-alex.morgan=example.net@us.greenhouse-mail.io",
        headers=[("X-Greenhouse-Template", "application_confirmation")],
    )

    invite = mail(
        "inbox",
        "northwind-recruiter-invite",
        date=et(2, 20, 9, 37, 12),
        sender=dana,
        to=[ALEX],
        subject="Northwind Analytics - Senior Data Engineer interview",
        text=(
            "Hi Alex,\n\n"
            "Thanks so much for your interest in the Senior Data Engineer role at Northwind Analytics. I've had a "
            "chance to go over your background with our hiring manager, Marcus Lee, and we'd love to set up a "
            "60-minute video interview to talk through your experience with streaming pipelines and where our "
            "data platform is headed this year.\n\n"
            "Could you send me a few windows of availability over the next two weeks? Afternoons Eastern tend to "
            "work best for Marcus. We'll meet over Google Meet, and I'll send a calendar invite once we've locked "
            "in a time.\n\n"
            "Looking forward to connecting!\n\n"
            "Best,\nDana\n\n"
            "--\n"
            "Dana Whitfield\n"
            "Senior Technical Recruiter | Northwind Analytics\n"
            "dana.whitfield@northwind-analytics.example | (617) 555-0142\n"
        ),
        mid_style="gmail",
        mid_domain="gmail.com",
    )

    mail(
        "sent",
        "northwind-reply-availability",
        date=et(2, 20, 12, 5, 33),
        sender=ALEX,
        to=[dana],
        subject="Re: Northwind Analytics - Senior Data Engineer interview",
        reply=invite,
        text=(
            "Hi Dana,\n\n"
            "Thank you for reaching out \u2014 I'd be glad to talk with you and Marcus.\n\n"
            "Here are a few windows that work on my end (all Eastern):\n\n"
            "- Thursday, Feb 26: 1:00\u20135:00 PM\n"
            "- Monday, Mar 2: 2:00\u20135:00 PM\n"
            "- Tuesday, Mar 3: 1:00\u20135:00 PM\n\n"
            "Happy to adjust if none of those line up.\n\n"
            "Best regards,\n" + ALEX_SIG + "\n"
        ),
        mid_domain="example.net",
    )

    google_calendar(
        "northwind-calendar-invite",
        kind="invite",
        date=et(2, 23, 11, 20, 4),
        organizer=dana,
        guests=[Attendee(dana, "ACCEPTED"), Attendee(marcus, "ACCEPTED"), Attendee(ALEX, show_name=False)],
        to=ALEX,
        summary="Interview: Alex Morgan / Senior Data Engineer",
        start=et(3, 3, 15, 0),
        end=et(3, 3, 16, 0),
        uid="0s5c1m3v9q2hk7r8d4pbn6tj1f@google.com",
        sequence=0,
        description=(
            "Hi Alex \u2014 looking forward to chatting! Marcus will join for the full hour. We'll spend about 40 "
            "minutes on your recent pipeline work and the Northwind data platform, and leave the rest for your "
            "questions.\n\nDana"
        ),
        meet="https://meet.google.com/wkr-hpfd-tzm",
        created=et(2, 23, 11, 19, 40),
    )

    mail(
        "sent",
        "northwind-thank-you",
        date=et(3, 3, 19, 10, 18),
        sender=ALEX,
        to=[dana],
        cc=[marcus],
        subject="Thank you - Senior Data Engineer interview",
        text=(
            "Hi Dana and Marcus,\n\n"
            "Thank you both for taking the time to speak with me this afternoon. I really enjoyed hearing how "
            "the team is moving the event pipeline from nightly batches to streaming, and the discussion about "
            "backfills and late-arriving data was a great example of the problems I'd love to work on.\n\n"
            "Our conversation made me even more excited about the Senior Data Engineer role. If there's anything "
            "else I can send along \u2014 code samples, references, or more detail on the Kafka migration I led at "
            "Pinecrest \u2014 please let me know.\n\n"
            "Thanks again, and I look forward to hearing about next steps.\n\n"
            "Best regards,\n" + ALEX_SIG + "\n"
        ),
        mid_domain="example.net",
    )


def story_b_larkspur() -> None:
    priya = ("Priya Nair", "priya.nair@larkspurhealth.example")
    daniel = ("Daniel Cho", "daniel.cho@larkspurhealth.example")
    lever = ("Larkspur Health", "no-reply@hire.lever.co")
    ack_text = (
        "Hi Alex,\n\n"
        "Thank you for your interest in Larkspur Health! We've received your application for the Product "
        "Analyst position, and our team is reviewing it now.\n\n"
        "We'll be in touch if your experience is a fit for what we're looking for. In the meantime, you can "
        "learn more about our mission and our teams at https://larkspurhealth.example/careers.\n\n"
        "Warmly,\n"
        "The Larkspur Health Talent Team\n"
    )
    mail(
        "inbox",
        "larkspur-lever-ack",
        date=et(3, 2, 14, 21, 9),
        sender=lever,
        to=[ALEX],
        subject="Thank you for your application to Larkspur Health",
        text=ack_text,
        html_body=branded_html("Larkspur Health", ack_text, "#3b6e4f", "Sent with Lever \u00b7 https://www.lever.co"),
        mid_style="uuid",
        mid_domain="hire.lever.co",
        bstyle="default",
        headers=[("X-Lever-Message-Type", "application-confirmation")],
    )

    invite = mail(
        "inbox",
        "larkspur-recruiter-invite",
        date=et(3, 5, 10, 48, 55),
        sender=priya,
        to=[ALEX],
        subject="Interview for Product Analyst at Larkspur Health",
        text=(
            "Hi Alex,\n\n"
            "I'm Priya, a Talent Partner here at Larkspur Health. Thanks for applying to our Product Analyst "
            "role \u2014 your experience building self-serve dashboards for operations teams really stood out.\n\n"
            "We'd like to invite you to a 60-minute video interview with me and Daniel Cho, our Director of "
            "Product Analytics. Would Thursday, March 12 at 11:00 AM ET work for you? If not, just send me a "
            "couple of alternatives that week.\n\n"
            "Once we confirm, you'll get a calendar invitation with the Zoom details.\n\n"
            "All the best,\n"
            "Priya Nair\n"
            "Talent Partner, Larkspur Health\n"
        ),
        mid_style="uuid",
        mid_domain="hire.lever.co",
    )

    mail(
        "sent",
        "larkspur-reply-accept",
        date=et(3, 5, 13, 2, 40),
        sender=ALEX,
        to=[priya],
        subject="Re: Interview for Product Analyst at Larkspur Health",
        reply=invite,
        text=(
            "Hi Priya,\n\n"
            "Thanks so much \u2014 Thursday, March 12 at 11:00 AM ET works perfectly. I'm looking forward to "
            "meeting you and Daniel.\n\n"
            "Best,\nAlex\n"
        ),
        mid_domain="example.net",
    )

    start, end = et(3, 12, 11, 0), et(3, 12, 12, 0)
    zoom = "https://zoom.us/j/84210675532?pwd=bGFya3NwdXJQQTIwMjY"
    conf_text = (
        "Hi Alex,\n\n"
        "Your interview with Larkspur Health is confirmed. The details are below, and a calendar invitation "
        "is attached.\n\n"
        "Position: Product Analyst\n"
        "Date: Thursday, March 12, 2026\n"
        "Time: 11:00 AM \u2013 12:00 PM EDT (America/New_York)\n"
        f"Location: Zoom \u2014 {zoom}\n"
        "Interviewers: Priya Nair (Talent Partner), Daniel Cho (Director, Product Analytics)\n\n"
        "Need to reschedule? Reply to this email and Priya will help find another time.\n\n"
        "Larkspur Health Talent Team\n"
    )
    cal = ics(
        method="REQUEST",
        prodid="-//Lever//Lever Hire Interview Scheduling//EN",
        uid=f"lever-interview-{_uuid('larkspur-interview')}@hire.lever.co",
        sequence=0,
        dtstamp=et(3, 6, 9, 15, 2),
        start=start,
        end=end,
        summary="Interview: Alex Morgan / Product Analyst",
        organizer=priya,
        attendees=[Attendee(priya, "ACCEPTED"), Attendee(daniel, "ACCEPTED"), Attendee(ALEX)],
        description=f"Product Analyst interview with Larkspur Health.\nJoin Zoom: {zoom}",
        location=zoom,
        tz_mode="tzid",
    )
    mail(
        "inbox",
        "larkspur-lever-confirmation",
        date=et(3, 6, 9, 15, 20),
        sender=lever,
        reply_to=priya,
        to=[ALEX],
        subject="Interview confirmation: Product Analyst at Larkspur Health",
        text=conf_text,
        html_body=branded_html("Larkspur Health", conf_text, "#3b6e4f", "Sent with Lever \u00b7 https://www.lever.co"),
        attachments=[calendar_leaf(cal, "REQUEST", as_attachment=True, cte="base64")],
        mid_style="uuid",
        mid_domain="hire.lever.co",
        bstyle="default",
        headers=[("X-Lever-Message-Type", "interview-confirmation")],
    )


def story_c_copperline() -> None:
    sam = ("Sam Okafor", "sam.okafor@copperline-robotics.example")
    helen = ("Helen Brooks", "helen.brooks@copperline-robotics.example")
    raj = ("Raj Patel", "raj.patel@copperline-robotics.example")
    sig = (
        "Sam Okafor (he/him)\n"
        "Technical Recruiter | Copperline Robotics\n"
        "M: (857) 555-0113\n"
        "copperline-robotics.example/careers\n"
    )
    invite = mail(
        "inbox",
        "copperline-recruiter-invite",
        date=et(2, 9, 11, 12, 30),
        sender=sam,
        to=[ALEX],
        subject="Copperline Robotics - Backend Engineer interview",
        text=(
            "Hi Alex,\n\n"
            "Thanks for the great phone screen last week! I shared my notes with the team and we'd like to move "
            "you forward for the Backend Engineer role.\n\n"
            "The next step is a 60-minute technical conversation with Helen Brooks, our Engineering Manager for "
            "Fleet Platform, and Raj Patel, one of our staff engineers. Would Tuesday, February 17 at 10:00 AM ET "
            "work for you? It'll be on Microsoft Teams.\n\n"
            "Thanks,\nSam\n\n" + sig
        ),
        html_style="outlook",
        mid_style="outlook",
        bstyle="outlook",
        headers=outlook_headers(
            "Copperline Robotics - Backend Engineer interview", "copperline-invite", et(2, 9, 11, 12)
        ),
    )
    mail(
        "sent",
        "copperline-reply-confirm",
        date=et(2, 9, 13, 40, 2),
        sender=ALEX,
        to=[sam],
        subject="Re: Copperline Robotics - Backend Engineer interview",
        reply=invite,
        text=(
            "Hi Sam,\n\n"
            "Great news, thank you! Tuesday, February 17 at 10:00 AM ET works well for me. Looking forward to "
            "meeting Helen and Raj.\n\n"
            "Best,\nAlex\n"
        ),
        mid_domain="example.net",
    )
    outlook_invite(
        "copperline-outlook-invite",
        date=et(2, 10, 9, 5, 48),
        organizer=sam,
        attendees=[Attendee(ALEX), Attendee(helen), Attendee(raj)],
        to=[ALEX, helen, raj],
        summary="Interview: Alex Morgan / Backend Engineer",
        start=et(2, 17, 10, 0),
        end=et(2, 17, 11, 0),
        note=(
            "Hi Alex,\n\n"
            "Looking forward to it! You'll meet with Helen Brooks (Engineering Manager, Fleet Platform) and Raj "
            "Patel (Staff Software Engineer). Plan on about 40 minutes of system design discussion around our "
            "telemetry ingestion service, then time for your questions.\n\n"
            "Sam"
        ),
    )
    ty = mail(
        "sent",
        "copperline-thank-you",
        date=et(2, 17, 14, 31, 5),
        sender=ALEX,
        to=[sam],
        subject="Thank you - Backend Engineer interview",
        text=(
            "Hi Sam,\n\n"
            "Thank you for setting up this morning's interview. I really enjoyed the conversation with Helen and "
            "Raj \u2014 the telemetry ingestion design question was a lot of fun, and it was great to hear how the "
            "Fleet Platform team thinks about back-pressure when a warehouse full of robots reconnects at once.\n\n"
            "Would you mind passing my thanks along to them? I'm very excited about the Backend Engineer role and "
            "would love to help build out that platform.\n\n"
            "Best regards,\n" + ALEX_SIG + "\n"
        ),
        mid_domain="example.net",
    )
    mail(
        "sent",
        "copperline-follow-up-iphone",
        date=et(2, 25, 7, 48, 11),
        sender=ALEX,
        to=[sam],
        subject="Re: Thank you - Backend Engineer interview",
        reply=ty,
        quote_style="apple",
        text=(
            "Hi Sam,\n\n"
            "Just checking in on the Backend Engineer role. I really enjoyed talking with Helen and Raj last week "
            "and I'm still very interested. Is there any update on timing or next steps?\n\n"
            "Thanks,\nAlex\n\n"
            "Sent from my iPhone\n"
        ),
        alternative=False,
        text_cte="quoted-printable",
        mid_style="apple",
        mid_domain="example.net",
        mime_version="1.0 (1.0)",
        headers=[("X-Mailer", "iPhone Mail (22D72)")],
    )


def story_d_halcyon() -> None:
    wd = ("Halcyon Bank", "halcyonbank@myworkday.com")
    jose = ("Jos\u00e9 Fern\u00e1ndez", "jose.fernandez@halcyonbank.example")
    wd_footer = (
        "This message was sent from an unmonitored mailbox. Please do not reply.\n"
        "Halcyon Bank is an Equal Opportunity Employer. Member FDIC."
    )
    ack = (
        "Dear Alex,\n\n"
        "Thank you for your interest in Halcyon Bank. We have received your application for the Risk Analyst "
        "position (Job Requisition R-20417).\n\n"
        "Our Talent Acquisition team will review your qualifications against the requirements of the role. If "
        "your background is a match, a member of the team will contact you about next steps. You can check the "
        "status of your application at any time from your Candidate Home:\n"
        "https://halcyonbank.wd5.myworkdayjobs.com/en-US/HalcyonCareers/userHome\n\n"
        "Sincerely,\n"
        "Halcyon Bank Talent Acquisition\n\n" + wd_footer + "\n"
    )
    mail(
        "inbox",
        "halcyon-workday-ack",
        date=et(1, 26, 19, 32, 47),
        sender=wd,
        to=[ALEX],
        subject="Thank you for applying to Halcyon Bank - Risk Analyst (R-20417)",
        text=ack,
        html_body=branded_html("Halcyon Bank Careers", ack, "#14325c"),
        mid_style="workday",
        mid_domain="myworkday.com",
        bstyle="java",
    )
    inv = (
        "Dear Alex,\n\n"
        "Congratulations! The hiring team for Risk Analyst (R-20417) would like to invite you to a 60-minute "
        "virtual interview.\n\n"
        "Please sign in to your Candidate Home and select an interview time that works best for you by "
        "Wednesday, February 4. Available times are shown in your local time zone.\n"
        "https://halcyonbank.wd5.myworkdayjobs.com/en-US/HalcyonCareers/userHome\n\n"
        "Once you have selected a time, you will receive a confirmation with the Microsoft Teams details.\n\n"
        "Sincerely,\n"
        "Halcyon Bank Talent Acquisition\n\n" + wd_footer + "\n"
    )
    mail(
        "inbox",
        "halcyon-workday-interview-invite",
        date=et(2, 2, 10, 15, 3),
        sender=wd,
        to=[ALEX],
        subject="Halcyon Bank Interview Invitation - Risk Analyst (R-20417)",
        text=inv,
        html_body=branded_html("Halcyon Bank Careers", inv, "#14325c"),
        mid_style="workday",
        mid_domain="myworkday.com",
        bstyle="java",
    )
    conf = mail(
        "inbox",
        "halcyon-recruiter-confirmation",
        date=et(2, 3, 16, 47, 26),
        sender=jose,
        from_charset="iso-8859-1",
        to=[ALEX],
        subject="Interview confirmation - Risk Analyst, Thursday 2/5 at 2:00 PM ET",
        text=(
            "Hi Alex,\n\n"
            "Thanks for picking a slot in Workday \u2013 I\u2019m confirming your interview for the Risk Analyst "
            "role (R-20417):\n\n"
            "  Date:   Thursday, February 5, 2026\n"
            "  Time:   2:00 \u2013 3:00 PM ET\n"
            "  Format: Microsoft Teams \u2013 https://teams.microsoft.com/l/meetup-join/19%3ameeting_SGFsY3lvblJB%40thread.v2/0\n"
            "  Panel:  Ingrid Solberg (VP, Credit Risk) and myself\n\n"
            "Ingrid will spend most of the hour on your modelling experience \u2013 the \u201cstress testing\u201d "
            "project on your r\u00e9sum\u00e9 in particular \u2013 so it\u2019s worth having an example or two ready.\n\n"
            "Un saludo,\n"
            "Jos\u00e9\n\n"
            "Jos\u00e9 Fern\u00e1ndez\n"
            "Talent Acquisition Partner | Halcyon Bank\n"
            "jose.fernandez@halcyonbank.example | 212-555-0187\n"
        ),
        charset="windows-1252",
        text_cte="quoted-printable",
        alternative=False,
        mid_style="outlook",
        headers=[("X-Mailer", "Microsoft Outlook 16.0"), ("Thread-Index", "AdqV3k9s0Yt2bXl4QfC1mZc8rPq7vA==")],
    )
    mail(
        "sent",
        "halcyon-thank-you",
        date=et(2, 5, 16, 40, 9),
        sender=ALEX,
        to=[jose],
        subject="Re: Interview confirmation - Risk Analyst, Thursday 2/5 at 2:00 PM ET",
        reply=conf,
        text=(
            "Hi Jos\u00e9,\n\n"
            "Thank you for arranging today's interview, and please thank Ingrid for me as well. I enjoyed walking "
            "through the stress-testing project, and her questions about model governance gave me a clear picture "
            "of how the Credit Risk team works.\n\n"
            "I'm very interested in the Risk Analyst role and look forward to hearing about next steps.\n\n"
            "Best regards,\n" + ALEX_SIG + "\n"
        ),
        mid_domain="example.net",
    )
    rej = (
        "Dear Alex,\n\n"
        "Thank you for your interest in the Risk Analyst (R-20417) position at Halcyon Bank and for the time you "
        "spent interviewing with our team.\n\n"
        "After careful consideration, we have decided to move forward with other candidates whose experience "
        "more closely matches the needs of the role at this time.\n\n"
        "We were impressed by your background, and with your permission we will keep your r\u00e9sum\u00e9 on "
        "file for future opportunities. We encourage you to continue visiting our career site and to apply for "
        "positions that match your skills and interests.\n\n"
        "We wish you every success in your search.\n\n"
        "Sincerely,\n"
        "Halcyon Bank Talent Acquisition\n\n" + wd_footer + "\n"
    )
    mail(
        "inbox",
        "halcyon-workday-rejection",
        date=et(3, 2, 11, 5, 51),
        sender=wd,
        to=[ALEX],
        subject="Update on your application - Risk Analyst (R-20417)",
        text=rej,
        html_body=branded_html("Halcyon Bank Careers", rej, "#14325c"),
        text_cte="base64",
        html_cte="base64",
        mid_style="workday",
        mid_domain="myworkday.com",
        bstyle="java",
    )


def story_e_tidewater() -> None:
    maya = ("Maya Castillo", "maya.castillo@tidewatergames.example")
    theo = ("Theo Lindqvist", "theo.lindqvist@tidewatergames.example")
    rosa = ("Rosa Imani", "rosa.imani@tidewatergames.example")
    sig = "Maya Castillo\nRecruiter, Tidewater Games\nProvidence, RI\n"
    inv = mail(
        "inbox",
        "tidewater-recruiter-invite",
        date=et(2, 12, 10, 5, 17),
        sender=maya,
        to=[ALEX],
        subject="Tidewater Games - Gameplay Engineer next steps",
        text=(
            "Hi Alex!\n\n"
            "Thanks for applying for the Gameplay Engineer role \u2014 the team loved the physics sandbox in your "
            "portfolio (the grappling-hook demo got passed around a lot).\n\n"
            "We'd like to set up a first interview: 45 minutes on Zoom with Theo Lindqvist, our lead gameplay "
            "engineer. It's a conversation about your projects plus a short code walkthrough, nothing to prepare "
            "in advance. Could you share some availability for February 17\u201319?\n\n"
            "Cheers,\n" + sig
        ),
        mid_style="gmail",
        mid_domain="gmail.com",
    )
    avail = mail(
        "sent",
        "tidewater-reply-availability",
        date=et(2, 12, 12, 30, 44),
        sender=ALEX,
        to=[maya],
        subject="Re: Tidewater Games - Gameplay Engineer next steps",
        reply=inv,
        text=(
            "Hi Maya,\n\n"
            "That's great to hear, thank you! I'm free:\n\n"
            "Tue Feb 17 \u2014 after 2 PM ET\n"
            "Wed Feb 18 \u2014 anytime 11 AM to 4 PM ET\n"
            "Thu Feb 19 \u2014 before noon ET\n\n"
            "Best,\nAlex\n"
        ),
        mid_domain="example.net",
    )
    conf = mail(
        "inbox",
        "tidewater-recruiter-confirm",
        date=et(2, 16, 9, 40, 2),
        sender=maya,
        to=[ALEX],
        subject="Re: Tidewater Games - Gameplay Engineer next steps",
        reply=avail,
        text=(
            "Hi Alex,\n\n"
            "You're all set for Wednesday, February 18 from 1:00 to 1:45 PM ET with Theo.\n\n"
            "Zoom: https://zoom.us/j/93318840127?pwd=dGlkZXdhdGVyR0UyMDI2\n\n"
            "Have fun with it!\n" + sig
        ),
        mid_style="gmail",
        mid_domain="gmail.com",
    )
    mail(
        "sent",
        "tidewater-thank-you-first-round",
        date=et(2, 18, 15, 10, 26),
        sender=ALEX,
        to=[maya],
        subject="Re: Tidewater Games - Gameplay Engineer next steps",
        reply=conf,
        text=(
            "Hi Maya,\n\n"
            "Thank you for setting up today's interview with Theo \u2014 I had a great time. Walking through the "
            "character controller code together and talking about how the team prototypes mechanics in a week "
            "made me even more excited about Tidewater.\n\n"
            "Please pass my thanks on to Theo. Looking forward to hearing about next steps!\n\n"
            "Best,\nAlex\n"
        ),
        mid_domain="example.net",
    )
    google_calendar(
        "tidewater-final-round-invite",
        kind="invite",
        date=et(2, 20, 11, 30, 15),
        organizer=maya,
        guests=[
            Attendee(maya, "ACCEPTED"),
            Attendee(theo, "ACCEPTED"),
            Attendee(rosa, "ACCEPTED"),
            Attendee(ALEX, show_name=False),
        ],
        to=ALEX,
        summary="Final Round Interview: Alex Morgan / Gameplay Engineer",
        start=et(2, 27, 10, 0),
        end=et(2, 27, 13, 0),
        uid="6ht2m0qk4c1n9lbd8vrsj3p5ea@google.com",
        sequence=0,
        note=(
            "Great news, Alex \u2014 the team would love to have you back for the final round! Schedule is in the "
            "description. Let me know if anything doesn't work."
        ),
        description=(
            "10:00 \u2013 10:50  Systems design: combat & input (Theo Lindqvist)\n"
            "11:00 \u2013 11:50  Pairing exercise in our engine sandbox\n"
            "12:00 \u2013 1:00   Lunch & studio culture chat with Rosa Imani (Studio Director)"
        ),
        meet="https://meet.google.com/tgx-umqa-fwn",
        created=et(2, 20, 11, 28),
    )
    mail(
        "sent",
        "tidewater-thank-you-final-round",
        date=et(2, 27, 16, 5, 51),
        sender=ALEX,
        to=[maya],
        cc=[theo],
        subject="Thank you - Gameplay Engineer final round",
        text=(
            "Hi Maya and Theo,\n\n"
            "Thank you for a fantastic final round today. The pairing session on the dodge-cancel bug was the "
            "most fun I've had in an interview, and lunch with Rosa gave me a real sense of how the studio works. "
            "Please thank everyone who gave up their morning for me.\n\n"
            "I'm very excited about the Gameplay Engineer role and hope to be part of the team.\n\n"
            "All the best,\nAlex\n"
        ),
        mid_domain="example.net",
    )
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
        b"4 0 obj<</Length 118>>stream\nBT /F1 14 Tf 72 720 Td (Tidewater Games - Offer of Employment) Tj "
        b"0 -24 Td (Alex Morgan - Gameplay Engineer - fictional demo) Tj ET\nendstream endobj\n"
        b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    offer = mail(
        "inbox",
        "tidewater-offer",
        date=et(3, 11, 14, 2, 38),
        sender=maya,
        to=[ALEX],
        cc=[rosa],
        subject="Offer - Gameplay Engineer at Tidewater Games",
        text=(
            "Hi Alex,\n\n"
            "On behalf of everyone at Tidewater Games: we're delighted to offer you the position of Gameplay "
            "Engineer! The whole panel came out of your final round excited, and Rosa and Theo can't wait to "
            "have you on the team.\n\n"
            "Your offer letter is attached. The highlights:\n\n"
            "- Base salary: $148,000\n"
            "- Sign-on bonus: $10,000\n"
            "- Proposed start date: Monday, April 6, 2026\n"
            "- Hybrid: Providence studio Tuesday through Thursday\n\n"
            "Please review it and let us know by March 20. I'm happy to set up a call with Rosa if you'd like to "
            "talk anything through, and I can connect you with our benefits team for questions.\n\n"
            "Congratulations!\n" + sig
        ),
        attachments=[
            leaf(
                "application/pdf",
                pdf,
                charset=None,
                cte="base64",
                params=(("name", '"Tidewater_Games_Offer_Letter_Alex_Morgan.pdf"'),),
                disposition="attachment",
                filename="Tidewater_Games_Offer_Letter_Alex_Morgan.pdf",
            )
        ],
        mid_style="gmail",
        mid_domain="gmail.com",
    )
    mail(
        "sent",
        "tidewater-offer-reply",
        date=et(3, 11, 18, 45, 3),
        sender=ALEX_G,
        to=[maya],
        cc=[rosa],
        subject="Re: Offer - Gameplay Engineer at Tidewater Games",
        reply=offer,
        text=(
            "Hi Maya,\n\n"
            "Thank you so much \u2014 I'm thrilled! I'll read through the letter carefully and get back to you "
            "before the 20th. A short call with Rosa later this week would be great, and I'd appreciate an "
            "introduction to the benefits team too.\n\n"
            "Thanks again to you and the whole team.\n\n"
            "Alex\n"
        ),
        mid_style="gmail",
        mid_domain="gmail.example",
    )


def story_f_fernhill() -> None:
    nadia = ("Nadia Rahman", "nadia.rahman@fernhill-energy.example")
    claire = ("Claire Dubois", "claire.dubois@fernhill-energy.example")
    sig = "Nadia Rahman\nTalent Acquisition Lead\nFernhill Energy | Powering the Northeast grid\nT: (603) 555-0164\n"
    inv = mail(
        "inbox",
        "fernhill-recruiter-invite",
        date=et(3, 2, 15, 20, 13),
        sender=nadia,
        to=[ALEX],
        subject="Data Scientist interview - Fernhill Energy",
        text=(
            "Hi Alex,\n\n"
            "Thank you for applying for the Data Scientist position on our Grid Forecasting team. We'd like to "
            "invite you to a one-hour interview with Claire Dubois, our Data Science Manager.\n\n"
            "Would Monday, March 9 at 1:00 PM ET work? The interview will be on Teams and will cover your "
            "forecasting experience and a short case discussion.\n\n"
            "Kind regards,\nNadia\n\n" + sig
        ),
        html_style="outlook",
        mid_style="outlook",
        bstyle="outlook",
        headers=outlook_headers("Data Scientist interview - Fernhill Energy", "fernhill-invite", et(3, 2, 15, 20)),
    )
    mail(
        "sent",
        "fernhill-reply-confirm",
        date=et(3, 2, 18, 5, 37),
        sender=ALEX,
        to=[nadia],
        subject="Re: Data Scientist interview - Fernhill Energy",
        reply=inv,
        text=(
            "Hi Nadia,\n\n"
            "Thank you for the invitation! Monday, March 9 at 1:00 PM ET works for me. I look forward to "
            "speaking with Claire.\n\n"
            "Best regards,\nAlex Morgan\n"
        ),
        mid_domain="example.net",
    )
    outlook_invite(
        "fernhill-outlook-invite",
        date=et(3, 3, 8, 55, 21),
        organizer=nadia,
        attendees=[Attendee(ALEX), Attendee(claire)],
        to=[ALEX, claire],
        summary="Interview: Alex Morgan / Data Scientist",
        start=et(3, 9, 13, 0),
        end=et(3, 9, 14, 0),
        note=(
            "Hi Alex,\n\nHere is the invitation for Monday. Claire will share a short load-forecasting case on "
            "screen; no preparation needed.\n\nNadia"
        ),
    )
    ty = mail(
        "sent",
        "fernhill-thank-you",
        date=et(3, 9, 17, 20, 45),
        sender=ALEX,
        to=[nadia],
        subject="Thank you - Data Scientist interview",
        text=(
            "Hi Nadia,\n\n"
            "Thank you for arranging today's interview. I really enjoyed the conversation with Claire, especially "
            "the case about forecasting load during cold snaps \u2014 it's exactly the kind of problem I'd like to "
            "spend my time on.\n\n"
            "Please pass along my thanks to Claire. I'm looking forward to hearing about next steps.\n\n"
            "Best regards,\n" + ALEX_SIG + "\n"
        ),
        mid_domain="example.net",
    )
    mail(
        "inbox",
        "fernhill-recruiter-timeline",
        date=et(3, 10, 10, 12, 8),
        sender=nadia,
        to=[ALEX],
        subject="RE: Thank you - Data Scientist interview",
        reply=ty,
        quote_style="outlook",
        text=(
            "Thanks Alex, it was great having you in on Monday \u2013 Claire enjoyed the conversation.\n\n"
            "The team is meeting candidates this week; we'll get back to you by Friday, March 20.\n\n"
            "Kind regards,\nNadia\n\n" + sig
        ),
        html_style="outlook",
        mid_style="outlook",
        bstyle="outlook",
        headers=outlook_headers("Thank you - Data Scientist interview", "fernhill-ty", et(3, 10, 10, 12)),
    )


def story_g_brightpath() -> None:
    leah = ("Leah Goldberg", "leah.goldberg@brightpathlearning.example")
    tom = ("Tom Reyes", "tom.reyes@brightpathlearning.example")
    sig = "Leah Goldberg\nRecruiter | Brightpath Learning\nbrightpathlearning.example\n"
    mail(
        "inbox",
        "brightpath-recruiter-next-steps",
        date=et(2, 17, 13, 25, 50),
        sender=leah,
        to=[ALEX],
        subject="Next steps - UX Researcher at Brightpath Learning",
        text=(
            "Hi Alex,\n\n"
            "Thanks for your application to the UX Researcher role at Brightpath Learning. We'd love to learn more "
            "about your research work!\n\n"
            "Please use the link below to book a 45-minute interview with me and Tom Reyes, our Research Lead. "
            "Times are shown in your time zone:\n"
            "https://calendly.com/leah-goldberg-brightpath/ux-researcher-interview\n\n"
            "Talk soon,\n" + sig
        ),
        mid_style="gmail",
        mid_domain="gmail.com",
    )
    start, end = et(2, 24, 10, 0), et(2, 24, 10, 45)
    zoom = "https://zoom.us/j/86602231945?pwd=YnJpZ2h0cGF0aFVYUjI2"
    cal_text = (
        "Hi Alex Morgan,\n\n"
        "Event scheduled\n\n"
        "Your UX Researcher Interview with Leah Goldberg is confirmed.\n\n"
        "Event Type:\nUX Researcher Interview\n\n"
        "Invitee:\nAlex Morgan\n\n"
        "Invitee Email:\nalex.morgan@example.net\n\n"
        "Event Date/Time:\n10:00am - Tuesday, February 24, 2026 (Eastern Time - US & Canada)\n\n"
        f"Location:\nThis is a Zoom web conference.\n{zoom}\n\n"
        "Description:\n45-minute conversation with Leah Goldberg (Recruiter) and Tom Reyes (Research Lead) "
        "about your research experience and a recent project you're proud of.\n\n"
        "Need to make changes to this event?\n"
        f"Cancel: https://calendly.com/cancellations/{_uuid('calendly-cancel')}\n"
        f"Reschedule: https://calendly.com/reschedulings/{_uuid('calendly-resched')}\n\n"
        "Powered by Calendly.com\n"
    )
    cal = ics(
        method="REQUEST",
        prodid="-//Calendly//Calendly 1.0//EN",
        uid=f"{_uuid('calendly-event')}@calendly.com",
        sequence=0,
        dtstamp=et(2, 18, 8, 3, 11),
        start=start,
        end=end,
        summary="Interview: Alex Morgan / UX Researcher",
        organizer=leah,
        attendees=[Attendee(leah, "ACCEPTED"), Attendee(tom, "ACCEPTED"), Attendee(ALEX, "ACCEPTED")],
        description=f"UX Researcher Interview with Leah Goldberg\nZoom: {zoom}",
        location=zoom,
    )
    mail(
        "inbox",
        "brightpath-calendly-event-scheduled",
        date=et(2, 18, 8, 3, 30),
        sender=("Calendly", "no-reply@calendly.com"),
        reply_to=leah,
        to=[ALEX],
        subject="Event scheduled: UX Researcher Interview with Leah Goldberg on Tuesday, February 24, 2026",
        text=cal_text,
        html_body=branded_html("Calendly", cal_text, "#006bff"),
        attachments=[calendar_leaf(cal, "REQUEST", as_attachment=True, cte="base64")],
        mid_style="uuid",
        mid_domain="calendly.com",
        bstyle="default",
    )
    ty = mail(
        "sent",
        "brightpath-thank-you",
        date=et(2, 24, 15, 5, 12),
        sender=ALEX,
        to=[leah],
        cc=[tom],
        subject="Thank you - UX Researcher interview",
        text=(
            "Hi Leah and Tom,\n\n"
            "Thank you for this morning's conversation. I enjoyed hearing how the research team runs diary "
            "studies with teachers across a whole semester, and Tom's question about recruiting hard-to-reach "
            "participants has stayed with me all day.\n\n"
            "I'm very interested in the UX Researcher role and would be glad to share more samples of my work if "
            "that would help.\n\n"
            "Best,\n" + ALEX_SIG + "\n"
        ),
        mid_domain="example.net",
    )
    fu = mail(
        "sent",
        "brightpath-follow-up",
        date=et(3, 3, 11, 20, 7),
        sender=ALEX,
        to=[leah],
        subject="Re: Thank you - UX Researcher interview",
        reply=ty,
        text=(
            "Hi Leah,\n\n"
            "I hope your week is off to a good start. I wanted to follow up on the UX Researcher role \u2014 I'm "
            "still very enthusiastic about it and would love to hear if there's any update on the timeline.\n\n"
            "Thanks,\nAlex\n"
        ),
        mid_domain="example.net",
    )
    mail(
        "inbox",
        "brightpath-recruiter-reply",
        date=et(3, 13, 14, 22, 36),
        sender=leah,
        to=[ALEX],
        subject="Re: Thank you - UX Researcher interview",
        reply=fu,
        text=(
            "Hi Alex,\n\n"
            "Thanks for checking in, and sorry for the slow reply! We're still finalising things on our side "
            "\u2014 thanks for your patience. I'll update you soon.\n\n"
            "Best,\n" + sig
        ),
        mid_style="gmail",
        mid_domain="gmail.com",
    )


def story_h_ostara() -> None:
    ben = ("Ben Adler", "ben.adler@ostara-systems.example")
    kira = ("Kira Sato", "kira.sato@ostara-systems.example")
    mail(
        "inbox",
        "ostara-recruiter-invite",
        date=et(2, 5, 14, 10, 22),
        sender=ben,
        to=[ALEX],
        subject="Ostara Systems - Platform Engineer: let's talk",
        text=(
            "Hi Alex,\n\n"
            "Thanks for applying to the Platform Engineer opening at Ostara Systems! We'd like to move forward "
            "with a 60-minute technical interview with Kira Sato, Engineering Manager for our platform team.\n\n"
            "Please share your availability for next week using this link and Greenhouse will find a slot:\n"
            "https://app.greenhouse.io/candidate_availability/7d1e0c4a9b2f\n\n"
            "Thanks!\n"
            "Ben Adler\n"
            "Recruiting | Ostara Systems\n"
        ),
        mid_style="gmail",
        mid_domain="gmail.com",
    )
    start, end = et(2, 12, 13, 0), et(2, 12, 14, 0)
    meet = "https://meet.google.com/hbz-oqte-ykd"
    text = (
        "Hi Alex,\n\n"
        "Thank you for submitting your availability. Your interview for the Platform Engineer role at Ostara "
        "Systems has been scheduled:\n\n"
        "Thursday, February 12, 2026\n"
        "1:00 PM - 2:00 PM EST (Eastern Time - US & Canada)\n\n"
        "Interviewer: Kira Sato, Engineering Manager, Platform\n"
        f"Video call: {meet}\n\n"
        "A calendar invitation (invite.ics) is attached. If you need to reschedule, just reply to this email.\n\n"
        "Best,\nBen Adler\nOstara Systems Recruiting\n"
    )
    cal = ics(
        method="REQUEST",
        prodid="-//Greenhouse Software//Greenhouse Recruiting//EN",
        uid=f"greenhouse-interview-{_uuid('ostara-interview')}@greenhouse.io",
        sequence=0,
        dtstamp=et(2, 9, 10, 30, 1),
        start=start,
        end=end,
        summary="Interview: Alex Morgan / Platform Engineer",
        organizer=ben,
        attendees=[Attendee(kira, "ACCEPTED"), Attendee(ALEX)],
        description=f"Platform Engineer technical interview with Kira Sato.\nVideo call: {meet}",
        location=meet,
        tz_mode="tzid",
    )
    mail(
        "inbox",
        "ostara-greenhouse-confirmation",
        date=et(2, 9, 10, 30, 19),
        sender=("Ostara Systems Recruiting", "no-reply@us.greenhouse-mail.io"),
        reply_to=ben,
        to=[ALEX],
        subject="Interview Confirmation: Platform Engineer at Ostara Systems",
        text=text,
        html_body=branded_html(
            "Ostara Systems", text, "#4b2a7b", "Powered by Greenhouse \u00b7 https://www.greenhouse.com"
        ),
        attachments=[calendar_leaf(cal, "REQUEST", as_attachment=True, cte="base64")],
        mid_domain="us.greenhouse-mail.io",
        bstyle="default",
        return_path="bounces+4729113-88a1-alex.morgan=example.net@us.greenhouse-mail.io",
        headers=[("X-Greenhouse-Template", "interview_confirmation")],
    )
    ty = mail(
        "sent",
        "ostara-thank-you",
        date=et(2, 12, 16, 45, 30),
        sender=ALEX,
        to=[ben],
        cc=[kira],
        subject="Thank you - Platform Engineer interview",
        text=(
            "Hi Ben and Kira,\n\n"
            "Thank you for the interview this afternoon. Kira, I especially enjoyed our discussion about moving "
            "the build fleet onto ephemeral runners and the trade-offs around cache warm-up \u2014 it's a problem "
            "I've worked on at Pinecrest and would love to dig into at Ostara.\n\n"
            "Thanks again for your time. I look forward to hearing from you.\n\n"
            "Best regards,\n" + ALEX_SIG + "\n"
        ),
        mid_domain="example.net",
    )
    fu1 = mail(
        "sent",
        "ostara-follow-up-1",
        date=et(2, 23, 9, 10, 2),
        sender=ALEX,
        to=[ben],
        subject="Re: Thank you - Platform Engineer interview",
        reply=ty,
        text=(
            "Hi Ben,\n\n"
            "I hope you had a good weekend. I wanted to follow up on the Platform Engineer role \u2014 I'm still "
            "very interested and would appreciate any update you can share on next steps.\n\n"
            "Best,\nAlex\n"
        ),
        mid_domain="example.net",
    )
    mail(
        "sent",
        "ostara-follow-up-2",
        date=et(3, 2, 10, 2, 55),
        sender=ALEX_G,
        to=[ben],
        subject="Re: Thank you - Platform Engineer interview",
        reply=fu1,
        text=(
            "Hi Ben,\n\n"
            "Sending this from my personal address in case my earlier notes got caught in a filter. I'm still "
            "keen on the Platform Engineer role and would be grateful for a quick update on where things "
            "stand, even if the answer is that you've gone another direction.\n\n"
            "Thanks,\nAlex Morgan\n"
        ),
        mid_style="gmail",
        mid_domain="gmail.example",
    )


def story_i_quillfeather() -> None:
    html_only = (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        "<title>Thanks for applying to Quillfeather Labs</title>\n</head>\n"
        '<body style="margin:0;padding:32px 0;background:#fafafa;font-family:-apple-system,'
        "BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1d1d1f;\">\n"
        '<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #ececec;'
        'border-radius:8px;padding:32px;">\n'
        '<img src="https://quillfeather.example/static/logo-wordmark.png" alt="Quillfeather Labs" '
        'width="160" style="display:block;margin-bottom:24px;">\n'
        "<p>Hi Alex,</p>\n"
        "<p>Thanks for applying for the <strong>Data Analyst</strong> role at Quillfeather Labs! "
        "We\u2019ve received your application and someone from our team will review it soon.</p>\n"
        "<p>We read every application carefully, so it may take a couple of weeks before you hear from us. "
        "If we\u2019d like to move forward, we\u2019ll reach out by email to schedule a first conversation.</p>\n"
        "<p>While you wait, here\u2019s a little more about how we work: "
        '<a href="https://quillfeather.example/handbook">our team handbook</a>.</p>\n'
        "<p>Best,<br>The Quillfeather Labs Team</p>\n"
        '<hr style="border:none;border-top:1px solid #ececec;margin:28px 0 16px;">\n'
        '<p style="font-size:12px;color:#8a8a8e;">You received this email because you applied for a job at '
        "Quillfeather Labs. Powered by "
        '<a href="https://www.ashbyhq.com" style="color:#8a8a8e;">Ashby</a>.</p>\n'
        "</div>\n</body>\n</html>\n"
    )
    mail(
        "inbox",
        "quillfeather-ashby-ack",
        date=et(3, 1, 21, 47, 3),
        sender=("Quillfeather Labs", "no-reply@ashbyhq.com"),
        reply_to=("Quillfeather Labs Recruiting", "recruiting@quillfeather.example"),
        to=[ALEX],
        subject="Thanks for applying to Quillfeather Labs!",
        text=None,
        html_body=html_only,
        html_cte="quoted-printable",
        alternative=False,
        mid_style="uuid",
        mid_domain="ashbyhq.com",
    )


def story_j_marlowe() -> None:
    zoe = ("Zo\u00eb Bront\u00eb", "zoe.bronte@marlowe-insurance.example")
    peter = ("Peter Vance", "peter.vance@marlowe-insurance.example")
    sig = "Zo\u00eb Bront\u00eb\nEarly Careers Recruiter | Marlowe Insurance\nHartford, CT\n"
    inv = mail(
        "inbox",
        "marlowe-recruiter-invite",
        date=et(3, 4, 10, 30, 41),
        sender=zoe,
        to=[ALEX],
        subject="Actuarial Analyst interview - Marlowe Insurance",
        text=(
            "Hi Alex,\n\n"
            "Thank you for your application for the Actuarial Analyst position at Marlowe Insurance. We'd like to "
            "invite you to a one-hour video interview with Peter Vance, our Pricing Actuary.\n\n"
            "Would Wednesday, March 18 at 10:00 AM ET suit you? If not, let me know what works that week.\n\n"
            "Best wishes,\n" + sig
        ),
        mid_style="gmail",
        mid_domain="gmail.com",
    )
    mail(
        "sent",
        "marlowe-reply-accept",
        date=et(3, 4, 12, 15, 19),
        sender=ALEX,
        to=[zoe],
        subject="Re: Actuarial Analyst interview - Marlowe Insurance",
        reply=inv,
        text=(
            "Hi Zo\u00eb,\n\n"
            "Thank you! Wednesday, March 18 at 10:00 AM ET works for me. I look forward to speaking with "
            "Peter.\n\n"
            "Best regards,\nAlex Morgan\n"
        ),
        mid_domain="example.net",
    )
    common = dict(
        organizer=zoe,
        guests=[Attendee(zoe, "ACCEPTED"), Attendee(peter, "ACCEPTED"), Attendee(ALEX, show_name=False)],
        to=ALEX,
        summary="Interview: Alex Morgan / Actuarial Analyst",
        start=et(3, 18, 10, 0),
        end=et(3, 18, 11, 0),
        uid="3fq8n1r6k0v2c7m4t9hbd5gj2s@google.com",
        created=et(3, 5, 9, 4, 10),
    )
    google_calendar(
        "marlowe-calendar-invite",
        kind="invite",
        date=et(3, 5, 9, 5, 2),
        sequence=0,
        meet="https://meet.google.com/pfe-xwqr-bcn",
        description="Actuarial Analyst interview with Peter Vance (Pricing Actuary).",
        **common,  # type: ignore[arg-type]
    )
    google_calendar(
        "marlowe-calendar-cancel",
        kind="cancel",
        date=et(3, 14, 11, 47, 29),
        sequence=1,
        note=(
            "Hi Alex \u2014 I'm so sorry for the short notice: the role has been put on hold, we'll be in touch "
            "if anything changes. Zo\u00eb"
        ),
        **common,  # type: ignore[arg-type]
    )


def story_k_juniper() -> None:
    owen = ("Owen Gallagher", "owen.gallagher@juniperfreight.example")
    lisa = ("Lisa Tran", "lisa.tran@juniperfreight.example")
    inv = mail(
        "inbox",
        "juniper-recruiter-invite",
        date=et(3, 4, 16, 5, 14),
        sender=owen,
        to=[ALEX],
        subject="Operations Analyst - interview with Juniper Freight",
        text=(
            "Hi Alex,\n\n"
            "Thanks for your interest in the Operations Analyst role at Juniper Freight. Lisa Tran, our Director "
            "of Network Operations, would like to meet you for a 45-minute video interview.\n\n"
            "Would Friday, March 13 at 9:00 AM ET work?\n\n"
            "Regards,\n"
            "Owen Gallagher\n"
            "HR Business Partner, Juniper Freight\n"
            "(401) 555-0128\n"
        ),
        mid_style="gmail",
        mid_domain="gmail.com",
    )
    mail(
        "sent",
        "juniper-reply-accept",
        date=et(3, 4, 17, 30, 56),
        sender=ALEX,
        to=[owen],
        subject="Re: Operations Analyst - interview with Juniper Freight",
        reply=inv,
        text="Hi Owen,\n\nFriday, March 13 at 9:00 AM ET works well. Thank you, and I look forward to meeting Lisa.\n\nBest,\nAlex Morgan\n",
        mid_domain="example.net",
    )
    common = dict(
        organizer=owen,
        guests=[Attendee(owen, "ACCEPTED"), Attendee(lisa, "ACCEPTED"), Attendee(ALEX, show_name=False)],
        to=ALEX,
        summary="Interview: Alex Morgan / Operations Analyst",
        uid="7kd2p9s4m1x6b3n8q0vrc5hf4t@google.com",
        meet="https://meet.google.com/jyr-kdnu-zso",
        description="45-minute interview with Lisa Tran (Director, Network Operations).",
        created=et(3, 6, 10, 9, 30),
    )
    google_calendar(
        "juniper-calendar-invite",
        kind="invite",
        date=et(3, 6, 10, 10, 6),
        start=et(3, 13, 9, 0),
        end=et(3, 13, 9, 45),
        sequence=0,
        **common,  # type: ignore[arg-type]
    )
    google_calendar(
        "juniper-calendar-update",
        kind="update",
        date=et(3, 11, 16, 38, 52),
        start=et(3, 17, 10, 0),
        end=et(3, 17, 10, 45),
        sequence=1,
        note="Lisa has a conflict on Friday morning \u2014 moving us to Tuesday the 17th at 10. Hope that works! Owen",
        **common,  # type: ignore[arg-type]
    )


def story_l_sablewood() -> None:
    hannah = ("Hannah Osei", "hannah.osei@sablewoodmedia.example")
    sig = "Hannah Osei\nTalent Acquisition | Sablewood Media\n"
    inv = mail(
        "inbox",
        "sablewood-recruiter-invite",
        date=et(2, 19, 11, 0, 37),
        sender=hannah,
        to=[ALEX],
        subject="Content Strategist interview - Sablewood Media",
        text=(
            "Hi Alex,\n\n"
            "Thanks for applying to be our next Content Strategist! Your writing samples on data storytelling "
            "were a hit with the editorial team.\n\n"
            "Would Thursday, February 26 from 3:00 to 4:00 PM ET work for a video interview with me and Marco "
            "Bellini, our Editorial Director?\n\n"
            "Best,\n" + sig
        ),
        mid_style="gmail",
        mid_domain="gmail.com",
    )
    acc = mail(
        "sent",
        "sablewood-reply-accept",
        date=et(2, 19, 13, 10, 4),
        sender=ALEX,
        to=[hannah],
        subject="Re: Content Strategist interview - Sablewood Media",
        reply=inv,
        text="Hi Hannah,\n\nThursday at 3 is perfect \u2014 thank you! Looking forward to meeting you and Marco.\n\nBest,\nAlex\n",
        mid_domain="example.net",
    )
    mail(
        "inbox",
        "sablewood-recruiter-confirm",
        date=et(2, 20, 9, 20, 58),
        sender=hannah,
        to=[ALEX],
        subject="Re: Content Strategist interview - Sablewood Media",
        reply=acc,
        text=(
            "Great \u2014 you're confirmed for Thursday, February 26, 3:00\u20134:00 PM ET.\n\n"
            "Google Meet: https://meet.google.com/sxa-ghpt-rvm\n\n"
            "Marco and I will both be there. Talk soon!\n\n" + sig
        ),
        mid_style="gmail",
        mid_domain="gmail.com",
    )
    ty = mail(
        "sent",
        "sablewood-thank-you",
        date=et(2, 26, 17, 30, 22),
        sender=ALEX,
        to=[hannah],
        subject="Thank you - Content Strategist interview",
        text=(
            "Hi Hannah,\n\n"
            "Thank you, and Marco, for the conversation this afternoon. I loved hearing about the plan to turn "
            "Sablewood's reporting archive into evergreen explainers, and I've already got a few ideas about how "
            "to measure which pieces keep earning readers.\n\n"
            "I'm very excited about the Content Strategist role. Thanks again for your time!\n\n"
            "Best,\n" + ALEX_SIG + "\n"
        ),
        mid_domain="example.net",
    )
    fu = mail(
        "sent",
        "sablewood-follow-up",
        date=et(3, 5, 9, 15, 40),
        sender=ALEX,
        to=[hannah],
        subject="Re: Thank you - Content Strategist interview",
        reply=ty,
        text=(
            "Hi Hannah,\n\n"
            "I wanted to follow up on the Content Strategist role. I'm still very interested, and I'd be happy "
            "to send a short sample plan for the archive project if that would be useful. Is there any update "
            "on the timeline?\n\n"
            "Best,\nAlex\n"
        ),
        mid_domain="example.net",
    )
    mail(
        "inbox",
        "sablewood-out-of-office",
        date=et(3, 5, 9, 16, 3),
        sender=hannah,
        to=[ALEX],
        subject="Automatic reply: Re: Thank you - Content Strategist interview",
        reply=fu,
        quote_style=None,
        text=(
            "Hi,\n\n"
            "Thanks for your email. I'm out of the office until Wednesday, March 18 with limited access to email.\n\n"
            "For anything urgent about a recruiting process, please contact talent@sablewoodmedia.example and a "
            "colleague will help.\n\n"
            "Best,\nHannah\n"
        ),
        mid_style="gmail",
        mid_domain="gmail.com",
        headers=[("Auto-Submitted", "auto-replied"), ("X-Autoreply", "yes"), ("Precedence", "auto_reply")],
    )


# ============================================================================================
# NOISE
# ============================================================================================


def _linkedin_alert(slug: str, date: datetime, keyword: str, count: int, jobs: list[tuple[str, str, str, str]]) -> None:
    lines = [
        f"Your job alert for {keyword.lower()} in Boston, Massachusetts, United States",
        f"{count} new jobs match your preferences.",
        "",
    ]
    for i, (title, company, place, badge) in enumerate(jobs):
        jid = 4180000000 + int(_h(slug, str(i))[:6], 16) % 999999
        lines += [title, company, place, badge, f"View job: https://www.linkedin.com/comm/jobs/view/{jid}/", ""]
    lines += [
        f"See all {count} jobs: https://www.linkedin.com/comm/jobs/search?keywords={keyword.replace(' ', '%20')}"
        "&location=Boston%2C%20Massachusetts",
        "",
        LINKEDIN_FOOTER.format(kind="Job alert", tag="jobs_alert"),
    ]
    text = "\n".join(lines)
    main, foot = text.split("----------------------------------------")
    mail(
        "inbox",
        slug,
        date=date,
        sender=("LinkedIn Job Alerts", "jobalerts-noreply@linkedin.com"),
        to=[ALEX],
        subject=f"{keyword}: {count} new jobs in Boston",
        text=text,
        html_body=branded_html("LinkedIn", main, "#0a66c2", foot),
        mid_style="uuid",
        mid_domain="linkedin.com",
        bstyle="java",
        return_path="s-9fd1w0c2xq7k4lhm3z6e8rb5na@bounce.linkedin.com",
        headers=[
            ("X-LinkedIn-Class", "JOBS-ALERT"),
            ("Precedence", "bulk"),
            ("List-Unsubscribe", "<https://www.linkedin.com/comm/psettings/email-unsubscribe?lipi=jobs_alert>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ],
    )


def _indeed_alert(slug: str, date: datetime, subject: str, jobs: list[tuple[str, str, str, str]]) -> None:
    lines = ["Alex, here are new jobs matching your search.", ""]
    for title, company, place, pay in jobs:
        jk = _h(slug, title)[:16]
        lines += [title, f"{company} - {place}", pay, f"https://www.indeed.com/rc/clk?jk={jk}&from=ja", ""]
    lines += [
        "See all jobs: https://www.indeed.com/jobs?q=data&l=Boston%2C+MA&fromage=1",
        "",
        "Easily apply to jobs with an Indeed Resume.",
        "",
        "You received this email because you signed up for job alerts at Indeed.",
        "Unsubscribe: https://www.indeed.com/alert/unsubscribe?id=" + _h(slug)[:24],
        "Indeed, 6433 Champion Grandview Way, Building 1, Austin, TX 78750",
    ]
    text = "\n".join(lines) + "\n"
    mail(
        "inbox",
        slug,
        date=date,
        sender=("Indeed", "alert@indeed.com"),
        to=[ALEX],
        subject=subject,
        text=text,
        html_body=branded_html("indeed", text, "#2557a7"),
        mid_domain="indeed.com",
        bstyle="default",
        headers=[
            ("Precedence", "bulk"),
            ("List-Unsubscribe", f"<https://www.indeed.com/alert/unsubscribe?id={_h(slug)[:24]}>"),
        ],
    )


def noise() -> None:
    _linkedin_alert(
        "noise-linkedin-job-alert-1",
        et(2, 16, 7, 2, 19),
        "Data Engineer",
        12,
        [
            ("Senior Data Engineer", "Brackenridge Capital", "Boston, MA (Hybrid)", "Actively recruiting"),
            ("Data Engineer II", "Pikeview Health", "Cambridge, MA (On-site)", "Be an early applicant"),
            ("Data Engineer, Streaming", "Vesper Mobility", "Boston, MA (Remote)", "3 connections work here"),
            ("Analytics Data Engineer", "Hollis & Crane", "Boston, MA (Hybrid)", "Promoted"),
        ],
    )
    _linkedin_alert(
        "noise-linkedin-job-alert-2",
        et(3, 2, 7, 5, 44),
        "Senior Data Engineer",
        9,
        [
            ("Staff Data Engineer", "Northwind Analytics", "Boston, MA (Hybrid)", "Actively recruiting"),
            ("Senior Data Engineer", "Greyfield Insurance", "Waltham, MA (Hybrid)", "Be an early applicant"),
            ("Senior Data Platform Engineer", "Kestrel Data", "Boston, MA (Remote)", "Easy Apply"),
        ],
    )
    _linkedin_alert(
        "noise-linkedin-job-alert-3",
        et(3, 13, 7, 3, 2),
        "Data Engineer",
        8,
        [
            ("Data Engineer", "Saltmarsh Analytics", "Boston, MA (On-site)", "Actively recruiting"),
            ("Senior Data Engineer, Payments", "Atlas Grove", "Boston, MA (Hybrid)", "Promoted"),
            ("Data Engineer (Contract)", "Meridian BioLabs", "Somerville, MA (Hybrid)", "Easy Apply"),
            ("Lead Data Engineer", "Cobalt Ridge Energy", "Boston, MA (Remote)", "2 connections work here"),
        ],
    )
    _indeed_alert(
        "noise-indeed-alert-1",
        et(2, 22, 18, 30, 11),
        "15 new Data Analyst jobs in Boston, MA",
        [
            ("Data Analyst", "Harborview Medical Group", "Boston, MA", "$78,000 - $92,000 a year"),
            ("Business Data Analyst", "Tillman & Rhodes", "Quincy, MA", "$85,000 a year"),
            ("Data Analyst II (Hybrid)", "Commonwealth Transit Authority", "Boston, MA", "Full-time"),
        ],
    )
    _indeed_alert(
        "noise-indeed-alert-2",
        et(3, 9, 18, 31, 40),
        "\U0001f525 Senior Data Engineer jobs near Boston are hiring now",
        [
            ("Senior Data Engineer", "Lumen Freightworks", "Boston, MA", "$150,000 - $175,000 a year"),
            ("Sr. Data Engineer - AWS", "Bayside Retail Group", "Remote in Boston, MA", "Urgently hiring"),
            ("Senior Data Engineer", "Foxglove Insurance", "Hartford, CT", "$140,000 a year"),
        ],
    )

    nl = (
        "THE HIREWISE WEEKLY \u00b7 March 10, 2026\n\n"
        "7 interview questions you should be ready for\n\n"
        "Whether it's a first-round screen or a final panel, some questions come up again and again. Here's how "
        "to answer them without sounding rehearsed.\n\n"
        '1. "Tell me about yourself." Keep it to 90 seconds: present, past, future.\n'
        '2. "Why are you leaving your current job?" Stay forward-looking.\n'
        '3. "Tell me about a time you disagreed with a teammate." Pick a real conflict with a real resolution.\n'
        "4. \"What's your biggest weakness?\" Name one, then show what you're doing about it.\n"
        '5. "Walk me through a project you\'re proud of." Lead with the outcome.\n'
        '6. "What are your salary expectations?" Research the range before the call.\n'
        '7. "Do you have any questions for us?" Always yes. Ask about how success is measured.\n\n'
        "Read the full guide: https://hirewise.example/guides/7-interview-questions\n\n"
        "ALSO THIS WEEK\n"
        "- How soon should you send a thank-you note after an interview? (Spoiler: same day.)\n"
        "- Negotiating an offer when you have a competing deadline\n"
        "- The follow-up email template recruiters actually answer\n\n"
        "You're receiving this because you subscribed to The Hirewise Weekly.\n"
        "Unsubscribe: https://hirewise.example/unsubscribe?u=am7731 | Preferences: https://hirewise.example/prefs\n"
        "Hirewise Media, 200 Clarendon St, Boston, MA 02116\n"
    )
    mail(
        "inbox",
        "noise-newsletter-interview-questions",
        date=et(3, 10, 6, 0, 12),
        sender=("The Hirewise Weekly", "newsletter@hirewise.example"),
        to=[ALEX],
        subject="7 interview questions you should be ready for",
        text=nl,
        html_body=branded_html("The Hirewise Weekly", nl, "#c2410c"),
        mid_domain="mail.hirewise.example",
        bstyle="default",
        return_path="bounce-am7731@mail.hirewise.example",
        headers=[
            ("List-Id", "The Hirewise Weekly <weekly.hirewise.example>"),
            (
                "List-Unsubscribe",
                "<https://hirewise.example/unsubscribe?u=am7731>, <mailto:unsubscribe@hirewise.example>",
            ),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("Precedence", "bulk"),
        ],
    )

    mail(
        "inbox",
        "noise-agency-apex-contract",
        date=et(2, 24, 16, 42, 8),
        sender=("Kevin Marsh", "kevin.marsh@apextalentpartners.example"),
        to=[ALEX],
        subject="Senior Data Engineer (contract, remote) - $95/hr",
        text=(
            "Hi Alex,\n\n"
            "I came across your profile and thought you'd be a strong fit for a Senior Data Engineer contract "
            "I'm working on with a healthcare client:\n\n"
            "- 6-month contract, likely extension\n"
            "- 100% remote (EST hours)\n"
            "- $90\u201395/hr W2\n"
            "- Stack: Spark, Airflow, Snowflake, dbt\n\n"
            "If you're open to it, reply with an updated resume and a good time for a quick call.\n\n"
            "Thanks,\n"
            "Kevin Marsh\n"
            "Senior Technical Recruiter | Apex Talent Partners\n"
            "apextalentpartners.example\n\n"
            'If you\'d prefer not to hear about opportunities, just reply "remove".\n'
        ),
        mid_domain="apextalentpartners.example",
        bstyle="default",
    )
    mail(
        "inbox",
        "noise-agency-brightline-interview",
        date=et(3, 3, 12, 48, 33),
        sender=("Olivia Grant", "ogrant@brightlinestaffing.example"),
        to=[ALEX],
        subject="Quick question - contract Data Engineer role",
        text=(
            "Hi Alex,\n\n"
            "Hope you're well! I'm recruiting for a 12-month Data Engineer contract with a large retailer in "
            "Boston (hybrid, 2 days on-site). Your Kafka and Airflow background lines up really well.\n\n"
            "Would you be open to an interview for a contract role? The hiring manager is moving quickly and can "
            "do first conversations this week.\n\n"
            "Best,\n"
            "Olivia Grant\n"
            "Brightline Staffing | IT & Analytics\n"
            "(781) 555-0150\n"
        ),
        mid_domain="brightlinestaffing.example",
        bstyle="default",
    )
    mail(
        "inbox",
        "noise-agency-northstar-fintech",
        date=et(3, 12, 10, 15, 27),
        sender=("Tyler Ruiz", "tyler@northstarsearch.example"),
        to=[ALEX],
        subject="Staff Analytics Engineer - Series C fintech (Boston)",
        text=(
            "Alex \u2014\n\n"
            "I lead data hiring at Northstar Search. One of our clients, a Series C fintech in the Seaport, is "
            "building out its analytics engineering team and I think your background would be very interesting "
            "to them. Base up to $205k plus equity.\n\n"
            "Worth a 15-minute chat? Here's my calendar: https://northstarsearch.example/meet/tyler\n\n"
            "Tyler Ruiz\n"
            "Partner, Northstar Search\n"
        ),
        mid_domain="northstarsearch.example",
        bstyle="default",
        headers=[("X-Mailer", "Outreach.io")],
    )

    receipt = (
        "Thanks for your order, Alex!\n\n"
        "Order #HP-204883 \u00b7 Placed February 14, 2026\n\n"
        "1 \u00d7 Waxed Canvas Weekender Bag, Olive ........ $148.00\n"
        "1 \u00d7 Merino Crew Socks (3-pack), Charcoal ...... $32.00\n\n"
        "Subtotal: $180.00\n"
        "Shipping: $0.00\n"
        "Tax: $11.25\n"
        "Total charged to Visa ending 4417: $191.25\n\n"
        "We'll email you again when your order ships.\n\n"
        "View your order: https://harborandpine.example/account/orders/HP-204883\n\n"
        "Harbor & Pine Outfitters \u00b7 18 Wharf St, Portland, ME 04101\n"
        "Unsubscribe from marketing emails: https://harborandpine.example/unsubscribe\n"
    )
    mail(
        "inbox",
        "noise-order-receipt",
        date=et(2, 14, 20, 18, 55),
        sender=("Harbor & Pine Outfitters", "orders@harborandpine.example"),
        to=[ALEX],
        subject="Your Harbor & Pine order #HP-204883 is confirmed",
        text=receipt,
        html_body=branded_html("Harbor & Pine", receipt, "#2f4f3a"),
        mid_domain="harborandpine.example",
        bstyle="default",
    )
    ship = (
        "Good news \u2014 your order is on its way!\n\n"
        "Order #HP-204883\n"
        "Carrier: UPS Ground\n"
        "Tracking number: 1Z 84E 7W2 03 4471 2290\n"
        "Estimated delivery: Thursday, February 19\n\n"
        "Track your package: https://harborandpine.example/track/HP-204883\n\n"
        "Harbor & Pine Outfitters \u00b7 18 Wharf St, Portland, ME 04101\n"
    )
    mail(
        "inbox",
        "noise-shipping-notice",
        date=et(2, 16, 15, 26, 7),
        sender=("Harbor & Pine Outfitters", "shipping@harborandpine.example"),
        to=[ALEX],
        subject="Your order #HP-204883 has shipped",
        text=ship,
        html_body=branded_html("Harbor & Pine", ship, "#2f4f3a"),
        mid_domain="harborandpine.example",
        bstyle="default",
    )

    jess = ("Jess Kowalski", "jess.kowalski@mailbox.example")
    dinner = mail(
        "inbox",
        "noise-friend-dinner",
        date=et(3, 12, 19, 44, 1),
        sender=jess,
        to=[ALEX],
        subject="dinner thurs?",
        text=(
            "heyyy\n\n"
            "are you around next thursday (the 19th)? Sam and I want to try that new place on Hanover St, "
            "Tavola. 7:30?\n\n"
            "also how are the interviews going?? you were so stressed last month. want the full update over "
            "pasta\n\n"
            "j\n"
        ),
        mid_style="apple",
        mid_domain="mailbox.example",
        alternative=False,
        headers=[("X-Mailer", "Apple Mail (2.3826.400.131.1.6)")],
    )
    mail(
        "sent",
        "noise-friend-dinner-reply",
        date=et(3, 12, 21, 2, 17),
        sender=ALEX,
        to=[jess],
        subject="Re: dinner thurs?",
        reply=dinner,
        text=(
            "Yes!! Thursday at 7:30 works, count me in.\n\n"
            "Interview update: one offer in hand (!!) and a couple of places I'm still waiting to hear from. "
            "Will tell you everything over pasta.\n\n"
            "A\n"
        ),
        mid_domain="example.net",
    )

    erin = ("Erin Walsh", "erin.walsh@pinecrest.example")
    alex_work = ("Alex Morgan", "alex.morgan@pinecrest.example")
    google_calendar(
        "noise-pinecrest-team-sync",
        kind="invite",
        date=et(3, 6, 16, 30, 44),
        organizer=erin,
        guests=[
            Attendee(erin, "ACCEPTED"),
            Attendee(("Priyanka Shah", "priyanka.shah@pinecrest.example"), "ACCEPTED"),
            Attendee(("Luis Ortega", "luis.ortega@pinecrest.example")),
            Attendee(alex_work),
            Attendee(ALEX, role="OPT-PARTICIPANT", show_name=False),
        ],
        to=ALEX,
        summary="Data Platform weekly sync",
        start=et(3, 12, 10, 0),
        end=et(3, 12, 10, 30),
        uid="1pc8w4t2h6n0f9v3k7dzm5rqxj@google.com",
        sequence=0,
        rrule="FREQ=WEEKLY;BYDAY=TH",
        when_text="Weekly from 10am to 10:30am on Thursday (EDT)",
        note="Moving our sync to Thursdays from next week. Added your personal calendar too while your laptop is in for repair.",
        description="Agenda: incidents, roadmap check-in, on-call handoff.",
        meet="https://meet.google.com/dpw-syqn-hte",
        created=et(3, 6, 16, 29),
    )
    panel = (
        "Hi Alex,\n\n"
        "You're on the interview panel for candidate Jordan Blake (Data Engineer II) on Thursday at 2pm, in the "
        "Harbor conference room / Zoom. You'll cover the SQL and data modeling section (45 min).\n\n"
        "Please review the resume and scorecard beforehand, and submit your feedback in Greenhouse within 24 "
        "hours of the interview:\n"
        "https://app.greenhouse.io/people/93144021?application_id=118520334#scorecard\n\n"
        "Thanks for helping us hire!\n\n"
        "Rachel Kim\n"
        "People Team | Pinecrest Software\n"
    )
    mail(
        "inbox",
        "noise-pinecrest-interview-panel",
        date=et(3, 9, 12, 10, 30),
        sender=("Rachel Kim", "rachel.kim@pinecrest.example"),
        to=[alex_work],
        subject="Interview panel: Jordan Blake (Data Engineer II) - Thursday 2:00 PM",
        text=panel,
        mid_style="gmail",
        mid_domain="gmail.com",
        pre_headers=[("X-Forwarded-To", ALEX[1]), ("X-Forwarded-For", f"{alex_work[1]} {ALEX[1]}")],
    )

    promo = (
        "Hi Alex,\n\n"
        "We're pleased to offer you 20% off your next order of freshly roasted coffee \u2014 just because you've "
        "been with us for a year.\n\n"
        "Use code THANKYOU20 at checkout. Offer ends Sunday, March 15.\n\n"
        "Shop now: https://summitcoffee.example/shop?utm_source=email&utm_campaign=anniv20\n\n"
        "Summit Coffee Roasters \u00b7 55 Mill Rd, Burlington, VT 05401\n"
        "You're receiving this because you subscribed at summitcoffee.example. "
        "Unsubscribe: https://summitcoffee.example/unsubscribe?e=am\n"
    )
    mail(
        "inbox",
        "noise-promo-20-percent-off",
        date=et(3, 7, 10, 0, 4),
        sender=("Summit Coffee Roasters", "hello@summitcoffee.example"),
        to=[ALEX],
        subject="We're pleased to offer you 20% off",
        text=promo,
        html_body=branded_html("Summit Coffee Roasters", promo, "#6b3e26"),
        mid_domain="mail.summitcoffee.example",
        bstyle="default",
        headers=[
            ("Precedence", "bulk"),
            ("List-Unsubscribe", "<https://summitcoffee.example/unsubscribe?e=am>"),
        ],
    )
    mail(
        "inbox",
        "noise-conference-talk-declined",
        date=et(2, 27, 13, 0, 16),
        sender=("DataConf Northeast Program Committee", "cfp@dataconf-ne.example"),
        to=[ALEX],
        subject="Your DataConf Northeast 2026 proposal",
        text=(
            "Dear Alex Morgan,\n\n"
            'Thank you for submitting "Backfills Without Tears: Reprocessing a Year of Events in a Weekend" to '
            "DataConf Northeast 2026.\n\n"
            "We received more than 400 proposals for 48 slots this year. We regret to inform you that your talk "
            "was not accepted for the main program. Reviewers particularly liked the practical focus and "
            "encouraged you to resubmit it as a lightning talk, which opens on March 20.\n\n"
            "As a thank-you to all submitters, here is a 30% discount code for tickets: CFP2026-THANKS.\n\n"
            "With appreciation,\n"
            "The DataConf Northeast 2026 Program Committee\n"
        ),
        mid_domain="dataconf-ne.example",
        bstyle="default",
    )
    mail(
        "inbox",
        "noise-podcast-interview-request",
        date=et(3, 11, 9, 30, 45),
        sender=("Nina Alvarez", "nina@thepipelinepod.example"),
        to=[ALEX],
        subject="Interview request: The Pipeline podcast",
        text=(
            "Hi Alex,\n\n"
            "I host The Pipeline, a podcast about the unglamorous side of data engineering. I loved your blog "
            "post about migrating Pinecrest's event stream to Kafka, and I'd love to interview you for an "
            "episode.\n\n"
            "It's a relaxed 45-minute recorded conversation, done remotely. We're booking for April \u2014 would "
            "you be up for it? Happy to send sample questions ahead of time.\n\n"
            "Cheers,\n"
            "Nina Alvarez\n"
            "Host, The Pipeline \u00b7 thepipelinepod.example\n"
        ),
        mid_style="gmail",
        mid_domain="gmail.com",
    )


# ============================================================================================
# STORY.md (placeholders [[slug]] are replaced by the numbered file names)
# ============================================================================================

STORY = """\
# The inboxwatch demo mailbox

This folder is the fictional mailbox that `inboxwatch demo` runs on. It is generated by
`scripts/build_demo.py` (deterministic, standard library only); **do not edit the `.eml` files by
hand** — change the generator and re-run it. Every person, company and domain is fictional
(`*.example`); ATS, calendar and job-board senders use the vendors' real sender formats
(Greenhouse, Lever, Workday, Ashby, LinkedIn, Indeed, Calendly, Google Calendar, Outlook/Exchange).

## Owner and "now"

- **Owner:** Alex Morgan, currently a Data Engineer at Pinecrest Software (`@pinecrest.example`),
  looking for a new job in the Boston area.
- **Owner addresses:** `alex.morgan@example.net` (main) and `alexmorgan.dev@gmail.example`
  (two sent messages come from it: Ostara follow-up #2 and Alex's reply to the Tidewater offer).
  `alex.morgan@pinecrest.example` is Alex's *work* address and is **not** an owner address.
- **Now:** `2026-03-16T09:00:00-04:00` (Monday). Every message is dated before it.
- Times are America/New_York: `-05:00` before Sunday 2026-03-08 02:00, `-04:00` from then on.
- Layout: `inbox/NN-slug.eml` and `sent/NN-slug.eml`, numbered in date order within each folder.

Nudge rules the expectations below assume: thank-you within 24 h of an interview's end; a
follow-up after 7 days of silence (counted from the interview end, or from the last follow-up);
another follow-up 7 days after each follow-up (at most 2); then a "move on" note. A real employer
reply resets the clock; a rejection or an offer ends the ladder; an out-of-office reply with a return
date pauses it; an employer-stated timeline moves the first follow-up to that date + 1 day; a
calendar CANCEL cancels the interview; a REQUEST with the same UID and a higher SEQUENCE reschedules
it.

> **DST note.** Some "7 days later" due times cross the 2026-03-08 DST change. They are given below
> as *local wall-clock* times (7 calendar days). An implementation that adds 168 hours instead gets a
> due time one hour later in EDT (e.g. 17:00 instead of 16:00). Either way every "due" nudge below is
> already due at *now*, and every "not due" one is not.

## Expected outcome at now (summary)

| Story | Company / role | Stage at now | Nudge due at now | Attempt | Due since |
|---|---|---|---|---|---|
| A | Northwind Analytics — Senior Data Engineer | interviewed, thanked | **follow_up** | 1 | 2026-03-10 16:00 -04:00 |
| B | Larkspur Health — Product Analyst | interviewed, not thanked | **thank_you** | — (single nudge) | 2026-03-13 12:00 -04:00 |
| C | Copperline Robotics — Backend Engineer | interviewed, 1 follow-up sent | **follow_up** | 2 | 2026-03-04 07:48 -05:00 |
| D | Halcyon Bank — Risk Analyst | **rejected** | none | — | — |
| E | Tidewater Games — Gameplay Engineer | **offer** (reply by 2026-03-20) | none | — | — |
| F | Fernhill Energy — Data Scientist | interviewed, employer timeline | none (next: follow_up 1 on 2026-03-21) | — | — |
| G | Brightpath Learning — UX Researcher | interviewed, employer replied 03-13 | none (next: follow_up ~2026-03-20 14:22) | — | — |
| H | Ostara Systems — Platform Engineer | interviewed, 2 follow-ups sent | **move_on** | — (after 2 follow-ups) | 2026-03-09 10:02 -04:00 |
| I | Quillfeather Labs — Data Analyst | **acknowledged** (application received) | none | — | — |
| J | Marlowe Insurance — Actuarial Analyst | interview **cancelled** | none | — | — |
| K | Juniper Freight — Operations Analyst | interview scheduled (rescheduled) for 2026-03-17 10:00 | none (thank_you would be due 2026-03-18 10:45) | — | — |
| L | Sablewood Media — Content Strategist | interviewed, 1 follow-up, **paused** (out of office) | none (paused until 2026-03-18) | — | — |

So at now exactly **four** nudges are due: A follow_up #1, B thank_you, C follow_up #2, H move_on.
Twelve employer conversations exist (A–L); nothing in the noise list is a conversation.

## The stories

### A. Northwind Analytics — Senior Data Engineer (follow-up #1 due)

Recruiter **Dana Whitfield** `dana.whitfield@northwind-analytics.example`; hiring manager
**Marcus Lee** `marcus.lee@northwind-analytics.example`.

1. [[northwind-linkedin-application-sent]] — 2026-02-10 08:14, LinkedIn `jobs-noreply@linkedin.com`:
   "Alex, your application was sent to Northwind Analytics".
2. [[northwind-greenhouse-ack]] — 2026-02-11 10:02, "Northwind Analytics via Greenhouse"
   `no-reply@us.greenhouse-mail.io`: application received.
3. [[northwind-recruiter-invite]] — 2026-02-20 09:37, Dana invites Alex to interview and asks for availability.
4. [[northwind-reply-availability]] — 2026-02-20 12:05, Alex replies with time windows (In-Reply-To 3).
5. [[northwind-calendar-invite]] — 2026-02-23 11:20, Google Calendar invitation (From Dana, Sender
   `calendar-notification@google.com`), `METHOD:REQUEST`, UID `0s5c1m3v9q2hk7r8d4pbn6tj1f@google.com`,
   SEQUENCE 0, **Tue 2026-03-03 15:00–16:00 EST** (UTC times in the .ics), attendees Dana, Marcus, Alex.
6. [[northwind-thank-you]] — 2026-03-03 19:10, Alex's thank-you to Dana, cc Marcus (3 h after the interview).

Silence since. **Expected:** stage interviewed (thank-you sent); **follow_up, attempt 1, due since
2026-03-10 16:00 -04:00** (7 days after the interview ended). Contacts: Dana (primary), Marcus.

### B. Larkspur Health — Product Analyst, via Lever (thank-you due)

Talent Partner **Priya Nair** `priya.nair@larkspurhealth.example`; interviewer **Daniel Cho**.

1. [[larkspur-lever-ack]] — 2026-03-02 14:21, "Larkspur Health" `no-reply@hire.lever.co`: application received.
2. [[larkspur-recruiter-invite]] — 2026-03-05 10:48, Priya invites Alex, proposes Thu Mar 12 11:00 ET.
3. [[larkspur-reply-accept]] — 2026-03-05 13:02, Alex accepts (In-Reply-To 2).
4. [[larkspur-lever-confirmation]] — 2026-03-06 09:15, Lever interview confirmation (Reply-To Priya)
   with `invite.ics` attachment, `METHOD:REQUEST`, `TZID=America/New_York`,
   **Thu 2026-03-12 11:00–12:00 EDT**; attendees Priya, Daniel, Alex.

No thank-you in Sent. **Expected:** stage interviewed; **thank_you due since 2026-03-13 12:00 -04:00**
(24 h after the interview ended). No follow-up due yet (that would be 2026-03-19 12:00).

### C. Copperline Robotics — Backend Engineer (follow-up #2 due)

Recruiter **Sam Okafor** `sam.okafor@copperline-robotics.example`; interviewers **Helen Brooks**
(Engineering Manager, `helen.brooks@…`) and **Raj Patel** (Staff Engineer, `raj.patel@…`).

1. [[copperline-recruiter-invite]] — 2026-02-09 11:12, Sam (Outlook) proposes Tue Feb 17 10:00 ET.
2. [[copperline-reply-confirm]] — 2026-02-09 13:40, Alex confirms.
3. [[copperline-outlook-invite]] — 2026-02-10 09:05, Outlook/Exchange meeting request
   ("When: Tuesday, February 17, 2026 10:00 AM-11:00 AM … Where: Microsoft Teams Meeting"),
   `text/calendar; method=REQUEST`, `X-MS-…` headers, **Tue 2026-02-17 10:00–11:00 EST**;
   attendees Alex, Helen, Raj.
4. [[copperline-thank-you]] — 2026-02-17 14:31, Alex's thank-you to Sam only.
5. [[copperline-follow-up-iphone]] — 2026-02-25 07:48, follow-up #1 **sent from the iPhone**
   (`X-Mailer: iPhone Mail`, Apple-style quote, In-Reply-To 4).

Silence since. **Expected:** **follow_up, attempt 2, due since 2026-03-04 07:48 -05:00** (7 days after
follow-up #1). The suggestion should propose reaching **Helen Brooks or Raj Patel** (people seen on
the invite who have not been written to yet) since Sam has not answered.

### D. Halcyon Bank — Risk Analyst, via Workday (rejected)

Workday sender `halcyonbank@myworkday.com`; recruiter **José Fernández** `jose.fernandez@halcyonbank.example`.

1. [[halcyon-workday-ack]] — 2026-01-26 19:32, application received (R-20417).
2. [[halcyon-workday-interview-invite]] — 2026-02-02 10:15, interview invitation (pick a time in Workday).
3. [[halcyon-recruiter-confirmation]] — 2026-02-03 16:47, José confirms **Thu 2026-02-05 14:00–15:00 ET**
   in plain text only (no calendar part). **windows-1252, quoted-printable**, From name RFC 2047
   `iso-8859-1`.
4. [[halcyon-thank-you]] — 2026-02-05 16:40, Alex's thank-you (reply to 3).
5. [[halcyon-workday-rejection]] — 2026-03-02 11:05, rejection ("we have decided to move forward with
   other candidates … keep your résumé on file"), **base64** text and HTML.

**Expected:** stage **rejected**; ladder ended; no nudge.

### E. Tidewater Games — Gameplay Engineer (offer)

Recruiter **Maya Castillo** `maya.castillo@tidewatergames.example`; interviewers Theo Lindqvist,
Rosa Imani.

1. [[tidewater-recruiter-invite]] — 2026-02-12 10:05, first-interview invitation, asks for availability.
2. [[tidewater-reply-availability]] — 2026-02-12 12:30, Alex's availability.
3. [[tidewater-recruiter-confirm]] — 2026-02-16 09:40, confirmation in text: **Wed 2026-02-18 13:00–13:45 ET** (no calendar part).
4. [[tidewater-thank-you-first-round]] — 2026-02-18 15:10, thank-you (a `Re:` reply in the thread).
5. [[tidewater-final-round-invite]] — 2026-02-20 11:30, Google Calendar REQUEST for the final round
   **Fri 2026-02-27 10:00–13:00 EST**.
6. [[tidewater-thank-you-final-round]] — 2026-02-27 16:05, thank-you to Maya, cc Theo.
7. [[tidewater-offer]] — 2026-03-11 14:02, **offer** ("we're delighted to offer you the position …
   Your offer letter is attached … please let us know by March 20"), PDF attachment.
8. [[tidewater-offer-reply]] — 2026-03-11 18:45, Alex's reply ("I'll get back to you before the 20th"),
   sent from the second address `alexmorgan.dev@gmail.example`.

**Expected:** stage **offer** (decision due 2026-03-20); no nudge. The pending offer is context for
the other follow-ups (e.g. "you have an offer deadline on Mar 20 — mention it in your follow-up").

### F. Fernhill Energy — Data Scientist (employer timeline; nothing due)

Talent Acquisition Lead **Nadia Rahman** `nadia.rahman@fernhill-energy.example`; interviewer Claire Dubois.

1. [[fernhill-recruiter-invite]] — 2026-03-02 15:20, Nadia (Outlook) proposes Mon Mar 9 13:00 ET.
2. [[fernhill-reply-confirm]] — 2026-03-02 18:05, Alex confirms.
3. [[fernhill-outlook-invite]] — 2026-03-03 08:55, Outlook meeting request **Mon 2026-03-09 13:00–14:00 EDT**
   (the "When:" line shows Outlook's fixed "(UTC-05:00) Eastern Time (US & Canada)" label even in DST;
   the .ics is authoritative).
4. [[fernhill-thank-you]] — 2026-03-09 17:20, Alex's thank-you.
5. [[fernhill-recruiter-timeline]] — 2026-03-10 10:12, Nadia's reply (`RE:`, Outlook-style
   "From:/Sent:" quote block, no `>` lines): "the team is meeting candidates this week; **we'll get back
   to you by Friday, March 20**."

**Expected:** stage interviewed; no nudge due; **next follow-up (attempt 1) due 2026-03-21** (stated date + 1 day).

### G. Brightpath Learning — UX Researcher (employer replied; clock reset)

Recruiter **Leah Goldberg** `leah.goldberg@brightpathlearning.example`; Research Lead Tom Reyes.

1. [[brightpath-recruiter-next-steps]] — 2026-02-17 13:25, Leah sends a Calendly booking link.
2. [[brightpath-calendly-event-scheduled]] — 2026-02-18 08:03, Calendly `no-reply@calendly.com`
   "Event scheduled" confirmation with `invite.ics` (REQUEST), **Tue 2026-02-24 10:00–10:45 EST**.
3. [[brightpath-thank-you]] — 2026-02-24 15:05, Alex's thank-you to Leah, cc Tom.
4. [[brightpath-follow-up]] — 2026-03-03 11:20, follow-up #1 (reply to 3).
5. [[brightpath-recruiter-reply]] — 2026-03-13 14:22, Leah: "We're still finalising things on our side —
   thanks for your patience. I'll update you soon." (reply to 4; no concrete date).

**Expected:** no nudge due; the employer's reply resets the clock; **next follow-up ≈ 2026-03-20 14:22 -04:00**
(7 days after the reply).

### H. Ostara Systems — Platform Engineer (move on)

Recruiter **Ben Adler** `ben.adler@ostara-systems.example`; interviewer Kira Sato.

1. [[ostara-recruiter-invite]] — 2026-02-05 14:10, Ben asks for availability via a Greenhouse link.
2. [[ostara-greenhouse-confirmation]] — 2026-02-09 10:30, "Ostara Systems Recruiting"
   `no-reply@us.greenhouse-mail.io` (Reply-To Ben), time in the text **and** `invite.ics`:
   **Thu 2026-02-12 13:00–14:00 EST**.
3. [[ostara-thank-you]] — 2026-02-12 16:45, thank-you to Ben, cc Kira.
4. [[ostara-follow-up-1]] — 2026-02-23 09:10, follow-up #1.
5. [[ostara-follow-up-2]] — 2026-03-02 10:02, follow-up #2, sent from `alexmorgan.dev@gmail.example`.

Silence since. **Expected:** **move_on due since 2026-03-09 10:02 -04:00** (7 days after follow-up #2;
the follow-up ladder is exhausted).

### I. Quillfeather Labs — Data Analyst, via Ashby (acknowledged)

1. [[quillfeather-ashby-ack]] — 2026-03-01 21:47, "Quillfeather Labs" `no-reply@ashbyhq.com`,
   **HTML-only** application acknowledgement.

**Expected:** stage **acknowledged**; no nudge (application-silence nudges are off by default).

### J. Marlowe Insurance — Actuarial Analyst (interview cancelled)

Recruiter **Zoë Brontë** `zoe.bronte@marlowe-insurance.example` (UTF-8 RFC 2047 display name);
interviewer Peter Vance.

1. [[marlowe-recruiter-invite]] — 2026-03-04 10:30, invitation, proposes Wed Mar 18 10:00 ET.
2. [[marlowe-reply-accept]] — 2026-03-04 12:15, Alex accepts.
3. [[marlowe-calendar-invite]] — 2026-03-05 09:05, Google Calendar REQUEST, UID
   `3fq8n1r6k0v2c7m4t9hbd5gj2s@google.com`, SEQUENCE 0, **Wed 2026-03-18 10:00–11:00 EDT**.
4. [[marlowe-calendar-cancel]] — 2026-03-14 11:47, "Canceled event: …", `METHOD:CANCEL`,
   `STATUS:CANCELLED`, same UID, SEQUENCE 1, with Zoë's note "the role has been put on hold, we'll be
   in touch".

**Expected:** interview **cancelled**; no interview pending; no nudge (in particular no thank-you
on 2026-03-19).

### K. Juniper Freight — Operations Analyst (rescheduled; interview in the future)

HR Business Partner **Owen Gallagher** `owen.gallagher@juniperfreight.example`; interviewer Lisa Tran.

1. [[juniper-recruiter-invite]] — 2026-03-04 16:05, proposes Fri Mar 13 09:00 ET.
2. [[juniper-reply-accept]] — 2026-03-04 17:30, Alex accepts.
3. [[juniper-calendar-invite]] — 2026-03-06 10:10, Google Calendar REQUEST, UID
   `7kd2p9s4m1x6b3n8q0vrc5hf4t@google.com`, SEQUENCE 0, **Fri 2026-03-13 09:00–09:45 EDT**.
4. [[juniper-calendar-update]] — 2026-03-11 16:38, "Updated invitation: …", REQUEST, same UID,
   **SEQUENCE 1**, moved to **Tue 2026-03-17 10:00–10:45 EDT**.

**Expected:** interview scheduled for 2026-03-17 10:00 (the Mar 13 slot is superseded, so **no**
thank-you is due for Mar 13); no nudge at now; a thank_you would become due **2026-03-18 10:45 -04:00**.

### L. Sablewood Media — Content Strategist (paused by out-of-office)

Recruiter **Hannah Osei** `hannah.osei@sablewoodmedia.example`; interviewer Marco Bellini.

1. [[sablewood-recruiter-invite]] — 2026-02-19 11:00, proposes Thu Feb 26 15:00–16:00 ET.
2. [[sablewood-reply-accept]] — 2026-02-19 13:10, Alex accepts.
3. [[sablewood-recruiter-confirm]] — 2026-02-20 09:20, confirmation in text, **Thu 2026-02-26 15:00–16:00 EST** (no calendar part).
4. [[sablewood-thank-you]] — 2026-02-26 17:30, thank-you.
5. [[sablewood-follow-up]] — 2026-03-05 09:15, follow-up #1.
6. [[sablewood-out-of-office]] — 2026-03-05 09:16, Hannah's auto-reply (`Auto-Submitted: auto-replied`,
   "Automatic reply: …"): "I'm out of the office until Wednesday, March 18 with limited access to email".

**Expected:** not a real reply (does not reset the clock); the ladder is **paused until 2026-03-18**;
no nudge due at now. Follow-up #2 (otherwise due 2026-03-12 09:15) becomes due once the pause ends.

## Noise — must NOT become conversations

[[NOISE_LIST]]

Traps worth knowing about: the second LinkedIn alert lists a "Staff Data Engineer" job at *Northwind
Analytics* (it must not touch story A); the Brightline recruiter asks "would you be open to an interview
for a contract role?"; the Pinecrest team sync is a real Google Calendar REQUEST with Alex as an
(optional) attendee; the Pinecrest panel mail is about Alex *interviewing someone else* (auto-forwarded
from the work address); the podcast asks to "interview" Alex; the promo says "We're pleased to offer
you"; the conference mail says "we regret to inform you … not accepted"; the newsletter is full of
interview/offer/thank-you vocabulary; Alex's reply to Jess mentions "one offer in hand".

## Encodings and formats covered

- multipart/alternative (text + HTML) with 7bit, quoted-printable and base64 bodies;
- HTML-only: [[quillfeather-ashby-ack]];
- windows-1252 + quoted-printable body and `iso-8859-1` RFC 2047 From name: [[halcyon-recruiter-confirmation]];
- UTF-8 RFC 2047 display name: Zoë Brontë (story J);
- RFC 2047 subject with an emoji: [[noise-indeed-alert-2]];
- Google Calendar invitations: multipart/mixed → multipart/alternative (text, HTML, `text/calendar;
  method=REQUEST|CANCEL`) + `application/ics` `invite.ics` attachment, with `Sender:
  calendar-notification@google.com`;
- Outlook/Exchange meeting requests with `X-MS-…` headers and a base64 `text/calendar` part;
- ATS `invite.ics` attachments (Lever, Greenhouse, Calendly);
- a PDF attachment (the offer letter); an iPhone-sent plain-text message; an auto-reply.

## Counts

[[COUNTS]]
"""

NOISE_DESCRIPTIONS = {
    "noise-linkedin-job-alert-1": 'LinkedIn job alert "Data Engineer: 12 new jobs in Boston"',
    "noise-linkedin-job-alert-2": 'LinkedIn job alert "Senior Data Engineer: 9 new jobs in Boston" (lists Northwind Analytics)',
    "noise-linkedin-job-alert-3": 'LinkedIn job alert "Data Engineer: 8 new jobs in Boston"',
    "noise-indeed-alert-1": 'Indeed alert "15 new Data Analyst jobs in Boston, MA"',
    "noise-indeed-alert-2": 'Indeed alert with an emoji RFC 2047 subject "🔥 Senior Data Engineer jobs near Boston are hiring now"',
    "noise-newsletter-interview-questions": 'career newsletter "7 interview questions you should be ready for" (List-Id, List-Unsubscribe)',
    "noise-agency-apex-contract": "agency cold outreach (Apex Talent Partners), contract role",
    "noise-agency-brightline-interview": 'agency cold outreach (Brightline Staffing): "Would you be open to an interview for a contract role?"',
    "noise-agency-northstar-fintech": "agency cold outreach (Northstar Search), fintech role",
    "noise-order-receipt": "order receipt (Harbor & Pine Outfitters)",
    "noise-shipping-notice": "shipping notice (Harbor & Pine Outfitters)",
    "noise-friend-dinner": "friend's personal email about dinner (asks how the interviews are going)",
    "noise-friend-dinner-reply": 'Alex\'s reply to the friend (mentions "one offer in hand")',
    "noise-pinecrest-team-sync": 'Google Calendar REQUEST "Data Platform weekly sync" from Alex\'s current employer',
    "noise-pinecrest-interview-panel": "Pinecrest People Team: you're on the interview panel for candidate Jordan Blake, submit feedback in Greenhouse",
    "noise-promo-20-percent-off": 'promo "We\'re pleased to offer you 20% off"',
    "noise-conference-talk-declined": 'conference CFP result "we regret to inform you that your talk was not accepted"',
    "noise-podcast-interview-request": "podcast host asking Alex for a (press) interview",
}


# ============================================================================================
# Output
# ============================================================================================


def number(box: Box) -> None:
    for folder in ("inbox", "sent"):
        recs = sorted((r for r in box.recs if r.folder == folder), key=lambda r: (r.date, r.slug))
        if len(recs) > 99:
            raise SystemExit("too many messages for two-digit numbering")
        for i, r in enumerate(recs, 1):
            r.name = f"{folder}/{i:02d}-{r.slug}.eml"


def render_story(box: Box) -> str:
    text = STORY
    noise_recs = sorted((r for r in box.recs if r.slug.startswith("noise-")), key=lambda r: (r.folder, r.name))
    missing = set(NOISE_DESCRIPTIONS) ^ {r.slug for r in noise_recs}
    if missing:
        raise SystemExit(f"noise descriptions out of sync: {sorted(missing)}")
    noise_lines = [f"- `{r.name}` — {r.date:%Y-%m-%d %H:%M} — {NOISE_DESCRIPTIONS[r.slug]}" for r in noise_recs]
    text = text.replace("[[NOISE_LIST]]", "\n".join(noise_lines))
    inbox = sum(r.folder == "inbox" for r in box.recs)
    sent = sum(r.folder == "sent" for r in box.recs)
    cals = sum(
        1
        for r in box.recs
        for p in r.msg.walk()
        if p.get_content_type() == "text/calendar" or p.get_content_type() == "application/ics"
    )
    text = text.replace(
        "[[COUNTS]]",
        f"- inbox: {inbox} messages\n- sent: {sent} messages\n- total: {inbox + sent} messages\n"
        f"- story messages: {inbox + sent - len(noise_recs)}; noise messages: {len(noise_recs)}\n"
        f"- calendar parts (text/calendar + application/ics): {cals} — 12 calendar messages; each Google\n"
        "  Calendar message carries the same VCALENDAR twice (inline text/calendar + invite.ics)",
    )

    def sub(m: re.Match[str]) -> str:
        return f"`{box.by_slug(m.group(1)).name}`"

    text = re.sub(r"\[\[([a-z0-9-]+)\]\]", sub, text)
    assert "[[" not in text
    return text


def self_check(out: Path, box: Box) -> None:
    """Parse every written file back with the modern policy and check the basics."""
    mids = {r.mid for r in box.recs}
    for r in box.recs:
        data = (out / r.name).read_bytes()
        msg = message_from_bytes(data, policy=policy.default)
        for h in ("Message-ID", "Date", "From", "To", "Subject"):
            if not msg[h]:
                raise SystemExit(f"{r.name}: missing {h}")
        if msg["Date"].datetime >= NOW:
            raise SystemExit(f"{r.name}: dated at or after now")
        irt = msg["In-Reply-To"]
        if irt and str(irt).strip() not in mids:
            raise SystemExit(f"{r.name}: In-Reply-To points outside the mailbox")
        if r.folder == "sent":
            addrs = {a.lower() for _, a in getaddresses([str(msg["From"])])}
            if not addrs & {ALEX[1], ALEX_G[1]}:
                raise SystemExit(f"{r.name}: sent message not from the owner")
        for part in msg.walk():
            if part.is_multipart():
                continue
            part.get_content()  # raises on undecodable parts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    args = ap.parse_args(argv)
    out: Path = args.out

    for build in (
        story_a_northwind,
        story_b_larkspur,
        story_c_copperline,
        story_d_halcyon,
        story_e_tidewater,
        story_f_fernhill,
        story_g_brightpath,
        story_h_ostara,
        story_i_quillfeather,
        story_j_marlowe,
        story_k_juniper,
        story_l_sablewood,
        noise,
    ):
        build()
    number(BOX)

    for folder in ("inbox", "sent"):
        d = out / folder
        d.mkdir(parents=True, exist_ok=True)
        for old in d.glob("*.eml"):
            old.unlink()
    for r in BOX.recs:
        (out / r.name).write_bytes(serialize(r.msg))
    (out / "STORY.md").write_text(render_story(BOX), encoding="utf-8")
    self_check(out, BOX)

    inbox = sum(r.folder == "inbox" for r in BOX.recs)
    sent = len(BOX.recs) - inbox
    print(f"wrote {inbox} inbox + {sent} sent = {len(BOX.recs)} messages and STORY.md to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
