"""The benchmark mailboxes (``benchmarks/scan.py``), also read by the tests that compare fetching parts with
fetching whole messages on them: generated, deterministic for a seed.

- ``bulk_mailbox``: mostly newsletters and notifications, about 2 % job mail, 5–50 KB each, 0.5 % with a 1–4 MB
  attachment, 2 % in Sent;
- ``personal_mailbox``: personal mail — no List-* headers, text bodies of 2 to 20 KB (UTF-8 in 8 bit or
  quoted-printable), one in ten with a 30 KB PDF attached, 8 % replies quoting what they answer, 2 % mentioning
  a job, 5 % in Sent.
"""

from __future__ import annotations

import base64
import math
import quopri
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.utils import format_datetime

ME = "alex.morgan@example.net"


COMPANIES = ["Northwind", "Halcyon", "Copperline", "Tidewater", "Ostara", "Brightpath", "Sablewood", "Larkspur"]
ATS = ["us.greenhouse-mail.io", "hire.lever.co", "myworkday.com", "ashbyhq.com"]
FILLER = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "
    "et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi.\n"
)


def _padded(text: str, size: int) -> str:
    return text + "\n" + FILLER * (max(0, size - len(text)) // len(FILLER) + 1)


def _attachment(rng: random.Random) -> str:
    size = rng.randint(1 << 20, 4 << 20)
    line = "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURlY29kZT4+CnN0cmVhbQp4\n"
    return line * (size // len(line))


def message(
    n: int, kind: str, size: int, when: datetime, rng: random.Random, big: bool, answers: int | None = None
) -> bytes:
    """Message number ``n``; a sent one answers the job message number ``answers`` (its company's)."""
    company = COMPANIES[(n if answers is None else answers) % len(COMPANIES)]
    extra: list[str] = []
    if kind == "job":
        domain = ATS[n % len(ATS)] if n % 3 else f"{company.lower()}.example"
        sender = f"{company} Recruiting <recruiting@{domain}>"
        subject = rng.choice(
            [
                f"Interview invitation: Senior Data Engineer at {company}",
                f"Your application to {company}",
                f"Next steps with {company}",
                f"{company}: scheduling your technical interview",
            ]
        )
        text = f"Hi Alex,\n\nThanks for applying to {company}. Could we schedule a 45-minute interview next week?\n"
    elif kind == "alert":
        sender = "LinkedIn Job Alerts <jobalerts-noreply@linkedin.com>"
        subject = f"30 new jobs for 'data engineer' ({n})"
        text = "Jobs you may be interested in.\n"
        extra = ["List-Unsubscribe: <https://www.linkedin.com/unsub>", "Precedence: bulk"]
    elif kind == "newsletter":
        sender = f"Deals <news@shop{n % 40}.example>"
        subject = rng.choice(["Flash sale: 30% off", "Weekly digest", "New arrivals", "Your weekend reading"])
        text = "This week's offers and stories.\n"
        extra = [f"List-Unsubscribe: <mailto:unsub-{n}@shop.example>", "Feedback-ID: 1:2:esp"]
    elif kind == "notification":
        sender = "Forge <notifications@forge.example>"
        subject = f"[org/repo] Fix flaky test (#{n % 500})"
        text = "A new comment was posted.\n"
        extra = ["List-Id: org/repo <repo.org.forge.example>", "List-Unsubscribe: <mailto:u@forge.example>"]
        if n % 2:
            extra += [f"In-Reply-To: <thread-{n % 500}@forge.example>"]
    elif kind == "sent":
        sender = f"Alex Morgan <{ME}>"
        subject = f"Re: Your application to {company}"
        text = "Hi, thank you — Tuesday at 10:00 works for me.\n"
        extra = [f"In-Reply-To: <bench-{answers}@bench.example>"] if answers is not None else []
    else:  # personal and transactional mail: not bulk, so always read
        sender = f"Friend {n % 90} <friend{n % 90}@mail.example>"
        subject = rng.choice(["Dinner on Friday?", "Photos from the trip", "Your receipt", "Re: the flat"])
        text = "Hi Alex, see below.\n"
    to = f"Alex Morgan <{ME}>" if kind != "sent" else f"{company} Recruiting <recruiting@{company.lower()}.example>"
    head = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Date: {format_datetime(when)}",
        f"Message-ID: <bench-{n}@bench.example>",
        "MIME-Version: 1.0",
        *extra,
    ]
    body = _padded(text, size)
    if not big:
        head.append('Content-Type: text/plain; charset="utf-8"')
        return ("\r\n".join(head) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()
    head.append('Content-Type: multipart/mixed; boundary="b"')
    parts = [
        "--b",
        'Content-Type: text/plain; charset="utf-8"',
        "",
        body,
        "--b",
        "Content-Type: application/pdf",
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="document.pdf"',
        "",
        _attachment(rng),
        "--b--",
        "",
    ]
    return ("\r\n".join(head) + "\r\n\r\n" + "\n".join(parts).replace("\n", "\r\n")).encode()


KINDS = [("job", 0.02), ("alert", 0.02), ("newsletter", 0.58), ("notification", 0.18), ("personal", 0.18)]


def bulk_mailbox(count: int, seed: int, now: datetime) -> Iterator[tuple[str, bytes, float]]:
    """(folder, raw, internal date) for ``count`` messages spread over the last 90 days."""
    rng = random.Random(seed)
    names = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    last_job: int | None = None  # the owner's sent mail answers the latest job message
    for n in range(count):
        when = now - timedelta(days=90) + timedelta(days=90) * (n / count)
        kind = "sent" if n % 50 == 49 else rng.choices(names, weights)[0]
        size = int(math.exp(rng.uniform(math.log(5_000), math.log(50_000))))
        big = rng.random() < 0.005
        raw = message(n, kind, size, when, rng, big, answers=last_job)
        last_job = n if kind == "job" else last_job
        yield ("Sent" if kind == "sent" else "INBOX"), raw, when.timestamp()


# --- personal mail ---------------------------------------------------------------------------------------

FRIENDS = ["Sam Rivera", "Priya Nair", "Jonas Weber", "Chloé Martin", "Mei Tanaka", "Ola Nordmann", "Dad", "Aunt Rosa"]
TOPICS = [
    "Dinner on Friday?", "Photos from the trip", "Grandma's birthday", "Book club next month",
    "The recipe you asked for",
    "Garden update", "Flight details for July", "Moving day", "Concert tickets", "How are you doing?",
    "Our hike on Sunday", "The new flat", "Wedding plans", "A long letter from Lisbon",
]
SENTENCES = [
    "We finally made it to the coast last weekend and the weather was kinder than the forecast promised.",
    "The tomatoes are doing well this year, although the snails have discovered the lettuce again.",
    "Mum says hello and asks whether you still have the blue casserole dish she lent you.",
    "I have been reading a novel about a lighthouse keeper, slow at first but lovely once it gets going.",
    "The children built a fort out of the sofa cushions and refused to take it down for three days.",
    "Do you remember the little café near the station? It has reopened with the same terrible coffee.",
    "We are thinking of painting the kitchen a pale green, unless you talk us out of it.",
    "The train was late again, so I walked the last part along the river and did not regret it.",
    "Our neighbour's dog has learnt to open the gate, which has made the mornings rather exciting.",
    "I tried the bread recipe twice; the second loaf was almost edible, so there is hope.",
    "There was a storm on Tuesday night and half the street lost power until the morning.",
    "Let me know when you are free for a call, no rush at all, whenever suits you.",
    "The photos are attached to the next email, the file was too big to send them all at once.",
    "My brother is visiting in the spring and would love to see you if you are around.",
    "We found an old box of letters in the attic, including one you wrote when you were nine.",
    "The festival was crowded but the music was wonderful, and we danced until our feet hurt.",
    "Naïve as it sounds, I still believe the bus will come on time one day — “one day” being the key words.",
]
JOB_MENTIONS = [
    "By the way, my company is hiring a data engineer — shall I pass your CV on to the recruiter?",
    "Are you still looking for a new job? A friend of mine has an opening on her team.",
]


def _prose(rng: random.Random, size: int) -> str:
    """Paragraphs of everyday sentences, wrapped at 72 columns, about ``size`` characters."""
    paragraphs: list[str] = []
    total = 0
    while total < size:
        words = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 5))).split()
        lines, line = [], ""
        for word in words:
            if len(line) + len(word) + 1 > 72:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        paragraph = "\n".join(lines)
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def _pdf(rng: random.Random, size: int = 30_000) -> bytes:
    return b"%PDF-1.4\n" + rng.randbytes(size - 9)


