import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inboxwatch.core.detect import fastre
from inboxwatch.core.detect.fastre import (
    LiteralIndex,
    Phrases,
    compile_fast,
    first_chars,
    required_literal_sets,
    required_literals,
)
from tests.support.fresh import run_fresh

PATTERNS = [
    r"\b(apply|interview)\b",
    r"\bthank(s| you) for (applying|your application)",
    r"(?:\w+ ){0,2}jobs",
    r"[a-c]x|d+y",
    r"面接.{0,20}(確定|決定)",
    r"^\s*(re|fwd):",
]


@pytest.mark.parametrize("pattern", PATTERNS)
@given(text=st.text(alphabet="abcdxy ij面接確定obsfwre:\n", max_size=60))
def test_same_matches_as_plain_re(pattern: str, text: str) -> None:
    plain, fast = re.compile(pattern), compile_fast(pattern)
    hit, fast_hit = plain.search(text), fast.search(text)
    assert (hit.span() if hit else None) == (fast_hit.span() if fast_hit else None)


def test_first_characters_are_known_only_when_they_are_few() -> None:
    from inboxwatch.core.detect.fastre import sre_parse

    assert first_chars(list(sre_parse.parse(r"\b(apply|interview)"))) == {"a", "i"}
    assert first_chars(list(sre_parse.parse(r"(?:\w+ ){0,2}jobs"))) is None


OPTIONAL_STARTS = [
    r"\b(working on )?fill(ing)? (several|many) roles",
    r"\b(new|old)? ?(new )?jobs",
    r"(a*)x|(a?)b",
]
def same_first_match(pattern: str, text: str) -> re.Pattern[str]:
    """``compile_fast(pattern)``, after checking it finds in ``text`` the match ``re.compile`` finds."""
    plain, fast = re.compile(pattern, re.M), compile_fast(pattern, re.M)
    hit, fast_hit = plain.search(text), fast.search(text)
    assert (hit.span() if hit else None) == (fast_hit.span() if fast_hit else None)
    return fast


UNICODE_CLASS_STARTS = [
    r"^\s*(senior )?(recruiter|sourcer)\s*$",
    r"\b(\d+|new) (new )?jobs",
    r"(\s*)x|(a?)b",
]


@pytest.mark.parametrize("pattern", UNICODE_CLASS_STARTS)
@given(text=st.text(alphabet="abx \xa0\u2003٣१senior recruiter12jobs\n", max_size=60))
def test_a_pattern_that_may_start_with_a_digit_or_a_space_gets_no_filter(pattern: str, text: str) -> None:
    """``\\d`` and ``\\s`` match Unicode digits and spaces (a no-break space, ٣): no filter lists them all."""
    assert not same_first_match(pattern, text).pattern.startswith("(?=[")


@pytest.mark.parametrize("pattern", OPTIONAL_STARTS)
@given(text=st.text(alphabet="abx fillingworkonseveralmanyroles\nsenior recruiter12jobsdl", max_size=80))
def test_optional_leading_parts_keep_the_same_matches(pattern: str, text: str) -> None:
    assert same_first_match(pattern, text).pattern.startswith("(?=[")  # a filter was found


# --- literal gates --------------------------------------------------------------------------------------

GATED = [
    r"\b(decided|chosen) (not )?to (move|proceed) forward",
    r"\bthank(s| you) for (applying|your application)",
    r"(?:\w+ ){0,2}jobs\b",
    r"面接.{0,20}(確定|決定)",
    r"\b(get(ting)?\s+back\s+to\s+you|let\s+you\s+know)",
    r"^(automatic reply|out of (the )?office|ooo)\b",
    r"ab(?=c)c|x+yz",
]
FRAGMENTS = [
    "decided",
    "chosen",
    " not",
    " to ",
    "move",
    "proceed",
    " forward",
    "thank",
    "s",
    " you",
    " for ",
    "applying",
    "your application",
    "jobs",
    "面接",
    "確定",
    "決定",
    "get",
    "ting",
    "back",
    "let",
    "know",
    "automatic reply",
    "out of ",
    "the ",
    "office",
    "ooo",
    "ab",
    "c",
    "x",
    "yz",
    "\n",
    " ",
]


