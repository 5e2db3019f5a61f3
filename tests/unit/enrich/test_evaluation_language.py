"""``newsstream eval --task language``: accuracy against each record's language (und never
right), per language with the confusions; languages read from the data when present, the
country scores split per language, and ``--language`` for files that carry none."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from streams.enrich.evaluation import evaluate, format_report, main
from streams.enrich.evaluation_language import (
    by_language,
    format_language,
    gold_language,
    score_language,
)

NEWS = Path(__file__).resolve().parent / "data" / "language_news.jsonl"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"language": "de-DE"}, "de"),
        ({"language": " PT "}, "pt"),
        ({"language": "und"}, "und"),
        ({"language": "German"}, None),
        ({"language": 3}, None),
        ({}, None),
    ],
)
def test_gold_language(record: dict, expected: str | None) -> None:
    assert gold_language(record) == expected


def test_score_counts_und_as_wrong_and_lists_confusions() -> None:
    pairs = [
        ({"language": "uk"}, {"language": "uk"}),
        ({"language": "uk"}, {"language": "ru"}),
        ({"language": "de-AT"}, {"language": "de"}),
        ({"language": "bn"}, {"language": "und"}),
        ({"id": "no gold"}, {"language": "en"}),
    ]
    rep = score_language(pairs)
    assert rep["stories"] == 4 and rep["accuracy"] == 0.5 and rep["undetermined"] == 1
    assert rep["per_language"]["uk"] == {"accuracy": 0.5, "correct": 1, "stories": 2}
    assert rep["confusion"] == {"uk": {"ru": 1}, "bn": {"und": 1}}
    lines = format_language(rep)
    assert lines[0].startswith("language: accuracy 0.5000 on 4 stories (1 und")
    assert "  uk   0.5000  (1/2)  wrong: ru 1" in lines


def test_by_language_groups_records_that_have_one() -> None:
    items = [({"language": "de"}, 1), ({"language": "en"}, 2), ({}, 3), ({"language": "de"}, 4)]
    assert by_language(items) == {"de": [items[0], items[3]], "en": [items[1]]}


def test_evaluate_language_on_the_project_test_set() -> None:
    rep = evaluate(NEWS, None, "fast")  # the file's language field selects the task
    assert rep["errors"] == 0 and rep["language"]["stories"] == rep["records"]
    assert rep["language"]["accuracy"] >= 0.98
    assert len(rep["language"]["per_language"]) == 20
    assert "language: accuracy" in format_report(rep)


def test_countries_split_per_language_and_a_default_gold_language(tmp_path: Path) -> None:
    records = [
        {"id": "1", "text": "Leaders met in Paris and Berlin.", "countries": ["FR", "DE"]},
        {
            "id": "2",
            "text": "Die Regierung in Berlin tagte.",
            "countries": ["DE"],
            "language": "de",
        },
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records))
    rep = evaluate(path, None, "fast", language="en")
    assert rep["language"]["stories"] == 2 and rep["language"]["accuracy"] == 1.0
    assert set(rep["countries"]["by_language"]) == {"de", "en"}
    assert rep["countries"]["by_language"]["de"]["stories"] == 1
    no_default = evaluate(path, "language", "fast")
    assert no_default["language"]["stories"] == 1  # the record without a language is left out


def test_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(NEWS), "--task", "language", "--json"]) == 0
    rep = orjson.loads(capsys.readouterr().out)
    assert set(rep) >= {"language", "stories_per_s"} and "countries" not in rep
