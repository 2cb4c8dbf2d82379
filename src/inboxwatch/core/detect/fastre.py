"""Faster alternations for ``re``: a pattern that may only start with a few characters says so up front.

CPython's engine tries every alternative of ``\\b(?:apply|interview|…)`` at every position of the text. A
leading lookahead on the set of characters a match can start with lets most positions fail after one
comparison (37 % less time over the classifier's phrase tables). The set is read from the parsed pattern;
when it cannot be known (a pattern that may start with anything), the pattern is left as it is.

:class:`Phrases` adds a gate: the literals any match must contain are read from the pattern too, and a text
that holds none of them is not searched at all (most mail, for most tables). A table made of alternatives
(:meth:`Phrases.any_of`) is gated per alternative as well: a text is searched only with the alternatives whose
literals it holds.

What parsing a table tells (its gates, literals and first characters) is the same every time: it is read from
``derived.json``, written by ``scripts/derive_phrases.py`` (a test says when it is out of date), so a process
that loads the tables compiles them without parsing each twice. A table missing from it (changed since, or
derived by another version of this file) is parsed as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Final, TypeVar

import ahocorasick

# The parser re itself uses; private, so typeshed does not describe it.
sre_constants: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

_WIDEST_RANGE = 300  # a class wider than this is no filter worth having


def _class_chars(items: list[tuple[Any, Any]]) -> set[str] | None:
    chars: set[str] = set()
    for kind, arg in items:
        if kind is sre_constants.LITERAL:
            chars.add(chr(arg))
        elif kind is sre_constants.RANGE and arg[1] - arg[0] <= _WIDEST_RANGE:
            chars.update(chr(c) for c in range(arg[0], arg[1] + 1))
        else:  # \d and \s too: in a str pattern they match Unicode digits and spaces (a no-break space)
            return None
    return chars


def first_chars(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The characters a match of a parsed sequence can start with, or None when that is unknown.

    An empty match is reported as unknown too: a filter must never exclude a position that can match.
    """
    for index, (op, av) in enumerate(items):
        if op is sre_constants.AT:  # \b, ^: zero-width, look at what follows
            continue
        if op is sre_constants.LITERAL:
            return {chr(av)}
        if op is sre_constants.IN:
            return _class_chars(list(av))
        if op is sre_constants.SUBPATTERN:  # a group starts like its content, or what follows if empty
            return first_chars(list(av[-1]) + items[index + 1 :])
        if op is sre_constants.BRANCH:
            union: set[str] = set()
            for branch in av[1]:
                found = first_chars(list(branch) + items[index + 1 :])
                if found is None:
                    return None
                union |= found
            return union
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            inner = first_chars(list(av[2]))
            if inner is None:
                return None
            if av[0] >= 1:
                return inner
            rest = first_chars(items[index + 1 :])  # optional: it may start with what follows
            return None if rest is None else inner | rest
        return None
    return None  # the sequence can match the empty string


