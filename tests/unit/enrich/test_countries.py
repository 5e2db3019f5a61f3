"""Country resolution: the seed stories' country sets, and one test per rule, each from a
real failure seen in the dev data (record ids cited)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.enrich import enrich_story, enrich_text
from streams.sources.seeds import read_stories
from tests.paths import SEEDS


def countries(text: str) -> set[str]:
    return set(enrich_text(text).countries)


@pytest.fixture(scope="module")
def seed_sets() -> list[set[str]]:
    return [set(enrich_story(s["headline"], s["body"]).countries) for s in read_stories(SEEDS)]


def test_seed_story_country_sets(seed_sets: list[set[str]]) -> None:
    putin_kim, host, father, ventilator, taiwan_india, lawmakers = seed_sets
    assert {"RU", "KP", "JP", "US", "UA"} <= putin_kim <= {"RU", "KP", "JP", "US", "UA", "KR"}
    assert host == {"US"}
    assert father == {"LB", "US"}
    assert ventilator == {"US"}
    assert {"TW", "IN", "US", "JP"} <= taiwan_india <= {"TW", "IN", "US", "JP", "CN"}
    assert lawmakers == {"US", "TW", "CN"}


def test_seed_entities_carry_countries_and_offsets() -> None:
    story = next(iter(read_stories(SEEDS)))
    enr = enrich_story(story["headline"], story["body"])
    text = story["body"]  # the first seed story has no headline
    for sp in enr.entities:
        assert text[sp.start : sp.end] == sp.text
    by_text = {sp.text: sp for sp in enr.entities}
    assert by_text["Pyongyang"].country == "KP"
    assert by_text["KCNA"].country == "KP"
    assert by_text["Korean peninsula"].country is None
    assert by_text["Russian"].label == "MISC" and by_text["Russian"].country == "RU"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Longest match wins.
        ("Talks between North Korea and its neighbours resumed.", {"KP"}),
        ("The fire spread across New Mexico on Monday.", {"US"}),
        ("Papua New Guinea sent troops.", {"PG"}),
        # Regions, seas and supranational bodies name no country.
        ("The EU and the UN met in the Middle East and the Indo-Pacific.", set()),
        ("Ships crossed the South China Sea and the Korean peninsula.", set()),
        # Organisations bound to one country.
        ("The Pentagon and the Kremlin traded accusations.", {"US", "RU"}),
        # Demonyms count as mentions.
        ("Lebanese officials said the suspect was detained.", {"LB"}),
        # Case matters: "us" is a pronoun.
        ("He told us the plan would work.", set()),
    ],
)
def test_basic_rules(text: str, expected: set[str]) -> None:
    assert countries(text) == expected


def test_place_inside_person_name_is_not_a_place() -> None:
    assert countries("Jordan Henderson scored twice for the team.") == set()
    # geo-gwn-dev-104: "Kobe Bryant" is not in Kobe, Japan.
    assert countries("Fans remembered Kobe Bryant on Sunday.") == set()


def test_place_that_looks_like_a_person() -> None:
    assert countries("Chad's government declared a state of emergency.") == {"TD"}


def test_place_inside_organisation_counts_for_the_organisation() -> None:
    assert countries("She studied at Georgia Tech before moving on.") == {"US"}
    # geo-gwn-dev-282: "Venice Commission" is in Venice.
    assert countries("The Venice Commission issued an opinion.") == {"IT"}
    # geo-geovirus-dev-46: a hospital named after a person is not in Alexandria.
    assert countries("He was taken to Royal Alexandra Hospital in Paisley, Scotland.") == {"GB"}
    # geo-gwn-dev-301: the African National Congress is not the US Congress.
    assert countries("The African National Congress met in Johannesburg.") == {"ZA"}


def test_currency_is_not_a_mention() -> None:
    # geo-geovirus-dev-56: "US$460 million" in a story about Libya.
    assert countries("Libya agreed to a US$460 million settlement.") == {"LY"}


def test_sentence_initial_word_before_country() -> None:
    # geo-geovirus-dev-147: "Neighbouring Uganda" was read as a person's name.
    assert countries("Neighbouring Uganda has stepped up its surveillance.") == {"UG"}


def test_namesake_city_needs_corroboration() -> None:
    # geo-gwn-dev-239: "Bolton" in a US story is John Bolton, not Bolton, England.
    assert countries("Bolton told the US Senate the deal was bad.") == {"US"}
    # A lone city in a story naming no country still counts.
    assert countries("Flooding hit Bolton overnight.") == {"GB"}


def test_city_region_pattern() -> None:
    assert countries("She grew up in Birmingham, Alabama.") == {"US"}


def test_street_is_not_its_namesake_city() -> None:
    # geo-gwn-dev-268: "Bedford Drive" in Beverly Hills.
    assert countries("The house on Bedford Drive in Beverly Hills sold.") == {"US"}


def test_us_state_abbreviations_and_counties() -> None:
    # geo-gwn-dev-228 ("Slidell, La.") and geo-gwn-dev-270 ("Cuyahoga County").
    assert countries("Police in Slidell, La. said the man fled.") == {"US"}
    assert countries("Officials in Cuyahoga County confirmed the case.") == {"US"}


def test_missing_comma_between_countries() -> None:
    # geo-gwn-dev-116: "Cyprus, Greece Italy or Spain".
    assert countries("countries such as Cyprus, Greece Italy or Spain") == {"CY", "GR", "IT", "ES"}


def test_accurate_path_resolves_countries() -> None:
    enr = enrich_text("Putin met Kim in Pyongyang.", tagger="accurate")
    assert "KP" in enr.countries
    assert any(sp.text == "Pyongyang" and sp.country == "KP" for sp in enr.entities)


def test_unknown_tagger_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown tagger"):
        enrich_text("x", tagger="nope")


# Beyond English: the parallel sentence set (tests/unit/enrich/data/parallel_countries.jsonl,
# written for this project: the same 20 stories in 20 languages with the countries each names).
PARALLEL = Path(__file__).with_name("data") / "parallel_countries.jsonl"
#: Per-language floor on the set: every language reaches 1.0 today; a floor below that
#: leaves room for one missed or extra country (of about 37) without hiding a broken language.
PARALLEL_MIN_F1 = 0.95


def _parallel() -> list[dict]:
    return [json.loads(line) for line in PARALLEL.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("lang", list(_parallel()[0]["text"]))
def test_parallel_set_per_language(lang: str) -> None:
    tp = fp = fn = 0
    for story in _parallel():
        gold, pred = set(story["countries"]), countries(story["text"][lang])
        tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= PARALLEL_MIN_F1, (lang, tp, fp, fn)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The examples: China is not named, only Russia, Ukraine and the US.
        ("习近平会见俄罗斯总统普京 … 乌克兰局势和美国关税问题", {"RU", "UA", "US"}),
        ("O presidente do Brasil … A Alemanha e a França …", {"BR", "DE", "FR"}),
        ("Die beiden sprachen über die Ukraine und Russland", {"UA", "RU"}),
        # Inflected forms.
        ("Der Präsident Russlands traf den Kanzler Deutschlands.", {"RU", "DE"}),
        ("Ракети впали на Харківщині, повідомила Служба Києва.", {"UA"}),
        ("Rozmowy w Stanach Zjednoczonych i w Wielkiej Brytanii.", {"US", "GB"}),
        # Arabic clitics and Bengali case endings written onto the name.
        ("وقالت وزارة الخارجية إن وروسيا والصين اتفقتا", {"RU", "CN"}),
        ("ভারতের প্রধানমন্ত্রী ঢাকায় পৌঁছেছেন", {"IN", "BD"}),
        # Two countries in one Chinese word.
        ("俄乌冲突进入第三年", {"RU", "UA"}),
        # Organisations, currencies and people alone name no country.
        ("埃隆·马斯克会见了三星高管，欧元兑美元下跌。", set()),
        ("Samsung und Volkswagen melden Gewinne; der Euro fällt.", set()),
    ],
)
def test_other_languages(text: str, expected: set[str]) -> None:
    assert countries(text) == expected


def test_places_are_entities_in_scripts_without_capitals() -> None:
    text = "伊朗说，它在霍尔木兹海峡附近扣押了一艘油轮。"
    enr = enrich_text(text)
    iran = [sp for sp in enr.entities if sp.country == "IR"]
    assert iran and iran[0].label == "LOC" and text[iran[0].start : iran[0].end] == "伊朗"
    urdu = "تہران اور دیگر ایرانی شہروں میں احتجاج جاری رہا۔"
    spans = {(sp.text, sp.label, sp.country) for sp in enrich_text(urdu).entities}
    assert ("تہران", "LOC", "IR") in spans and ("ایرانی", "MISC", "IR") in spans


def test_english_words_are_not_read_as_foreign_names() -> None:
    # "Roma" (Rome in Italian) and "Chin" (China in Polish) are English words and names.
    assert countries("The Roma community met Mr Chin in the town hall on Monday.") == set()


#: A second set (8 stories, the hidden evaluation's languages) scored once after the rules
#: were written and not tuned on; its lowest language (Urdu) scored 0.87 (docs/enrichment.md).
HELDOUT = PARALLEL.with_name("parallel_countries_heldout.jsonl")
HELDOUT_MIN_F1 = 0.85


@pytest.mark.parametrize("lang", ["en", "de", "pt", "uk", "zh", "ur", "bn"])
def test_heldout_parallel_set_per_language(lang: str) -> None:
    tp = fp = fn = 0
    for line in HELDOUT.read_text(encoding="utf-8").splitlines():
        story = json.loads(line)
        gold, pred = set(story["countries"]), countries(story["text"][lang])
        tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
    assert 2 * tp / (2 * tp + fp + fn) >= HELDOUT_MIN_F1, (lang, tp, fp, fn)


def test_state_after_a_place_makes_it_a_town_of_that_state() -> None:
    # "Lebanon, Pa." is a town in Pennsylvania, not the country.
    assert countries("A teacher from Lebanon, Pa., won the state lottery on Friday.") == {"US"}


def test_namesake_city_takes_the_country_of_the_other_towns() -> None:
    # No country or state is named: Montgomery and Huntsville tell which Birmingham.
    text = "The Birmingham City Council met; officials from Montgomery and Huntsville attended."
    assert countries(text) == {"US"}


def test_namesake_city_takes_the_country_of_a_demonym() -> None:
    # Valencia, Venezuela is the bigger city; the Spanish officials tell which one.
    text = "Flash floods in Valencia killed more than 200 people, Spanish officials said."
    assert countries(text) == {"ES"}


def test_a_demonym_qualifies_a_place_several_countries_have() -> None:
    # Tripoli is Libya's capital and a Lebanese port: "the Lebanese city of" says which.
    assert countries("Protests in the Lebanese city of Tripoli turned violent.") == {"LB"}
    assert countries("Libyan forces entered Tripoli.") == {"LY"}


#: Local US news and mixed international news written for this project, floors at the
#: measured scores (docs/enrichment.md): local_news_countries.jsonl the first tuning set,
#: local_news_heldout.jsonl written after the namesake-town rule, local_news_fresh.jsonl
#: before the local cues ("Local cues"), local_news_fresh2.jsonl before the county and
#: office rules ("Counties and offices"), local_news_fresh3.jsonl before the Canadian,
#: Australian, Scottish and New England rules ("Cues abroad"), local_news_fresh4.jsonl
#: before the UK police, US town-body and small-US-town rules ("Small towns and police
#: forces"), local_news_fresh5.jsonl before the home-town rule ("Home towns"),
#: local_news_fresh6.jsonl before the short-name rule and never tuned on ("Short names"),
#: local_news_fresh7.jsonl in the fifteenth session before its two fixes ("Fresh set 7").
LOCAL_FLOORS = {
    "local_news_countries.jsonl": {"us": 1.00, "mixed": 0.98},
    "local_news_heldout.jsonl": {"us": 1.00, "mixed": 0.95},
    "local_news_fresh.jsonl": {"us": 0.95, "mixed": 1.00},
    "local_news_fresh2.jsonl": {"us": 0.88, "mixed": 1.00},
    "local_news_fresh3.jsonl": {"us": 0.96, "mixed": 0.96},
    "local_news_fresh4.jsonl": {"us": 0.86, "mixed": 0.89},
    "local_news_fresh5.jsonl": {"us": 0.88, "mixed": 0.80},
    "local_news_fresh6.jsonl": {"us": 0.93, "mixed": 1.00},
    "local_news_fresh7.jsonl": {"us": 0.92, "mixed": 0.95},
}


@pytest.mark.parametrize(
    ("name", "kind"), [(name, kind) for name in LOCAL_FLOORS for kind in ("us", "mixed")]
)
def test_local_and_mixed_news(name: str, kind: str) -> None:
    _local_floor(PARALLEL.with_name(name), kind, LOCAL_FLOORS[name][kind])


def _local_floor(path: Path, kind: str, floor: float) -> None:
    tp = fp = fn = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        story = json.loads(line)
        if story["kind"] == kind:
            gold, pred = set(story["countries"]), countries(story["text"])
            tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
    assert 2 * tp / (2 * tp + fp + fn) >= floor, (kind, tp, fp, fn)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Central" is also a department of Paraguay; the name says whose bank it is.
        ("O Banco Central do Brasil elevou a taxa de juros.", {"BR"}),
        # "El Banco" is also a town in Colombia.
        ("El Banco Central de Chile subió las tasas.", {"CL"}),
        ("La Banque de France a relevé ses prévisions.", {"FR"}),
        ("The Reserve Bank of India raised rates.", {"IN"}),
        # A city after "de" places the organisation, as after "of".
        ("A Universidade de São Paulo abriu vagas.", {"BR"}),
    ],
)
def test_a_country_named_in_an_organisation_is_its_country(text: str, expected: set) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Schools in Athens and Savannah closed ahead of the storm.",
        "The mayor of Hamilton joined officials from Dayton and Cincinnati to announce the plan.",
        "Traffic was backed up in Cambridge after a water main broke near Boston.",
    ],
)
def test_a_namesake_town_takes_the_country_of_its_neighbours(text: str) -> None:
    assert countries(text) == {"US"}


def test_a_world_city_that_dwarfs_its_namesake_stays_itself() -> None:
    # Moscow, Idaho has 25,000 people: a story means Russia's capital beside a US state.
    text = "The Moscow court sentenced the blogger, and a Texas senator condemned the verdict."
    assert countries(text) == {"RU", "US"}


@pytest.mark.parametrize(
    "text",
    [
        "Officials from Atlanta flew to Athens, Greece, for talks.",
        "Officials from Atlanta flew to Athens for talks with the Greek government.",
    ],
)
def test_a_world_city_with_its_country_named_stays_abroad(text: str) -> None:
    athens = [sp for sp in enrich_text(text).entities if sp.text == "Athens"]
    assert athens and athens[0].country == "GR"


@pytest.mark.parametrize(
    "text",
    [
        # Small US towns beside a world city much bigger than its namesake (Kingston, N.Y.).
        "Kingston residents lost power after a storm moved through Poughkeepsie and Newburgh.",
        # A town named like a country, with a small town of its state beside it.
        "Lebanon school officials met with parents in Harrisburg about the new bus routes.",
        # An office only US local government has.
        "Deputies from the county sheriff's office searched a field outside Kingston.",
    ],
)
def test_local_cues_point_to_small_and_country_named_towns(text: str) -> None:
    assert countries(text) == {"US"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A small US town alone, in a story in English that names no country, is a US
        # town (geo_hometown); in a story that names other countries it is only context.
        ("Officials in Harrisburg said the meeting would go ahead.", {"US"}),
        ("Officials in Harrisburg and in Kyiv said the meeting would go ahead.", {"UA"}),
        # A country named as a country stays one, beside a US state.
        ("Lebanon's parliament met as Texas lawmakers debated aid.", {"LB", "US"}),
        # Demonyms of another country outweigh a local cue.
        ("Greek police in Athens and a county sheriff's office in Ohio shared data.", {"GR", "US"}),
    ],
)
def test_local_cues_do_not_move_a_story_abroad(text: str, expected: set) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A county is a local cue: Paris, Texas, is in Lamar County.
        "A Paris man was arrested after deputies searched a barn in Lamar County.",
        # An office only the US has names it in a story that names no country.
        "County commissioners in Elmwood voted to pave the road.",
        # A country has no school board: the name is a US town's (Lebanon, Pa.).
        "The Lebanon school board approved the budget on Monday.",
        # A town of no known country, in a story with a US-only office.
        "The Jordan school district hired 40 teachers.",
    ],
)
def test_counties_and_offices_point_to_the_us(text: str) -> None:
    assert countries(text) == {"US"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kent County Council raised council tax in Maidstone.", {"GB"}),
        ("Clare County Council opened a housing scheme in Ennis.", {"IE"}),
        ("Gardaí closed roads in County Donegal after the storm.", {"IE"}),
        # Scottish sheriffs and Canadian school boards name no US.
        ("The sheriff at Glasgow Sheriff Court fined him.", {"GB"}),
        ("The Toronto District School Board met on Monday.", {"CA"}),
        ("The state legislature passed the budget.", set()),
    ],
)
def test_counties_and_offices_abroad_stay_abroad(text: str, expected: set) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A province after a town, or Canada's provincial police, picks Canada's London.
        ("A London, Ont., man was charged with fraud.", {"CA"}),
        ("Ontario Provincial Police said a London man was hurt.", {"CA"}),
        ("A Perth, Scotland, distillery expanded.", {"GB"}),
        ("Perth and Kinross Council approved a school in Crieff.", {"GB"}),
        ("A man was jailed at Paisley Sheriff Court.", {"GB"}),
        ("Floods cut roads in western Victoria.", {"AU"}),
        ("Norway selectmen put the fire truck to the town meeting.", {"US"}),
        # A state as a town's modifier, and a city commission, are local US words.
        ("Paris police said the small Texas town was calm.", {"US"}),
        ("The Melbourne city commission angered Orlando suburbs.", {"US"}),
        # Windsor, Ont., is across the river from Detroit; Hamilton and Dublin, Ohio, are
        # next to Dayton and Columbus.
        ("A Windsor man smuggled guns across the bridge from Detroit.", {"CA", "US"}),
        ("The mayor of Hamilton joined officials from Dayton.", {"US"}),
        ("Dublin residents packed a meeting as Columbus weighed annexing farmland.", {"US"}),
        # Victoria alone is a queen, a lake and a Canadian city.
        ("A statue of Queen Victoria was unveiled.", set()),
    ],
)
def test_cues_abroad_and_town_government(text: str, expected: set) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "X upon Y" and "X-on-Sea" go by their first part.
        ("Stoke police arrested two men after a fire in Hanley.", {"GB"}),
        ("Southend council approved a new pier toll.", {"GB"}),
        # Newcastle, New South Wales is the bigger city; the pound names the English one.
        ("A Newcastle man was fined £300 for dropping litter.", {"GB"}),
        ("Newcastle, New South Wales, will host the state games.", {"AU"}),
    ],
)
def test_short_names_of_english_towns(text: str, expected: set[str]) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Floods cut roads across Gauteng and KwaZulu-Natal on Monday.", {"ZA"}),
        ("Hamilton City Council in the Waikato voted to raise rates.", {"NZ"}),
        ("Nakuru County officials reported new cholera cases.", {"KE"}),
        ("Gunmen attacked a village in Plateau State, police said.", {"NG"}),
        ("Cocoa farmers in the Ashanti Region want higher prices.", {"GH"}),
        # Bare names that are words or people elsewhere are not regions.
        ("Doc Rivers praised his team's defence after the game.", set()),
    ],
)
def test_first_level_regions_of_english_language_news(text: str, expected: set[str]) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A country's name as a given name, where only names are capitalised ...
        ("Israel Vázquez, vecino de Monterrey, denunció el robo de su coche.", {"MX"}),
        # ... but German capitalises nouns: a country inside a person's span still counts.
        ("Kanzler Merz besuchte Frankreich am Montag.", {"FR"}),
    ],
)
def test_a_country_as_a_given_name(text: str, expected: set[str]) -> None:
    assert countries(text) == expected


def test_a_town_after_a_locative_word_needs_no_corroboration() -> None:
    # bbc-dev-286: "the World Indoor Tournament in Rotterdam" beside Dubai and Switzerland.
    assert countries("Federer of Switzerland won in Dubai after his title in Rotterdam.") == {
        "AE",
        "CH",
        "NL",
    }
    assert countries("Detenido en Alicante un hombre buscado en Alemania.") == {"DE", "ES"}
    # A namesake of note still needs the story's help ("Bolton" is also in Canada), and a
    # word that is a locative only in another language does not count ("we Brits").
    assert countries("John Bolton was in Bolton before he flew to Japan.") == {"JP"}
    assert "ZA" not in countries("In Germany and France, in general we Brits are liked.")


def test_a_given_name_before_a_surname_is_no_town() -> None:
    # bbc-dev-724: "Halle Berry" beside "Dustin Hoffman" is a person, not Halle, Germany.
    assert countries("Dustin Hoffman and Halle Berry will present prizes in the US.") == {"US"}


def test_german_and_dutch_institutions_name_their_town_last() -> None:
    # "Landgericht Bielefeld", "Rechtbank Rotterdam": the town ends the institution's name.
    assert countries("Der Prozess beginnt vor dem Landgericht Bielefeld.") == {"DE"}
    assert countries("Rechtbank Rotterdam veroordeelt een drugskoerier.") == {"NL"}
    # Elsewhere a town ending an organisation's name is no cue ("Central" is a town too).
    assert countries("O Banco Central elevou a taxa básica de juros.") == set()


def test_a_list_of_places_in_any_language_needs_no_corroboration() -> None:
    # The list rule ("Copenhagen, Hamburg and Mannheim") with the story's own conjunction.
    assert countries("Les trains entre Londres et Lille sont perturbés.") == {"FR", "GB"}
    assert countries("De havens van Antwerpen en Rotterdam sluiten een akkoord.") == {
        "BE",
        "NL",
    }


def test_a_french_departement_names_france() -> None:
    text = "Un violent orage de grêle a causé d'importants dégâts dans le Gers cette nuit."
    assert countries(text) == {"FR"}
    german = "Die Behörden warnten vor einer hohen Waldbrandgefahr im Süden des Landes."
    assert countries(german) == set()


def test_a_county_named_like_a_town_abroad_goes_with_the_story() -> None:
    # geo-geovirus-dev-11: "a mass culling of 50,000 birds in Norfolk" in a British story.
    assert countries("Birds were culled in Norfolk, England, after an outbreak.") == {"GB"}
    assert countries("Flooding hit Norfolk and Suffolk.") == {"GB"}
    assert countries("The navy base in Norfolk, Virginia, was closed.") == {"US"}


def test_turkish_people_of_a_place_by_its_li_suffix() -> None:
    assert countries("Konyalı çiftçiler kuraklık nedeniyle zarar gördü.") == {"TR"}
    assert countries("Afganistanlı göçmenler sınırda yakalandı.") == {"AF"}
    assert countries("İzmirliler sahile akın etti.") == {"TR"}


def test_an_indonesian_regency_is_a_place_not_a_person() -> None:
    assert countries("Banjir merendam ratusan rumah di Kabupaten Bandung.") == {"ID"}


def test_adjectives_of_regions_and_cities_name_their_country() -> None:
    assert countries("Bayerische Landwirte protestieren mit Traktoren.") == {"DE"}
    assert countries("I viticoltori piemontesi temono la grandine.") == {"IT"}
    assert countries("Житомирські медики провели рідкісну операцію.") == {"UA"}
    # Capitalised, an Italian or Spanish one is a surname ("il ministro Lombardi").
    assert countries("Il ministro Lombardi ha parlato ai giornalisti.") == set()


def test_a_lower_case_transliteration_is_no_capital() -> None:
    # GeoNames lists "kabul" and "rapat" among Kabul's and Rabat's names: Turkish "kabul
    # etti" (accepted) and Indonesian "rapat" (a meeting) are words.
    assert countries("Meclis teklifi kabul etti.") == set()
    assert countries("DPR menggelar rapat paripurna.") == set()
    assert countries("Kabul'de bir patlama oldu.") == {"AF"}


def test_indonesian_di_is_in_not_part_of_a_name() -> None:
    assert countries("Prabowo temui Xi Jinping di Beijing, bahas investasi nikel.") == {"CN"}


def test_local_institutions_are_organisations_that_name_their_town() -> None:
    assert countries("El Ayuntamiento de Zaragoza aprueba la ampliación del tranvía.") == {"ES"}
    assert countries("Pengadilan Tipikor Jakarta vonis mantan kepala dinas.") == {"ID"}
    assert countries("Der Prozess beginnt vor dem Amtsgericht München.") == {"DE"}


def test_a_combining_form_before_a_hyphen_names_its_country() -> None:
    assert countries("Le sommet franco-allemand s'est tenu à Paris.") == {"DE", "FR"}
    assert countries("Le groupe franco-néerlandais a annoncé des suppressions.") == {"FR", "NL"}
    # Alone, "Franco" is a name and "sino" a word ("no solo ... sino").
    assert countries("Franco murió en noviembre de 1975.") == set()


def test_ukrainian_cities_as_the_news_spells_them() -> None:
    # GeoNames writes "Zaporizhzhya" and "Mykolayiv", and lists Kherson with 66,000 people.
    assert countries("Shelling hit Kherson, Zaporizhzhia and Mykolaiv overnight.") == {"UA"}
    assert countries("Russische drones treffen energiecentrale bij Odessa.") == {"RU", "UA"}
    assert countries("The Odessa, Texas, police said.") == {"US"}


def test_everyday_words_that_are_also_places() -> None:
    assert countries("Чистая прибыль Сбербанка превысила 1,2 трлн рублей.") == set()
    assert countries("El Banco Central Europeo mantiene los tipos.") == set()
    assert countries("Carrefour annonce la suppression de 1 000 postes.") == set()
    assert countries("پشاور یونیورسٹی میں مالی بحران") == {"PK"}


def test_a_country_after_a_given_name_is_a_surname() -> None:
    # Not a phrase the tagger ran into a name: "Norte do Brasil" keeps Brazil.
    assert countries("O primeiro-ministro Luís Montenegro garantiu que não há risco.") == set()
    assert countries("A região Norte do Brasil registra chuvas acima da média.") == {"BR"}
