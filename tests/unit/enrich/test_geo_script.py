"""Spelling normalisation of the localised gazetteer (streams/enrich/geo_script.py)."""

from __future__ import annotations

import pytest

from streams.enrich import enrich_text
from streams.enrich.geo_script import han_name_ends, kept_positions, normalise


@pytest.mark.parametrize(
    ("urdu", "persian"),
    [("ٹوکیو", "توکیو"), ("ٹیونس", "تیونس"), ("ڈنمارک", "دنمارک"), ("پورٹ", "پورت")],
)
def test_urdu_retroflex_letters_meet_the_arabic_and_persian_spellings(
    urdu: str, persian: str
) -> None:
    assert normalise(urdu) == normalise(persian)


def test_folding_keeps_one_character_per_character() -> None:
    text = "ٹرمپ نے واشنگٹن میں"
    assert len(normalise(text)) == len(text) == len(kept_positions(text))


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # Sources spell these cities the Persian way ("توکیو"); Urdu news writes "ٹوکیو".
        ("ٹوکیو اور سیول کے درمیان نئی پروازیں شروع ہو رہی ہیں۔", "JP"),
        ("ٹیونس میں انتخابات کے نتائج کا اعلان کر دیا گیا۔", "TN"),
        ("ٹرمپ نے واشنگٹن میں صحافیوں سے بات کی۔", "US"),
    ],
)
def test_urdu_spellings_of_foreign_places_resolve(text: str, country: str) -> None:
    assert country in enrich_text(text).countries


@pytest.mark.parametrize(
    ("text", "name", "kept"),
    [
        ("美方表示将继续推进谈判。", "美方", True),
        ("美方面临压力。", "美方", True),  # 面临, faces: the side
        ("中方针对此事作出回应。", "中方", True),  # 针对, targets
        ("美方向中方提出交涉。", "美方", True),
        ("我们可以方便地使用这款软件。", "以方", False),  # 可以 + 方便
        ("在道德方面存在争议。", "德方", False),  # 道德 + 方面
        ("这是一个完美方案。", "美方", False),
        ("美国对华为实施新的制裁。", "对华", False),  # Huawei
        ("访华期间双方签署协议。", "访华", True),
    ],
)
def test_a_han_side_or_visit_is_not_the_start_of_the_next_word(
    text: str, name: str, kept: bool
) -> None:
    e = text.index(name) + len(name)
    assert han_name_ends(text, e, name) is kept