@pytest.mark.parametrize("pattern", GATED)
@given(parts=st.lists(st.sampled_from(FRAGMENTS), max_size=14))
@settings(deadline=None)  # the first example builds the pattern's tables; on a loaded machine that passed 200 ms
def test_gated_search_finds_what_re_finds(pattern: str, parts: list[str]) -> None:
    text = "".join(parts)
    plain, gated = re.compile(pattern, re.M), Phrases(pattern, re.M)
    hit, gated_hit = plain.search(text), gated.search(text)
    assert (hit.span() if hit else None) == (gated_hit.span() if gated_hit else None)
    assert [m.span() for m in plain.finditer(text)] == [m.span() for m in gated.finditer(text)]


def test_required_literals_name_what_every_match_contains() -> None:
    from inboxwatch.core.detect.fastre import sre_parse

    def needs(pattern: str) -> frozenset[str] | None:
        return required_literals(list(sre_parse.parse(pattern)))

    assert needs(r"\b(decided|chosen) (not )?to move forward") == frozenset({"to move forward"})
    assert needs(r"\b(apply|interview)\b") == frozenset({"apply", "interview"})
    assert needs(r"(?:\w+ ){0,2}jobs") == frozenset({"jobs"})
    assert needs(r"\w+@\w+") == frozenset({"@"})
    assert needs(r"\d+|jobs") is None  # one alternative needs no literal: nothing can be ruled out
    assert needs(r"(?i:interview)") is None  # case-insensitive: the literal would not be exact


@given(text=st.text(alphabet="interviewsto ", max_size=40))
def test_the_index_finds_overlapping_and_nested_literals(text: str) -> None:
    literals = {"interview", "interviews", "view", "views to", "to", "s t", "we"}
    assert LiteralIndex(literals).present(text) == {lit for lit in literals if lit in text}


def test_a_table_without_its_literals_is_not_run() -> None:
    table = Phrases(r"\b(regret|unfortunately)\b.{0,40}\b(position|role)")
    assert table.literals == frozenset({"regret", "unfortunately"})  # stronger than {"position", "role"}
    assert table.search("we will not move forward with the position") is None
    hit = table.search("unfortunately, the position has been filled")
    assert hit is not None and hit.group(0) == "unfortunately, the position"


def test_every_literal_set_a_match_needs_is_named_strongest_first() -> None:
    from inboxwatch.core.detect.fastre import sre_parse

    def sets(pattern: str) -> list[frozenset[str]]:
        return required_literal_sets(list(sre_parse.parse(pattern)))

    found = sets(r"\b(would|'d) (like|love) to (meet|speak)")
    assert found[0] == frozenset({"meet", "speak"})  # the strongest: its shortest literal is the longest
    # re's parser reads (like|love) as "l" and (ike|ove): each is needed.
    assert {frozenset({"would", "'d"}), frozenset({"ike", "ove"}), frozenset({"l"}), frozenset({" to "})} <= set(found)
    found = sets(r"(?:view (the|a) )+role")
    assert found[:2] == [frozenset({"view "}), frozenset({"role"})] and frozenset({"the", "a"}) in found
    assert sets(r"\d+|jobs") == []


def test_an_alternative_is_ruled_out_by_any_literal_set_it_lacks() -> None:
    table = Phrases.any_of(r"\b(would|'d) (like|love) to (meet|speak) you", r"\bzzz\b")
    # "like" is there, but neither "meet" nor "speak": the first alternative cannot match and is not tried.
    assert table._live(Phrases.literals_in("we would like to see you")) == ()
    assert table.search("we would like to see you") is None
    hit = table.search("we would love to meet you")
    assert hit is not None and hit.group(0) == "would love to meet you"


ALTERNATIVES = [
    r"\broles?\b",
    r"\bthank(s| you) for (applying|your application)",
    r"\bjob\w*",
    r"\b(apply|interview)\b",
    r"\bview (the|a) role",
    r"\bto\b",
    r"\d+ jobs",
    r"\bthank you\b",  # starts where the longer thank-you phrase does: the earlier alternative wins there
    r"\brole\w*",
    r"\b(would|'d) (like|love) to (view|apply)",  # needs a literal of each of four sets
    r"(?:view (the|a) )+role",
]


