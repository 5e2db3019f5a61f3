"""The gazetteer's matching: English names as before, localised names where the text needs
them, with the word boundaries and normalisation of each script."""

from __future__ import annotations

from streams.enrich import gazetteer, geo_index


def names(text: str) -> list[tuple[str, str | None]]:
    return [(text[h.start : h.end], h.place.country) for h in gazetteer.find(text)]


def test_english_longest_match_and_case() -> None:
    assert names("North Korea and the US") == [("North Korea", "KP"), ("US", "US")]
    assert names("tell us") == []


def test_english_text_reads_no_localised_latin_names() -> None:
    text = "The Roma community and the mayor of the town met on Monday."
    assert geo_index.reads_english(text)
    assert names(text) == []


def test_localised_country_wins_on_the_same_span() -> None:
    # English "Georgia" is the US state; in a Spanish story it is the country.
    assert ("Georgia", "GE") in names("El presidente de Georgia viajó a Francia con la ministra.")


def test_han_names_need_no_word_boundaries() -> None:
    assert names("习近平会见俄罗斯总统") == [("俄罗斯", "RU")]


def test_chinese_pair_names_two_countries() -> None:
    assert names("中美关系") == [("中", "CN"), ("美", "US")]


def test_arabic_normalisation_and_clitics() -> None:
    # Alef with hamza, teh marbuta and the conjunction written onto the name.
    assert ("وأوكرانيا", "UA") not in names("وأوكرانيا")
    assert [cc for _, cc in names("زار الوزير بكين وأوكرانيا")] == ["CN", "UA"]


def test_bengali_case_endings() -> None:
    assert [cc for _, cc in names("ভারতের সঙ্গে বাংলাদেশের চুক্তি")] == ["IN", "BD"]


def test_offsets_survive_normalisation() -> None:
    text = "سفر به تهران\u200cو مشهد"  # a zero-width non-joiner is dropped before matching
    for span, _ in names(text):
        assert span in text


def test_home_towns_only_in_their_language() -> None:
    assert geo_index.script_language("Президент України", "cyrillic") == "uk"
    assert geo_index.script_language("ملاقات کے لیے", "arabic") == "ur"
    assert geo_index.latin_language("Die Regierung und der Kanzler sind in Berlin") == "de"


def test_uk_and_irish_county_names_beat_us_counties() -> None:
    assert names("Kent County Council and Kent County") == [
        ("Kent County Council", "GB"),
        ("Kent County", "US"),
    ]
    assert names("Gardaí in County Cork and County Durham") == [
        ("County Cork", "IE"),
        ("County Durham", "GB"),
    ]


def test_irish_short_county_names_and_northern_irish_counties() -> None:
    assert names("Tralee, Co Kerry, and Omagh, Co. Tyrone, in County Down") == [
        ("Co Kerry", "IE"),
        ("Co. Tyrone", "GB"),
        ("County Down", "GB"),
    ]


def test_uk_councils_canadian_provinces_and_australian_state_parts() -> None:
    assert names("Fife Council, City of Edinburgh Council and Perth and Kinross") == [
        ("Fife Council", "GB"),
        ("City of Edinburgh Council", "GB"),
        ("Perth and Kinross", "GB"),
    ]
    # A city's council is also a US body; a Scottish council area is named bare ("Fife"),
    # unless named after its town ("Stirling": the home-town table reads that).
    assert names("Glasgow City Council and Fife") == [("Glasgow", "GB"), ("Fife", "GB")]
    assert names("Stirling Council") == [("Stirling Council", "GB")]
    assert names("Stratford, Ont., and western Victoria") == [
        ("Ont.", "CA"),
        ("western Victoria", "AU"),
    ]


def test_parishes_but_not_saints_parishes() -> None:
    # Jamaica and Barbados have a St. James Parish too.
    assert names("Richland Parish and St. James Parish") == [("Richland Parish", "US")]


