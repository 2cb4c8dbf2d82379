"""A message as a bag of named features, for the trained model: one definition for training and inference.

The names are what explanations show ("w:regret to", "sender:ats", "rule:decision_against"); each name is
hashed to one of ``BUCKETS`` buckets with a stable hash (CRC-32 of its UTF-8 bytes), so the shipped weights
carry no text. Families:

- ``s:`` subject words and ``w:`` words of the message's own text (subject included), uni- and bigrams,
  lower-cased; Chinese and Japanese script is read as character bigrams; numbers become ``0``, the owner's
  names ``<owner>``, links ``<url>`` and addresses ``<email>``;
- structural: the sender's kind, calendar parts and their METHOD, automatic-reply and list headers, where the
  owner stands among the recipients, reply or forward, outgoing, a rough language;
- ``phrase:`` the rules' phrase families that matched, ``rule:`` their adjustments that fired, and ``rules:``
  what the rules alone would say.

Pure: no I/O. :func:`hashed` gives the sparse vector (bucket → value) that the model and nearest-neighbour
matching of corrections read.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from inboxwatch.core.detect.bulk import is_bulk
from inboxwatch.core.detect.senders import ats_vendor, is_noreply, job_board, scheduling_tool
from inboxwatch.models import FolderRole, Identity, Message

BUCKETS = 1 << 18
_MASK = BUCKETS - 1
BODY_CHARS = 2000  # the decision is near the top; the rest is boilerplate, history and footers
VERSION = 1  # bump when a feature's definition changes: the weights file records the version it was trained with

_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_TOKEN = re.compile(rf"<(?:url|email)>|[{_CJK}]+|[^\W\d_{_CJK}]+|\d+")
_CJK_RUN = re.compile(rf"[{_CJK}]")
_SIGNATURE = re.compile(
    r"^(?:-- ?|—|__+|best regards,?|kind regards,?|regards,?|sincerely,?|thanks,?|best,?|cheers,?|"
    r"mit freundlichen grüßen,?|cordialement,?|saludos,?|atenciosamente,?|met vriendelijke groet,?|"
    r"с уважением,?)\s*$",
    re.I | re.M,
)
_FOOTER_PHRASES = (  # lower case, no escapes that lower-casing would change: read as is and case-insensitively
    r"unsubscribe|privacy (policy|notice|statement)|all rights reserved|©|\(c\) \d{4}|this (e-?mail|message) (was|is) "
    r"(sent|intended|confidential)|do not reply to this|manage (your )?(email )?preferences|"
    r"view (it |this )?in (your )?browser"
)
_FOOTER_LINE = re.compile(_FOOTER_PHRASES, re.I)
# The same phrases for lower-cased text, a quick first look (``re`` is several times slower case-insensitively).
_FOOTER_LOWER = re.compile(_FOOTER_PHRASES)
# Letters that IGNORECASE matches with an ASCII letter of the footer phrases but ``str.lower`` does not turn into it.
_ASCII_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})
_FOLDED = ("\u0130", "\u0131", "\u017f")
_AGENCY = re.compile(
    r"staffing|recruit(ing|ment|ers)|talent (partners|group|solutions|search)|search (partners|group|firm)|"
    r"headhunt|personalberatung|executive search|placement",
    re.I,
)
_FORWARD = re.compile(r"^\s*(fwd?|wg|tr|rv|doorgestuurd)\s*:", re.I)
_REPLY = re.compile(r"^\s*(re|aw|sv|antw|res|ответ)\s*:", re.I)
_LANG_TEXT: dict[str, str] = {
    "en": "the and you your for with we our to of is are this that will have",
    "de": "und die der das sie ihre wir für mit ist zu den nicht eine ein uns",
    "fr": "et les des vous votre nous pour avec est une dans pas que sur le la",
    "es": "y los las usted su nosotros para con es una en que por el la tu",
    "pt": "e os as você sua nós para com é uma em que não por o seu obrigado",
    "nl": "en de het je uw wij voor met is een van niet op ons we",
    "ru": "и в на вы ваш мы для с что не это по от",
}
_LANG_WORDS = {lang: frozenset(text.split()) for lang, text in _LANG_TEXT.items()}
_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in sorted(_LANG_WORDS.items()):
    for _word in _words:
        _WORD_LANGS[_word] = (*_WORD_LANGS.get(_word, ()), _lang)


@dataclass(frozen=True)
class RuleView:
    """What the rules made of a message, as far as the model reads it."""

    fired: tuple[str, ...] = ()  # names of the adjustments and structural rules that fired
    phrases: tuple[str, ...] = ()  # names of the phrase families that matched
    verdict: str = ""  # the label the rules alone would give ("" for none)


def tokens(text: str, owner_names: Iterable[str] = ()) -> list[str]:
    """Lower-cased word tokens; Chinese/Japanese runs as character bigrams; numbers as ``0``."""
    if "@" in text:
        text = _EMAIL.sub(" \x00email\x01 ", text)
    if "http" in text or "www." in text:
        text = _URL.sub(" \x00url\x01 ", text)
    owners = {n for n in owner_names if len(n) > 1}
    raw = _TOKEN.findall(text.lower().replace("’", "'").replace("\x00", "<").replace("\x01", ">"))
    cjk = _CJK_RUN.search(text) is not None
    out: list[str] = []
    add = out.append
    for tok in raw:
        if cjk and _CJK_RUN.match(tok):
            if len(tok) == 1:
                add(tok)
            else:
                out.extend(tok[i : i + 2] for i in range(len(tok) - 1))
        elif tok in owners:
            add("<owner>")
        elif tok[0].isdigit():
            add("0")
        else:
            add(tok)
    return out


def own_top(body: str, limit: int = BODY_CHARS) -> str:
    """The top of a message's own text (quoted history already cut): signature and footer lines dropped."""
    head = body[: limit * 2]
    sig = _SIGNATURE.search(head)
    if sig is not None and sig.start() > 40:
        head = head[: sig.start()]
    # A footer phrase never spans lines: a top with none of them (most letters) keeps every line unsearched.
    folded = head.translate(_ASCII_FOLDS) if any(c in head for c in _FOLDED) else head  # (translate is slow)
    footer = _FOOTER_LOWER.search(folded.lower()) is not None
    lines = [line for line in head.splitlines() if line.strip() and not (footer and _FOOTER_LINE.search(line))]
    return "\n".join(lines)[:limit]