def compile_fast(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` with a leading first-character lookahead when the pattern allows one."""
    return _led(pattern, _lead_chars(pattern, flags), flags)


def _lead_chars(pattern: str, flags: int) -> set[str] | None:
    try:
        return first_chars(list(sre_parse.parse(pattern, flags)))
    except (re.error, TypeError, ValueError, IndexError):  # odd constructs: no filter, same meaning
        return None


def _led(pattern: str, chars: set[str] | None, flags: int) -> re.Pattern[str]:
    """``pattern`` compiled, led by a lookahead on ``chars``, the characters its matches start with (if known)."""
    if not chars or flags & re.IGNORECASE:
        return re.compile(pattern, flags)
    return re.compile(f"(?=[{re.escape(''.join(sorted(chars)))}])(?:{pattern})", flags)


# --- literal gates ------------------------------------------------------------------------------------
#
# Most of a phrase table's time goes to text where it cannot match at all. Every match of a phrase like
# ``\b(decided|chosen) (not )?to move forward`` contains one of a few literals ("decided", "chosen" or
# " to move forward"), found from the parsed pattern. One pass over a text finds which of all tables'
# literals occur in it; a table none of whose literals occur is not run.

_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None))


def _strength(options: frozenset[str]) -> tuple[int, int]:
    """How well a set rules texts out: by its shortest literal, spaces not counted (" to " is in every letter)."""
    return (min(len(o.strip()) for o in options), -len(options))


def required_literals(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """Literals of which every match of a parsed sequence contains at least one; None when unknown."""
    sets = required_literal_sets(items)
    return max(sets, key=_strength) if sets else None


def required_literal_sets(items: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    """Sets of literals such that every match of a parsed sequence contains one of each set: all of them,
    the strongest first (``\\b(would|'d) (like|love) to (meet|speak)`` needs one of "would"/"'d", one of
    "like"/"love", " to " and one of "meet"/"speak")."""
    found: list[frozenset[str]] = []

    def consider(options: frozenset[str] | None) -> None:
        if options and all(options) and options not in found:
            found.append(options)

    run: list[str] = []
    for op, av in items:
        if op is sre_constants.LITERAL:
            run.append(chr(av))
            continue
        if op is sre_constants.AT:  # zero-width: the characters either side are adjacent in the text
            continue
        consider(frozenset({"".join(run)}) if run else None)
        run = []
        if op is sre_constants.SUBPATTERN:
            add_flags = av[1]
            if not add_flags & re.IGNORECASE:
                for inner in required_literal_sets(list(av[-1])):
                    consider(inner)
        elif op is sre_constants.BRANCH:
            options: set[str] = set()
            for branch in av[1]:
                best = required_literals(list(branch))
                if best is None:
                    break
                options |= best
            else:
                consider(frozenset(options))
        elif op in _REPEATS and av[0] >= 1:
            inner_items = list(av[2])
            if len(inner_items) == 1 and inner_items[0][0] is sre_constants.LITERAL:  # "_{10,}": ten of them
                consider(frozenset({chr(inner_items[0][1]) * min(av[0], _RUN_MAX)}))
            for inner in required_literal_sets(inner_items):
                consider(inner)
        # Anything else (classes, lookarounds, back-references) requires no literal of its own.
    consider(frozenset({"".join(run)}) if run else None)
    return sorted(found, key=_strength, reverse=True)


_ALONE_MAX = 4  # alternatives that may match a text, at most, for each to be searched alone
_SUBSETS_MAX = 512  # joined tables of live alternatives kept, per table
_BOUNDARY_WORD = re.compile(r"\\b((?:[^\W_]| )+)")  # \b and plain letters, digits and spaces: "\broles?"


_LEADING_WORDS = re.compile(r"\\b\((?:\?:)?((?:[^\W_]|[ '’-])+(?:\|(?:[^\W_]|[ '’-])+)+)\)")
_BACK_REFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def by_leading_word(alternative: str) -> list[str]:
    """``\\b(bring|have) you…`` as ``\\bbring you…`` and ``\\bhave you…``, in that order: in a table the same
    matches (at one place the earlier word is tried first, as before), but each one starts with its word, which
    ``re`` finds by a quick scan, and needs it (a text without "bring" is not searched for the first). Group
    numbers change: tables are read by their matches' spans. Left as it is when the words are not plain."""
    found = _LEADING_WORDS.match(alternative)
    if found is None or _BACK_REFERENCE.search(alternative):
        return [alternative]
    rest = alternative[found.end() :]
    if rest[:1] in ("?", "*", "+", "{"):  # the words are optional or repeated: not what every match starts with
        return [alternative]
    return [f"\\b{word}{rest}" for word in found.group(1).split("|")]


def _literal_first(pattern: str) -> str:
    """``\\bword…`` as ``word(?<=\\bword)…``: the same matches, but ``re`` looks for a pattern that starts with
    a literal by a fast scan of the text, and tries every position of it for one that starts with ``\\b``."""
    found = _BOUNDARY_WORD.match(pattern)
    if found is None:
        return pattern
    word, rest = found.group(1), pattern[found.end() :]
    if rest[:1] in ("?", "*", "+", "{"):  # the last letter is repeated: it is not part of the literal
        word, rest = word[:-1], word[-1] + rest
    if len(word.strip()) < 2:
        return pattern
    return f"{word}(?<=\\b{word}){rest}"


def _parse(pattern: str, flags: int) -> Any:
    """``pattern`` parsed by ``re``'s own parser, or None when it cannot be."""
    with contextlib.suppress(re.error, TypeError, ValueError, IndexError):
        return sre_parse.parse(pattern, flags)
    return None


def _exact(parsed: Any, flags: int) -> list[tuple[Any, Any]] | None:
    """A parsed pattern's items, or None when case-insensitive (a literal would not be exact) or unparsable."""
    if parsed is None or (flags | parsed.state.flags) & re.IGNORECASE:
        return None
    return list(parsed)


def _parsed(pattern: str, flags: int) -> list[tuple[Any, Any]] | None:
    return _exact(_parse(pattern, flags), flags)


def _literals_of(pattern: str, flags: int) -> frozenset[str] | None:
    """The literals every match of ``pattern`` contains one of; None when unknown or case-insensitive."""
    items = _parsed(pattern, flags)
    return None if items is None else required_literals(items)


_RUN_MAX = 16  # of a repeated character, the run a literal names at most
_GATE_MIN = 4  # a literal shorter than this (stripped) occurs in nearly every text: no gate worth the look-up


def _gates_of(items: list[tuple[Any, Any]] | None) -> tuple[frozenset[str], ...] | None:
    """The literal sets an alternative's every match holds one of each of, for its gate: the strongest, and the
    others whose every literal is distinctive enough to rule texts out (``" to "`` is not)."""
    sets = [] if items is None else required_literal_sets(items)
    if not sets:
        return None
    return (sets[0], *(s for s in sets[1:] if min(len(lit.strip()) for lit in s) >= _GATE_MIN))


_VALUE = operator.itemgetter(1)

# --- what parsing told, kept --------------------------------------------------------------------------------

DERIVED_FILE: Final = Path(__file__).with_name("derived.json")
_shipped: dict[str, Any] | None = None  # DERIVED_FILE, once read
_code = ""  # a digest of this file, which derives what DERIVED_FILE holds
_T = TypeVar("_T")
_derivers: dict[str, Callable[[], Any]] = {}  # how each table loaded so far is derived, by key


def _derivation(parts: tuple[Any, ...], derive: Callable[[], Any], decode: Callable[[Any], _T]) -> _T:
    """``decode`` of the JSON value ``derive`` gives for a table made of ``parts``: from ``DERIVED_FILE`` when it
    holds it. The key names this file's code too: what another version of it told is not used, nor a value that
    does not decode (a damaged file)."""
    global _shipped, _code  # noqa: PLW0603 (read once, on the first table)
    if _shipped is None:
        try:
            _code = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=12).hexdigest()
            _shipped = json.loads(DERIVED_FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing or damaged: every table is parsed, as it would be without
            _shipped = {}
    key = hashlib.blake2b(repr((_code, *parts)).encode(), digest_size=12).hexdigest()
    _derivers[key] = derive
    value = _shipped.get(key)
    if value is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError, IndexError):
            return decode(value)
    return decode(derive())


def fresh_derivations() -> dict[str, Any]:
    """What parsing tells of every table loaded so far, parsed afresh: what ``DERIVED_FILE`` should hold."""
    made: dict[str, Any] = json.loads(json.dumps({key: derive() for key, derive in sorted(_derivers.items())}))
    return made


def _sorted(literals: frozenset[str] | None) -> list[str] | None:
    return None if literals is None else sorted(literals)


def _sets(gates: tuple[frozenset[str], ...] | None) -> list[list[str]] | None:
    return None if gates is None else [sorted(s) for s in gates]


def _chars(chars: set[str] | None) -> str | None:
    return None if chars is None else "".join(sorted(chars))


def _derive_table(pattern: str, flags: int, alternatives: Sequence[str]) -> dict[str, Any]:
    """The table's literals and the characters a match starts with; for a table of alternatives, each one's gates,
    and when it is split by its leading words (:func:`by_leading_word`), each word's."""
    if not alternatives:
        return {"literals": _sorted(_literals_of(pattern, flags)), "lead": _chars(_lead_chars(pattern, flags))}
    parsed = [_parse(alt, flags) for alt in alternatives]
    told: list[list[Any]] = []
    for alt, p in zip(alternatives, parsed, strict=True):
        gates = _gates_of(_exact(p, flags))
        words = _split(alt, gates, flags)
        told.append([_sets(gates), None if words is None else [_sets(_gates_of(_parsed(one, flags))) for one in words]])
    starts = [found for p in parsed if p is not None and (found := first_chars(list(p)))]
    lead = set().union(*starts) if len(starts) == len(parsed) else None
    return {"alternatives": told, "lead": _chars(lead)}


def _split(alternative: str, gates: tuple[frozenset[str], ...] | None, flags: int) -> list[str] | None:
    """The alternative searched as one per leading word, when it is gated and so led; else None."""
    if gates is None or flags & re.VERBOSE:
        return None
    words = by_leading_word(alternative)
    return words if len(words) > 1 else None


def _gated(
    alternatives: Sequence[str], told: list[list[Any]], flags: int
) -> tuple[tuple[str, tuple[frozenset[str], ...] | None], ...]:
    """(alternative, gates) as :class:`Phrases` searches them, from what :func:`_derive_table` told."""
    out: list[tuple[str, tuple[frozenset[str], ...] | None]] = []
    for alt, (sets, pieces) in zip(alternatives, told, strict=True):
        if pieces is None:
            out.append((alt, _frozen(sets)))
        else:
            words = by_leading_word(alt)
            out.extend((one, _frozen(piece)) for one, piece in zip(words, pieces, strict=True))
    return tuple(out)


def _decode_table(
    told: dict[str, Any], alternatives: Sequence[str], flags: int
) -> tuple[tuple[tuple[str, tuple[frozenset[str], ...] | None], ...], frozenset[str] | None, set[str] | None]:
    """(alternatives with their gates, the literals of a table without alternatives, first characters)."""
    lead = None if told["lead"] is None else set(told["lead"])
    if alternatives:
        return _gated(alternatives, told["alternatives"], flags), None, lead
    return (), None if told["literals"] is None else frozenset(told["literals"]), lead


def _frozen(sets: list[list[str]] | None) -> tuple[frozenset[str], ...] | None:
    return None if sets is None else tuple(frozenset(s) for s in sets)


class LiteralIndex:
    """Finds, in one pass, which of a set of literals occur in a text (overlapping ones included): an
    Aho-Corasick automaton, about ten times quicker than a regular expression over a trie of them."""

    def __init__(self, literals: set[str]) -> None:
        self.literals = frozenset(literals)
        self._automaton = ahocorasick.Automaton()
        for literal in sorted(self.literals):
            self._automaton.add_word(literal, literal)
        if self.literals:
            self._automaton.make_automaton()

    def present(self, text: str) -> frozenset[str]:
        if not self.literals:
            return frozenset()
        return frozenset(map(_VALUE, self._automaton.iter(text)))  # (end, literal) pairs


class Phrases:
    """A compiled phrase table whose ``search`` skips texts that lack every literal a match needs.

    The literals of every table are looked for together, once per text (the last few texts are
    remembered), so a message's window is scanned once however many tables read it.
    """

    _registry: ClassVar[list[Phrases]] = []
    _index: ClassVar[LiteralIndex | None] = None
    _seen: ClassVar[dict[str, frozenset[str]]] = {}
    _SEEN_MAX: ClassVar[int] = 8

    def __init__(self, pattern: str, flags: int = 0, alternatives: Sequence[str] = (), *, indexed: bool = True) -> None:
        """``alternatives``: the branches ``pattern`` joins (:meth:`any_of`); each is gated by its own literals.
        ``indexed=False``: this table's few literals are looked for on their own (``in``), not with every table's
        (a table read on texts no other table reads, where one pass for all would be the dearer look)."""
        self.pattern = pattern
        self.flags = flags
        # Each alternative's own literal sets: a text that lacks every literal of one of them is searched
        # without that alternative. (Each is parsed once: what the table needs is read from them.) An alternative
        # led by a choice of plain words is gated and searched as one alternative per word (by_leading_word).
        self._alternatives, own_literals, lead = _derivation(
            ("phrases", pattern, int(flags), tuple(alternatives)),
            lambda: _derive_table(pattern, flags, alternatives),
            lambda told: _decode_table(told, alternatives, flags),
        )
        # Which alternatives each literal of their strongest set lets through: the live ones are found from the
        # literals a text holds, not by looking at every alternative.
        self._ungated = tuple(i for i, (_, gates) in enumerate(self._alternatives) if gates is None)
        through: dict[str, list[int]] = {}
        for i, (_, gates) in enumerate(self._alternatives):
            for literal in gates[0] if gates else ():
                through.setdefault(literal, []).append(i)
        self._through = {literal: tuple(indices) for literal, indices in through.items()}
        self._gate_literals = frozenset(through)
        if alternatives:
            bests = [gates[0] for _, gates in self._alternatives if gates]
            self.literals = frozenset().union(*bests) if len(bests) == len(self._alternatives) else None
        else:
            self.literals = own_literals
        self.regex = _led(pattern, lead, flags)
        self._gated = len(self._alternatives) > 1 and any(gates is not None for _, gates in self._alternatives)
        self._alone: dict[int, re.Pattern[str]] = {}  # an alternative compiled alone, on first use
        self._subsets: dict[tuple[int, ...], re.Pattern[str]] = {}  # the live alternatives joined, by use
        self._own: frozenset[str] | None = None  # the literals looked for on their own (not indexed)
        if not indexed:
            sets = [s for _, alt_gates in self._alternatives for s in alt_gates or ()]
            self._own = frozenset().union(self.literals or (), *sets)
        elif self.literals is not None or self._gated:
            Phrases._registry.append(self)
            Phrases._index = None  # rebuilt with this table's literals on the next search
            Phrases._seen = {}  # what was found in a text before did not look for this table's literals

    @classmethod
    def any_of(cls, *alternatives: str, flags: int = 0, indexed: bool = True) -> Phrases:
        """A table matching any of ``alternatives``, tried in their order at each position (as ``a|b|…``)."""
        return cls("|".join(f"(?:{a})" for a in alternatives), flags, alternatives, indexed=indexed)

    def _literals_here(self, text: str, within: frozenset[str] | None = None) -> frozenset[str]:
        if self._own is not None:
            return frozenset(lit for lit in self._own if lit in text)
        return Phrases._present(text) if within is None else within

    def search(self, text: str, within: frozenset[str] | None = None) -> re.Match[str] | None:
        """``within``: what :meth:`literals_in` gave for a text that ``text`` is a slice of, when at hand (the
        literals of a slice are among those of the whole, so the gate stays exact and is not computed again).

        When only a few alternatives can match (their literals occur), each is searched alone and the leftmost
        match wins, the earlier alternative at the same place: the match of the whole table, found quicker
        (an alternative alone starts with its literal, which ``re`` finds by a fast scan).
        """
        present = self._literals_here(text, within)
        if self.literals is not None and self.literals.isdisjoint(present):
            return None
        if not self._gated:
            return self.regex.search(text)
        live = self._live(present)
        if len(live) == len(self._alternatives):
            return self.regex.search(text)
        if len(live) > _ALONE_MAX:
            return self._subset_regex(live).search(text)
        best: re.Match[str] | None = None
        for i in live:
            hit = self._alone_regex(i).search(text)
            if hit is not None and (best is None or hit.start() < best.start()):
                best = hit
        return best

    def _live(self, present: frozenset[str]) -> tuple[int, ...]:
        """The alternatives that may match a text holding the literals ``present`` (and no others)."""
        candidates = set(self._ungated)
        for literal in self._gate_literals.intersection(present):
            candidates.update(self._through[literal])
        alternatives = self._alternatives
        # The strongest set rules most out; the others are looked at only for what it lets through.
        return tuple(
            i
            for i in sorted(candidates)
            if (gates := alternatives[i][1]) is None or all(not g.isdisjoint(present) for g in gates[1:])
        )

    def _subset_regex(self, live: tuple[int, ...]) -> re.Pattern[str]:
        """The table of only the ``live`` alternatives, in their order: on a text where the others cannot match,
        the same matches as the whole table (leftmost, the earlier alternative at the same place), found
        quicker. Group numbers differ: callers read the match's span and named groups."""
        regex = self._subsets.get(live)
        if regex is None:
            regex = compile_fast("|".join(f"(?:{self._alternatives[i][0]})" for i in live), self.flags)
            with contextlib.suppress(KeyError, StopIteration, RuntimeError):  # another thread got there
                while len(self._subsets) >= _SUBSETS_MAX:
                    self._subsets.pop(next(iter(self._subsets)))
            self._subsets[live] = regex
        return regex

    def _alone_regex(self, index: int) -> re.Pattern[str]:
        regex = self._alone.get(index)
        if regex is None:
            alternative = self._alternatives[index][0]
            # (Under VERBOSE a space means nothing: not a literal.)
            led = alternative if self.flags & re.VERBOSE else _literal_first(alternative)
            # Led by its word, the pattern is left as it is: a lookahead in front would hide the literal re scans for.
            regex = compile_fast(alternative, self.flags) if led == alternative else re.compile(led, self.flags)
            self._alone[index] = regex
        return regex

    @classmethod
    def literals_in(cls, text: str) -> frozenset[str]:
        """Which of every table's required literals ``text`` holds."""
        return cls._present(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of the whole table, in order (found with only the alternatives that may match)."""
        present = self._literals_here(text)
        if self.literals is not None and self.literals.isdisjoint(present):
            return iter(())
        live = self._live(present) if self._gated else ()
        if not self._gated or len(live) == len(self._alternatives):
            return self.regex.finditer(text)
        if not live:
            return iter(())
        if len(live) == 1:
            return self._alone_regex(live[0]).finditer(text)
        if len(live) <= _ALONE_MAX and all(self._alternatives[i][1] is not None for i in live):
            return self._merged(live, text)
        return self._subset_regex(live).finditer(text)

    def _merged(self, live: tuple[int, ...], text: str) -> Iterator[re.Match[str]]:
        """``finditer`` of the ``live`` alternatives, each searched alone: from where the last match ended, the
        leftmost next match, of the earliest alternative at the same place. (Gated alternatives need a literal,
        so no match is empty.)"""
        upcoming = [self._alone_regex(i).search(text) for i in live]
        pos = 0
        while True:
            best: re.Match[str] | None = None
            for k, hit in enumerate(upcoming):
                if hit is not None and hit.start() < pos:  # overlapped by the last match: look again from its end
                    hit = upcoming[k] = self._alone_regex(live[k]).search(text, pos)
                if hit is not None and (best is None or hit.start() < best.start()):
                    best = hit
            if best is None:
                return
            yield best
            pos = best.end()

    @classmethod
    def _present(cls, text: str) -> frozenset[str]:
        found = cls._seen.get(text)
        if found is None:
            if cls._index is None:
                cls._index = LiteralIndex(
                    set().union(*(p.literals or () for p in cls._registry))
                    | {lit for p in cls._registry for _, gates in p._alternatives for s in gates or () for lit in s}
                )
            found = cls._index.present(text)
            with contextlib.suppress(KeyError, StopIteration, RuntimeError):  # another thread got there
                while len(cls._seen) >= cls._SEEN_MAX:
                    cls._seen.pop(next(iter(cls._seen)))
            cls._seen[text] = found
        return found


TABLE_MODULES: Final = (  # the modules whose phrase tables DERIVED_FILE holds
    "inboxwatch.core.detect.rules",
    "inboxwatch.core.detect.classifier",
    "inboxwatch.core.detect.dates",
    "inboxwatch.core.detect.extract",
    "inboxwatch.core.detect.reading",
)


def write_derived(path: Path = DERIVED_FILE) -> int:
    """Load every phrase table and write what parsing tells of each to ``path``; how many tables."""
    for module in TABLE_MODULES:
        importlib.import_module(module)
    made = fresh_derivations()
    path.write_text(json.dumps(made, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(made)