WORDS = [
    "role", "roles", "thank", "thanks", " you", " for", " applying", " your application", "job", "jobs ", "apply",
    "interview", " view", " the", " a", " to", "2", "would", "'d", " like", " love", "control", "\n", " ", ".",
]  # fmt: skip


@given(
    text=st.one_of(
        st.text(alphabet="rolesthank you fpingjbwviea2 \n'dlkv", max_size=80),
        # Words of the alternatives: many may match at once (searched merged, or joined but for the others).
        st.lists(st.sampled_from(WORDS), max_size=30).map("".join),
    ),
    picked=st.lists(st.sampled_from(ALTERNATIVES), min_size=2, max_size=8, unique=True),
)
@settings(max_examples=300)
def test_a_table_of_alternatives_finds_the_match_of_their_union(text: str, picked: list[str]) -> None:
    """Searched alone (few alternatives' literals occur) or as one pattern (many do), the match is the union's:
    the leftmost, of the earliest alternative there, with the same span."""
    table = Phrases.any_of(*picked)
    union = re.compile("|".join(f"(?:{p})" for p in picked))
    hit, expected = table.search(text), union.search(text)
    assert (hit.span() if hit else None) == (expected.span() if expected else None)
    assert (hit.group(0) if hit else None) == (expected.group(0) if expected else None)
    # Every match in turn, as the union's finditer gives them (alone, merged, or joined of the live ones).
    assert [m.span() for m in table.finditer(text)] == [m.span() for m in union.finditer(text)]


def test_many_live_alternatives_are_searched_joined_without_the_others() -> None:
    picked = [*ALTERNATIVES, r"\bzzz (role|job)"]  # the last cannot match below: left out of the joined table
    table = Phrases.any_of(*picked)
    union = re.compile("|".join(f"(?:{p})" for p in picked))
    text = "thank you for applying to the role. 2 jobs: view the role, apply, interview; roles we'd love to view"
    live = table._live(Phrases.literals_in(text))
    ruled_out = [i for i, (alt, _) in enumerate(table._alternatives) if "zzz" in alt]
    assert ruled_out and not set(ruled_out) & set(live) and len(live) > 4
    assert [m.span() for m in table.finditer(text)] == [m.span() for m in union.finditer(text)]
    for start in range(0, len(text), 7):
        hit, expected = table.search(text[start:]), union.search(text[start:])
        assert (hit.span() if hit else None) == (expected.span() if expected else None)


def test_an_alternative_led_by_plain_words_is_one_per_word() -> None:
    from inboxwatch.core.detect.fastre import by_leading_word

    assert by_leading_word(r"\b(bring|have) you (in|back)") == [r"\bbring you (in|back)", r"\bhave you (in|back)"]
    assert by_leading_word(r"\b(?:expect|plan)\s+to") == [r"\bexpect\s+to", r"\bplan\s+to"]
    for kept in (r"\b(a|b)?x", r"\b(a|b)\1 x", r"\b(a\w|b) x", r"^(a|b) x", r"\b(a) x"):
        assert by_leading_word(kept) == [kept]  # optional, referred back to, not plain, not led by \b, one word
    # In a table, the earlier word is tried first at a place, as in the group ("invite" before "invitation").
    table = Phrases.any_of(r"\b(invite|invitation)\w*", r"\bzzz")
    hit = table.search("your invitation")
    assert hit is not None and hit.group(0) == "invitation"
    assert len(table._alternatives) == 3


def test_at_the_same_place_the_earlier_alternative_wins() -> None:
    text = "thank you for applying"
    hit = Phrases.any_of(r"\bthank you\b", r"\bthank(s| you) for (applying|your application)").search(text)
    assert hit is not None and hit.group(0) == "thank you"
    hit = Phrases.any_of(r"\bthank(s| you) for (applying|your application)", r"\bthank you\b").search(text)
    assert hit is not None and hit.group(0) == "thank you for applying"