def _ngrams(prefix: str, toks: list[str], feats: dict[str, float]) -> None:
    for i, tok in enumerate(toks):
        feats[f"{prefix}{tok}"] = 1.0
        if i + 1 < len(toks):
            feats[f"{prefix}{tok} {toks[i + 1]}"] = 1.0


def language(toks: list[str]) -> str:
    """A rough guess from common words (``toks`` as :func:`tokens` gives them): en, de, fr, es, pt, nl, ru, ja or
    unknown."""
    head = toks[:300]
    if _CJK_RUN.search("".join(head)):  # a token holds such script only if it starts with it
        return "ja"
    counts: dict[str, int] = {}
    for langs in [langs for langs in map(_WORD_LANGS.get, head) if langs]:
        for lang in langs:
            counts[lang] = counts.get(lang, 0) + 1
    if not counts:
        return "unknown"
    best = max(counts, key=lambda k: (counts[k], k == "en", k))
    return best if counts[best] >= 2 else "unknown"


def owner_names(identity: Identity) -> set[str]:
    names = {p for p in re.split(r"[\s,.]+", identity.name.lower()) if len(p) > 1}
    for address in identity.addresses:
        names.update(p for p in re.split(r"[._+-]", address.partition("@")[0]) if len(p) > 2)
    return names


@dataclass(frozen=True)
class Options:
    """Which families the model reads and how words weigh; the weights file records the options it was
    trained with, so inference reads what training read."""

    bigrams: bool = True
    subject: bool = True  # the ``s:`` family beside the subject's words in ``w:``
    words: str = "log"  # each word's value: "bin" 1, "log" 1/ln(2 + n), "l2" 1/sqrt(n), for n words
    rules: str = "all"  # "all", "noverdict" (no ``rules:``), "struct" (adjustments only), "none"

    def key(self) -> str:
        return ",".join(f"{k}={int(v) if isinstance(v, bool) else v}" for k, v in sorted(vars(self).items()))

    @classmethod
    def parse(cls, key: str) -> Options:
        values = dict(item.split("=", 1) for item in key.split(",") if item)
        return cls(
            bigrams=values.get("bigrams", "1") == "1",
            subject=values.get("subject", "1") == "1",
            words=values.get("words", "log"),
            rules=values.get("rules", "all"),
        )


DEFAULT_OPTIONS = Options()


