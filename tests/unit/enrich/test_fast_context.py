"""Context rules of the fast tagger: results lines, titles, given names, cue words."""

from __future__ import annotations

from streams.enrich.fast_context import (
    chunks,
    company_context,
    cue_org,
    given_name,
    person_after_title,
    team_score,
)


def at(text: str, name: str) -> tuple[int, int]:
    s = text.index(name)
    return s, s + len(name)


def test_team_score_needs_a_results_line() -> None:
    line = "Wigan 1 Cardiff 0"
    assert team_score(line, *at(line, "Wigan"))
    assert team_score(line, *at(line, "Cardiff"))
    table = "Hamburg 3 2 0 1 7 3 6"
    assert team_score(table, *at(table, "Hamburg"))
    prose = "Britain blamed Russia for the March 4 attack in Salisbury 2 days ago."
    assert not team_score(prose, *at(prose, "March"))
    assert not team_score("Lithuania 8.06", 0, 9)  # a time or distance, not a score
    ranking = "9. Yoshikawa 107\n10. Ozers 98"
    assert not team_score(ranking, *at(ranking, "Yoshikawa"))
    long_line = "Wigan 1 Cardiff 0 " + "and the crowd went home without a word " * 3
    assert not team_score(long_line, 0, 5)


def test_person_after_lower_case_title() -> None:
    for text, name in [
        ("O encontro com o presidente Lula foi adiado.", "Lula"),
        ("Об этом сообщил министр Лавров.", "Лавров"),
        ("He met president Macron.", "Macron"),
    ]:
        assert person_after_title(text, text.index(name)), text
    text = "Talks with the foreign Ministry ended."
    assert not person_after_title(text, text.index("Ministry"))


def test_given_names_with_slavic_case_endings() -> None:
    assert given_name("Olaf")
    assert given_name("Владимир")
    assert given_name("Владимира")  # genitive
    assert given_name("Володимиром")  # Ukrainian instrumental
    assert not given_name("России")
    assert not given_name("Ministry")


def test_organisation_word_endings_and_company_context() -> None:
    assert cue_org(["Außenministerium"])
    assert cue_org(["Bundesbank"])
    assert not cue_org(["Bank"])  # too short to be a compound: the cue list decides
    text = "Gazprom 's shares rose."
    assert company_context(text, *at(text, "Gazprom"))
    text = "He bought a stake in Auchan last year."
    assert company_context(text, *at(text, "Auchan"))
    text = "Gazprom rose."
    assert not company_context(text, *at(text, "Gazprom"))


def test_chunks_read_capitals_of_every_script() -> None:
    text = "Prezydent Andrzej Duda i Łukasz Żak oraz Юлія Свириденко"
    words = [[text[s:e] for s, e in ch] for ch in chunks(text)]
    assert ["Prezydent", "Andrzej", "Duda"] in words
    assert ["Łukasz", "Żak"] in words
    assert ["Юлія", "Свириденко"] in words
    # Name particles join a name: "Ursula von der Leyen" is one chunk.
    text = "Ursula von der Leyen spoke."
    assert [text[s:e] for s, e in chunks(text)[0]] == ["Ursula", "Leyen"]
