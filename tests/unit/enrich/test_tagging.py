"""The ``newsstream tag`` contract: exactly one output line per input line (blank ones
included), in order, offsets into the text (or headline + blank line + body), and error
lines instead of crashes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import orjson
import pytest

from streams.enrich import ner_crf
from streams.enrich.tagging import tag_lines, tag_record, tag_stream


def run(lines: list[bytes | str]) -> list[dict]:
    out = list(tag_lines(lines, "fast"))
    assert all(line.endswith(b"\n") for line in out)
    return [orjson.loads(line) for line in out]


def test_text_and_headline_body_records_in_order() -> None:
    lines: list[bytes | str] = [
        b'{"id": "a", "text": "Putin met Kim in Pyongyang."}',
        '{"id": "b", "headline": "US lawmakers in Taiwan", "body": "They met in Taipei."}',
        b'{"id": "c", "body": "No headline here, just Japan."}',
    ]
    out = run(lines)
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert out[0]["countries"] == ["KP"]
    assert out[1]["countries"] == ["TW", "US"]
    assert out[2]["countries"] == ["JP"]
    texts = [
        "Putin met Kim in Pyongyang.",
        "US lawmakers in Taiwan\n\nThey met in Taipei.",
        "No headline here, just Japan.",
    ]
    for o, text in zip(out, texts, strict=True):
        assert set(o) == {"id", "language", "entities", "countries", "categories"}
        for ent in o["entities"]:
            assert text[ent["start"] : ent["end"]] == ent["text"]
            assert ent["label"] in {"PER", "ORG", "LOC", "MISC"}
        assert all(set(c) == {"slug", "score"} for c in o["categories"])
    taipei = next(e for e in out[1]["entities"] if e["text"] == "Taipei")
    assert taipei["country"] == "TW"


def test_bad_lines_become_error_lines_in_place() -> None:
    lines: list[bytes | str] = [
        b"{not json",
        b"[1, 2]",
        b'{"id": "x"}',
        b'{"id": "y", "text": 42}',
        b'{"id": "z", "headline": 3, "body": "b"}',
        b'{"id": 7, "body": ["b"]}',
        b"",  # a blank line keeps its place: outputs line up with inputs
        b"  \r\n",
        b'{"id": "e", "text": ""}',
        b'{"id": "ok", "text": "Fine."}',
    ]
    out = run(lines)
    assert len(out) == len(lines)
    assert out[0]["id"] is None and "invalid JSON" in out[0]["error"]
    assert out[1] == {"id": None, "error": "record is a JSON list, expected an object"}
    assert out[2]["id"] == "x" and "neither 'text' nor 'body'" in out[2]["error"]
    assert out[3]["id"] == "y" and "'text' must be a string" in out[3]["error"]
    assert out[4]["id"] == "z" and "'headline'" in out[4]["error"]
    assert out[5]["id"] == 7 and "'body' must be a string" in out[5]["error"]
    assert out[6] == out[7] == {"id": None, "error": "blank line"}
    assert out[8] == {"id": "e", "error": "'text' is empty"}
    assert out[9]["id"] == "ok" and "error" not in out[9]


@pytest.mark.parametrize(
    "record",
    [
        {"id": "h", "headline": "Merkel visits Paris", "body": ""},
        {"id": "h", "headline": "Merkel visits Paris", "body": "   "},
        {"id": "h", "headline": "Merkel visits Paris"},
    ],
)
def test_a_headline_with_an_empty_body_is_tagged_on_its_headline(record: dict) -> None:
    (out,) = run([orjson.dumps(record)])
    assert "error" not in out and out["countries"] == ["FR"]
    assert {(e["text"], e["start"]) for e in out["entities"]} >= {("Paris", 14)}


def test_tag_stream_writes_one_line_per_input_line_and_counts_errors() -> None:
    inp = [
        b'{"id": "a", "text": "Putin met Kim."}\n',
        b"\n",
        b"nope\n",
        b'{"id": "b", "text": "."}',
    ]
    out = io.BytesIO()
    summary = tag_stream(inp, out)
    lines = out.getvalue().split(b"\n")
    assert lines[-1] == b"" and len(lines[:-1]) == len(inp)  # no blank output lines
    records = [json.loads(line) for line in lines[:-1]]
    assert [r["id"] for r in records] == ["a", None, None, "b"]
    assert (summary.lines, summary.errors, summary.error_lines) == (4, 2, [2, 3])
    assert str(summary) == "tag: 4 lines, 2 tagged, 2 errors (lines 2, 3)"


def test_tag_record_matches_tag_lines() -> None:
    rec = {"id": "s", "headline": "Taiwan to coordinate with India", "body": "Japan agreed."}
    assert tag_record(rec, "fast") == run([orjson.dumps(rec)])[0]


def test_missing_model_file_is_an_error_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the accurate tagger loads its model on first use; a missing file must not stop the stream
    monkeypatch.setattr(ner_crf, "_get_model", lambda: ner_crf._Model(tmp_path))  # empty dir
    out = tag_record({"id": "m", "text": "Putin met Kim."}, "accurate")
    assert out["id"] == "m" and set(out) == {"id", "error"}
    assert out["error"].startswith("tagger 'accurate' is not available: FileNotFoundError")
    assert "error" not in tag_record({"id": "ok", "text": "Putin met Kim."}, "fast")


def test_every_line_carries_its_detected_language() -> None:
    zh = {
        "id": "zh",
        "headline": "习近平会见俄罗斯总统普京",
        "body": "双方就乌克兰局势交换了意见。",
    }
    de = {
        "id": "de",
        "text": "Die beiden sprachen über die Ukraine und Russland.",
        "language": "en",
    }
    lines: list[bytes | str] = [
        orjson.dumps(zh),
        orjson.dumps(de),  # a language field of the input is not read: eval scores it
        b'{"id": "short", "text": "Paris"}',
        b'{"id": "bad"}',
    ]
    out = run(lines)
    assert [o.get("language") for o in out] == ["zh", "de", "und", None]
    assert list(out[0])[:2] == ["id", "language"]  # top level, right after the id
    assert out[0]["categories"][0]["score"] < 0.5  # the model reads English only


@pytest.mark.parametrize(
    ("inp", "expected"),
    [
        ([], "tag: 0 lines, 0 tagged, 0 errors"),
        ([b'{"id": "a", "text": "Paris."}'], "tag: 1 line, 1 tagged, 0 errors"),
        ([b"nope"], "tag: 1 line, 0 tagged, 1 error (line 1)"),
        ([b"x", b"y"], "tag: 2 lines, 0 tagged, 2 errors (lines 1, 2)"),
    ],
)
def test_the_summary_counts_in_words(inp: list[bytes], expected: str) -> None:
    assert str(tag_stream(inp, io.BytesIO())) == expected
