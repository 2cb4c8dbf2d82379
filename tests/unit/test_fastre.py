import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inboxwatch.fastre import compile_fast, first_chars

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
    from inboxwatch.fastre import sre_parse

    assert first_chars(list(sre_parse.parse(r"\b(apply|interview)"))) == {"a", "i"}
    assert first_chars(list(sre_parse.parse(r"(?:\w+ ){0,2}jobs"))) is None


OPTIONAL_STARTS = [
    r"\b(working on )?fill(ing)? (several|many) roles",
    r"^\s*(senior )?(recruiter|sourcer)\s*$",
    r"\b(\d+|new) (new )?jobs",
    r"(\s*)x|(a?)b",
]


@pytest.mark.parametrize("pattern", OPTIONAL_STARTS)
@given(text=st.text(alphabet="abx fillingworkonseveralmanyroles\nsenior recruiter12jobs", max_size=80))
def test_optional_leading_parts_keep_the_same_matches(pattern: str, text: str) -> None:
    plain, fast = re.compile(pattern, re.M), compile_fast(pattern, re.M)
    hit, fast_hit = plain.search(text), fast.search(text)
    assert (hit.span() if hit else None) == (fast_hit.span() if fast_hit else None)
    assert fast.pattern.startswith("(?=[")  # a filter was found