def extract_all(message: Message, identity: Identity, body: str, rules: RuleView) -> dict[str, float]:
    """Every named feature of ``message`` (all families, all 1.0); ``body`` is its own text (quoted history
    cut), as the rules read it. :func:`select` makes the vector the model reads."""
    m = message
    names = owner_names(identity)
    out: dict[str, float] = {}
    subject_toks = tokens(_REPLY.sub("", _FORWARD.sub("", m.subject)), names)
    body_toks = tokens(own_top(body), names)
    _ngrams("s:", subject_toks, out)
    _ngrams("w:", subject_toks, out)
    _ngrams("w:", body_toks, out)
    structural: list[str] = []
    outbound = m.folder is FolderRole.SENT or identity.is_me(m.sender)
    structural.append("dir:out" if outbound else "dir:in")
    sender = m.sender
    domain = sender.domain if sender else ""
    if ats_vendor(domain):
        structural.append("sender:ats")
    if job_board(domain):
        structural.append("sender:board")
    if scheduling_tool(domain):
        structural.append("sender:scheduler")
    if sender is not None and is_noreply(sender.email):
        structural.append("sender:noreply")
    if sender is not None and _AGENCY.search(f"{sender.name} {domain}"):
        structural.append("sender:agency")
    if sender is None:
        structural.append("sender:none")
    for event in m.calendar[:1]:
        structural.append("cal:part")
        structural.append(f"cal:method={event.method or 'none'}")
        if event.status == "CANCELLED":
            structural.append("cal:cancelled")
        if event.organizer is not None and identity.is_me(event.organizer):
            structural.append("cal:owner_organiser")
    headers = m.headers
    auto = headers.get("auto-submitted", "").lower()
    if auto.startswith("auto-replied") or "x-autoreply" in headers or "x-autorespond" in headers:
        structural.append("hdr:auto_replied")
    elif auto and auto != "no":
        structural.append("hdr:auto_generated")
    if is_bulk(headers):
        structural.append("hdr:bulk")
    if any(identity.is_me(a) for a in m.to):
        structural.append("owner:to")
    elif any(identity.is_me(a) for a in m.cc):
        structural.append("owner:cc")
    elif not outbound:
        structural.append("owner:absent")
    if m.in_reply_to or _REPLY.match(m.subject):
        structural.append("thread:reply")
    if _FORWARD.match(m.subject):
        structural.append("thread:forward")
    structural.append(f"lang:{language(body_toks or subject_toks)}")
    structural.extend(f"rule:{name}" for name in rules.fired)
    structural.extend(f"phrase:{name}" for name in rules.phrases)
    structural.append(f"rules:{rules.verdict or 'none'}")
    for name in structural:
        out[name] = 1.0
    return out


def select(named: Mapping[str, float], options: Options = DEFAULT_OPTIONS) -> dict[str, float]:
    """The vector the model reads: the families ``options`` keep, the words weighed as ``options.words`` says."""
    words: list[str] = []
    other: list[str] = []
    rules = options.rules
    for name in named:
        kind = name[:2]
        if kind in ("w:", "s:"):
            if (kind == "s:" and not options.subject) or (not options.bigrams and " " in name):
                continue
            words.append(name)
        elif kind == "ph":  # phrase:NAME, a phrase family of the rules
            if rules in ("all", "noverdict"):
                other.append(name)
        elif name.startswith("rule"):  # rule:NAME, an adjustment; rules:LABEL, the rules' verdict
            if rules == "all" or (rules != "none" and name.startswith("rule:")):
                other.append(name)
        else:
            other.append(name)
    n = len(words)
    if options.words == "bin":
        value = 1.0
    elif options.words == "l2":
        value = 1.0 / math.sqrt(n or 1)
    else:
        value = 1.0 / math.log(2 + n)
    out = dict.fromkeys(words, value)
    out.update(dict.fromkeys(other, 1.0))
    return out


def extract(
    message: Message, identity: Identity, body: str, rules: RuleView, options: Options = DEFAULT_OPTIONS
) -> dict[str, float]:
    """The model's named feature vector of ``message``."""
    return select(extract_all(message, identity, body, rules), options)


def bucket(name: str) -> int:
    """The feature's bucket: CRC-32 of its UTF-8 bytes, modulo ``BUCKETS`` (a power of two)."""
    return zlib.crc32(name.encode("utf-8")) & _MASK


def hashed(features: Mapping[str, float]) -> dict[int, float]:
    """The sparse vector of named features: bucket → value (colliding names add up)."""
    out: dict[int, float] = {}
    for name, value in features.items():
        b = bucket(name)
        out[b] = out.get(b, 0.0) + value
    return out