def test_small_us_towns_are_far_namesakes_of_cities_not_of_countries() -> None:
    places = gazetteer.entries()
    assert "US" in places["Lisbon"].far_namesakes
    assert any(cc == "US" for cc, _, _ in places["Lisbon"].sites)
    assert "US" not in (*places["Shanghai"].far_namesakes, *places["Mexico"].far_namesakes)
    assert "Cuba" in gazetteer.us_towns()


def test_new_zealand_and_australian_abbreviations() -> None:
    assert names("Hamilton, N.Z., and the NZ government; Ipswich, Qld") == [
        ("Hamilton", "CA"),
        ("N.Z.", "NZ"),
        ("NZ", "NZ"),
        ("Ipswich", "GB"),
        ("Qld", "AU"),
    ]


def test_towns_qualified_by_a_river_go_by_their_short_name() -> None:
    # GeoNames names them "Frankfurt am Main", "Halle (Saale)", "Kingston upon Hull" and
    # lists the short name among their own; a river or region alone is no town.
    assert names("Shares fell in Frankfurt.") == [("Frankfurt", "DE")]
    assert names("A ferry from Hull to Rotterdam.") == [("Hull", "GB"), ("Rotterdam", "NL")]
    assert names("A trial in Halle.") == [("Halle", "DE")]
    assert names("The Main and the Saale flooded.") == []


def test_a_dateline_in_capitals_is_read_as_its_name() -> None:
    assert names("LISBOA (Lusa) – O Governo aprovou hoje o aumento do salário.") == [
        ("LISBOA", "PT")
    ]
    assert names("КРАСНОЯРСК, 12 марта. Дым от лесных пожаров накрыл город.") == [
        ("КРАСНОЯРСК", "RU")
    ]
    assert names("Rockets win\n\nHOUSTON (AP) - The Rockets beat the Lakers.") == [
        ("HOUSTON", "US")
    ]
    # Capitals elsewhere are a shouted headline, not a dateline.
    assert names("STORM HITS HOUSTON AS RIVERS RISE") == []


def test_english_and_welsh_counties_by_their_bare_names() -> None:
    assert names("Flooding hit Cornwall and Devon.") == [("Cornwall", "GB"), ("Devon", "GB")]
    # "Yorkshire" from "North Yorkshire" and the East Riding.
    assert names("Rain across Yorkshire.") == [("Yorkshire", "GB")]
    # A county named like a bigger town abroad is that town's namesake.
    norfolk = gazetteer.find("The base in Norfolk.")[0].place
    assert (norfolk.country, norfolk.alts) == ("US", ("GB",))


def test_korean_headlines_name_countries_by_one_hanja() -> None:
    assert names("美 국무부, 한국에 방위비 증액 요구") == [("美", "US"), ("한국", "KR")]
    assert names("北, 동해상으로 탄도미사일 발사") == [("北", "KP")]
    # Beside another Han character it is part of a word, after a digit a date; Chinese
    # text reads its own names ("美国"), not the Korean abbreviation.
    assert names("中企 지원 확대") == []
    assert names("3日 개막하는 축제") == []
    assert names("美丽的风景") == []


def test_korean_place_names_that_are_everyday_words_need_their_suffix() -> None:
    # 예산 is also "budget", 양산 "mass production", 영주 the start of 영주권 (residency).
    assert names("정부는 내년 예산을 확대하기로 했다") == [("예산", None)]  # blocked
    assert names("반도체 양산에 들어갔다") == [("양산", None)]
    assert names("예산군 주민들이 모였다") == [("예산군", "KR")]


def test_japanese_headlines_name_countries_by_one_kanji() -> None:
    assert names("露、ウクライナ東部に大規模攻撃")[0] == ("露", "RU")
    assert names("ホンダ、米オハイオ工場に追加投資") == [("米", "US"), ("オハイオ", "US")]
    # Everyday kanji: rice, "while", a list of school subjects, the dollar.
    assert names("米の価格が高騰している") == []
    assert names("余震が続く中、救助隊が捜索を続けている。") == []
    assert names("英、数、国の三教科で試験を行う") == []
    assert names("米ドルが対円で上昇した") == []
