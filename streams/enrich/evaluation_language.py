"""``newsstream eval --task language``: accuracy of the detected language against the
``language`` of each record (a declared tag such as ``de-DE`` counts as ``de``), per
language and overall, with the confusions. ``und`` is never right: a record whose language
is known was answered wrongly if the tagger could not tell.

Also the per-language grouping the other tasks use when the data carries languages.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from streams.enrich.language import UNDETERMINED, normalise_tag

T = TypeVar("T", bound=tuple[Any, ...])


def gold_language(record: dict[str, Any]) -> str | None:
    """The record's language as an ISO 639-1 code (``und`` kept), else None."""
    value = record.get("language")
    if not isinstance(value, str):
        return None
    value = value.strip()
    return UNDETERMINED if value.lower() == UNDETERMINED else normalise_tag(value)


def score_language(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Accuracy overall and per gold language, how many answers were ``und``, and the
    confusion (gold -> predicted -> count) of the wrong answers."""
    confusion: Counter[tuple[str, str]] = Counter()
    for rec, out in pairs:
        gold = gold_language(rec)
        if gold is not None:
            confusion[(gold, out.get("language") or UNDETERMINED)] += 1
    stories = sum(confusion.values())
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong: dict[str, dict[str, int]] = {}
    for (gold, pred), n in sorted(confusion.items()):
        per[gold][1] += n
        if gold == pred and gold != UNDETERMINED:
            per[gold][0] += n
        else:
            wrong.setdefault(gold, {})[pred] = n
    correct = sum(ok for ok, _ in per.values())
    return {
        "accuracy": round(correct / stories, 4) if stories else 0.0,
        "stories": stories,
        "undetermined": sum(n for (_, pred), n in confusion.items() if pred == UNDETERMINED),
        "per_language": {
            lang: {"accuracy": round(ok / n, 4), "correct": ok, "stories": n}
            for lang, (ok, n) in sorted(per.items())
        },
        "confusion": wrong,
    }


def by_language(items: Iterable[T]) -> dict[str, list[T]]:
    """Items whose first element is a record, grouped by the record's language (records
    without one are left out)."""
    groups: dict[str, list[T]] = defaultdict(list)
    for item in items:
        gold = gold_language(item[0])
        if gold is not None:
            groups[gold].append(item)
    return dict(sorted(groups.items()))


def format_language(rep: dict[str, Any]) -> list[str]:
    """The report lines of a ``score_language`` result."""
    lines = [
        f"language: accuracy {rep['accuracy']:.4f} on {rep['stories']} stories"
        f" ({rep['undetermined']} und, counted wrong)"
    ]
    for lang, m in rep["per_language"].items():
        confused = ", ".join(f"{p} {n}" for p, n in rep["confusion"].get(lang, {}).items())
        lines.append(
            f"  {lang:<4} {m['accuracy']:.4f}  ({m['correct']}/{m['stories']})"
            + (f"  wrong: {confused}" if confused else "")
        )
    return lines
