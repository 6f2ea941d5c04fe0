from __future__ import annotations

from annotator.text.search import find_all

TEXT = "أجرى وزير الدفاع الأميركي لويد أوستن الخميس اتصالاً هاتفياً بوزير الدفاع الإسرائيلي يوآف"


def _found(query: str) -> list[str]:
    return [TEXT[a:b] for a, b in find_all(TEXT, query)]


def test_arabic_is_found_as_people_type_it() -> None:
    assert _found("اوستن") == ["أوستن"]  # alef with hamza typed plain
    assert _found("اتصالا") == ["اتصالاً"]  # the tanween on the last letter comes along
    assert _found("الاسرائيلي") == ["الإسرائيلي"]
    assert _found("يواف") == ["يوآف"]
    assert _found("ـوزير") == ["وزير", "وزير"]  # tatweel in the query is ignored
    assert _found("وزير") == ["وزير", "وزير"]  # also inside بوزير: find is not whole-word


def test_digits_and_case_match_across_scripts() -> None:
    text = "Casualties: ١١٤٠ killed, 1140 in total; GAZA and Gaza."
    assert [text[a:b] for a, b in find_all(text, "1140")] == ["١١٤٠", "1140"]
    assert [text[a:b] for a, b in find_all(text, "gaza")] == ["GAZA", "Gaza"]
    assert find_all(text, "   ") == [] and find_all(text, "zzz") == []
