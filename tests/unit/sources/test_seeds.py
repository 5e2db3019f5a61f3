from pathlib import Path

import orjson

from streams.kafka.producer import story_events
from streams.sources.seeds import (
    DEFAULT_SEED_NAME,
    default_seed_file,
    is_headline,
    parse_seed_text,
    read_stories,
)
from tests.paths import SEED_STORIES, SEEDS


def test_the_default_seed_file_is_the_repositorys() -> None:
    shipped = default_seed_file()
    assert shipped.name == DEFAULT_SEED_NAME == SEEDS.name
    assert shipped.read_bytes() == SEEDS.read_bytes()


def test_seed_file_splits_into_its_stories_first_without_headline() -> None:
    stories = list(read_stories(SEEDS))
    assert len(stories) == SEED_STORIES
    assert stories[0]["headline"] is None
    assert all(s["headline"] for s in stories[1:])
    assert stories[5]["headline"] == "US lawmakers arrive in Taiwan amid China tensions"


def test_also_read_lines_are_not_content() -> None:
    for s in read_stories(SEEDS):
        assert "Also Read" not in s["body"]


def test_headline_rule() -> None:
    assert is_headline("Taiwan to coordinate with India, US, Japan")
    assert not is_headline("He said so.")
    assert not is_headline("“It was a bad prank,” he said.”")
    assert not is_headline("Is it over?")
    assert not is_headline("She said: ‘road to recovery has begun.’")


def test_parse_blocks_paragraphs_and_separators() -> None:
    text = "Headline here\nPara one.\nAlso Read | elsewhere\nPara two.\n-\nOnly a sentence.\n-\n\n"
    stories = parse_seed_text(text)
    assert stories == [
        {"headline": "Headline here", "body": "Para one.\n\nPara two."},
        {"headline": None, "body": "Only a sentence."},
    ]


def test_jsonl_records_pass_through_and_text_becomes_body(tmp_path: Path) -> None:
    p = tmp_path / "s.jsonl"
    p.write_bytes(b'{"id": "a", "text": "Body A"}\n\n{"id": "b", "body": "Body B"}\n')
    recs = list(read_stories(p))
    assert recs[0]["body"] == "Body A" and recs[1]["body"] == "Body B"


def test_loop_keeps_ids_and_fresh_ids_changes_them() -> None:
    recs = list(read_stories(SEEDS))
    same = list(story_events(recs, loop=2))
    assert len(same) == 2 * SEED_STORIES and len({sid for sid, _ in same}) == SEED_STORIES
    fresh = list(story_events(recs, loop=3, fresh_ids=True))
    assert len({sid for sid, _ in fresh}) == 3 * SEED_STORIES
    assert all(orjson.loads(orjson.dumps(r))["id"] == sid for sid, r in fresh)