def personal_message(n: int, when: datetime, rng: random.Random) -> tuple[str, bytes]:
    """(folder, raw) of personal message number ``n``."""
    friend = FRIENDS[n % len(FRIENDS)]
    address = friend.lower().replace(" ", ".").replace("é", "e") + "@mail.example"
    sent = rng.random() < 0.05
    reply = rng.random() < 0.08
    subject = rng.choice(TOPICS)
    size = rng.randint(2_000, 20_000)
    if reply:
        own = _prose(rng, rng.randint(200, 1_500))
        quoted = "\n".join(f"> {line}" if line else ">" for line in _prose(rng, size - len(own)).split("\n"))
        text = f"{own}\n\nOn {format_datetime(when - timedelta(days=1))}, {friend} <{address}> wrote:\n{quoted}\n"
        subject = f"Re: {subject}"
    else:
        text = _prose(rng, size)
    if rng.random() < 0.02:
        text = rng.choice(JOB_MENTIONS) + "\n\n" + text
    greeting = f"Hi {'Sam' if sent else 'Alex'},\n\n"
    text = greeting + text + f"\n\nLove,\n{'Alex' if sent else friend.split()[0]}\n"
    head = [
        f"From: {'Alex Morgan <' + ME + '>' if sent else f'{friend} <{address}>'}",
        f"To: {f'{friend} <{address}>' if sent else 'Alex Morgan <' + ME + '>'}",
        f"Subject: {subject}",
        f"Date: {format_datetime(when)}",
        f"Message-ID: <personal-{n}@mail.example>",
        "MIME-Version: 1.0",
    ]
    if reply:
        head += [f"In-Reply-To: <personal-{n - 1}@mail.example>", f"References: <personal-{n - 1}@mail.example>"]
    if rng.random() < 0.4:
        body = quopri.encodestring(text.encode("utf-8")).decode("ascii")
        text_head = ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: quoted-printable"]
    else:
        body = text
        text_head = ['Content-Type: text/plain; charset="utf-8"; format=flowed', "Content-Transfer-Encoding: 8bit"]
    if rng.random() < 0.1:
        pdf = base64.encodebytes(_pdf(rng)).decode("ascii")
        head.append('Content-Type: multipart/mixed; boundary="=-part-boundary"')
        lines = [
            "--=-part-boundary", *text_head, "", body,
            "--=-part-boundary",
            'Content-Type: application/pdf; name="notes.pdf"',
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="notes.pdf"',
            "", pdf,
            "--=-part-boundary--", "",
        ]
    else:
        head += text_head
        lines = [body]
    raw = "\n".join(head) + "\n\n" + "\n".join(lines)
    return ("Sent" if sent else "INBOX"), raw.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def personal_mailbox(count: int, seed: int, now: datetime) -> Iterator[tuple[str, bytes, float]]:
    """(folder, raw, internal date) for ``count`` personal messages spread over the last 90 days."""
    rng = random.Random(seed)
    for n in range(count):
        when = now - timedelta(days=90) + timedelta(days=90) * (n / count)
        folder, raw = personal_message(n, when, rng)
        yield folder, raw, when.timestamp()