def test_an_alternative_searched_alone_starts_with_its_word() -> None:
    from inboxwatch.core.detect.fastre import _literal_first

    assert _literal_first(r"\broles?\b") == r"role(?<=\brole)s?\b"  # the "s" is optional: not in the literal
    assert _literal_first(r"\bphone screen\b") == r"phone screen(?<=\bphone screen)\b"
    assert _literal_first(r"\b(came|saw) your") == r"\b(came|saw) your"  # no word first: left as it is
    assert re.search(_literal_first(r"\broles?\b"), "control roles") is not None
    assert re.search(_literal_first(r"\broles?\b"), "controls") is None


def test_the_shipped_derivations_are_what_parsing_tells() -> None:
    """``derived.json`` holds, for every phrase table, what parsing it tells today: no table is missing (it would
    load slower) and none is stale or left over. Out of date: run ``python scripts/derive_phrases.py``."""
    code = (  # a fresh process: the tables of the modules alone, not those other tests make
        "import importlib, json\n"
        "from inboxwatch.core.detect import fastre\n"
        "for module in fastre.TABLE_MODULES:\n"
        "    importlib.import_module(module)\n"
        "print(json.dumps(fastre.fresh_derivations()))\n"
    )
    shipped = json.loads(fastre.DERIVED_FILE.read_text(encoding="utf-8"))
    assert shipped == json.loads(run_fresh(code)), "derived.json is out of date: run python scripts/derive_phrases.py"


TABLE = [  # led by plain words, case-insensitive inline, optional parts, no literal at all
    r"\b(invite|invitation|like to invite) you (to|for) (an? |the )?(interview|phone screen|chat)",
    r"(?i:thank you) for (applying|your application)",
    r"\b(unfortunately|regret to inform)\b",
    r"\d{1,2}:\d{2} ?(am|pm)",
]


@pytest.mark.parametrize("flags", [0, re.M])
def test_a_table_read_from_the_derivations_is_the_table_parsed(monkeypatch: pytest.MonkeyPatch, flags: int) -> None:
    monkeypatch.setattr(fastre, "_shipped", {})  # nothing shipped: parsed here
    parsed = Phrases.any_of(*TABLE, flags=flags)
    single = Phrases(TABLE[0], flags)
    monkeypatch.setattr(fastre, "_shipped", fastre.fresh_derivations())  # shipped: read, not parsed
    monkeypatch.setattr(fastre, "_parse", lambda pattern, flags: pytest.fail("parsed although shipped"))
    monkeypatch.setattr(fastre, "_lead_chars", lambda pattern, flags: pytest.fail("parsed although shipped"))
    read = Phrases.any_of(*TABLE, flags=flags)
    read_single = Phrases(TABLE[0], flags)
    for a, b in ((parsed, read), (single, read_single)):
        assert a._alternatives == b._alternatives
        assert a.literals == b.literals
        assert a._through == b._through and a._ungated == b._ungated
        assert a.regex.pattern == b.regex.pattern
    monkeypatch.undo()  # (searching compiles the alternatives alone, parsing them)
    text = "we would like to invite you to an interview at 10:30 am; thank you for applying"
    assert read.search(text) is not None and read.search(text).span() == parsed.regex.search(text).span()  # type: ignore[union-attr]


def test_a_damaged_derivations_file_is_parsed_around(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    damaged = tmp_path / "derived.json"
    damaged.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(fastre, "DERIVED_FILE", damaged)
    monkeypatch.setattr(fastre, "_shipped", None)
    table = Phrases.any_of(*TABLE)
    assert table.search("we would like to invite you for a chat") is not None
    assert fastre._shipped == {}


def test_a_derivation_that_does_not_decode_is_parsed_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    class Garbled(dict[str, object]):
        def get(self, key: str, default: object = None) -> object:
            return {"alternatives": [["not", "gates"]], "lead": 7}

    monkeypatch.setattr(fastre, "_shipped", {})
    parsed = Phrases.any_of(*TABLE)
    monkeypatch.setattr(fastre, "_shipped", Garbled())
    garbled = Phrases.any_of(*TABLE)
    assert garbled._alternatives == parsed._alternatives and garbled.regex.pattern == parsed.regex.pattern
