"""``newsstream eval``: score the enrichment on a labelled JSON Lines file.

Every record goes through ``tagging.tag_record``, the same code path as ``newsstream tag``, so
the figures describe what the product does. Tasks:

* ``ner``: exact (start, end, label) span match, per label PER/ORG/LOC and micro over the three.
  GeoWebNews ``Embedded_*`` toponyms (places inside a longer name) are left out of the gold.
* ``countries``: micro P/R/F1 of per-story country sets, share of stories exactly right, and
  how many false positives came only from demonyms.
* ``language``: accuracy of the detected language against each record's ``language``
  (``evaluation_language``); records without one take ``--language`` if given. When the
  records carry languages, the country scores are also given per language.
* ``category``: the best IPTC slug against the file's labels (``category_metrics``). IPTC
  files: strict and lenient (``label_alt``) accuracy, macro recall, per-topic recall, the
  most-confused pairs and how many stories the model abstains on (``unclassified``); AG News
  and BBC: accuracy of the slug mapped to their labels, with the confusion matrix.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from streams.enrich import TAGGERS
from streams.enrich.categories import abstains, load_model
from streams.enrich.category_metrics import (
    label_mapper,
    scheme_of,
    topic_scores,
)
from streams.enrich.evaluation_language import (
    by_language,
    format_language,
    gold_language,
    score_language,
)
from streams.enrich.tagging import tag_record_details
from streams.exitcodes import InputError
from streams.sources.files import read_json_lines

TASKS = ("ner", "countries", "category", "language")
#: What ``newsstream eval --help`` says the command does: this docstring's first line.
DESCRIPTION = __doc__.split("\n")[0]
NER_LABELS = ("PER", "ORG", "LOC")


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def _tasks_for(record: dict[str, Any]) -> set[str]:
    tasks = set()
    if isinstance(record.get("entities"), list):
        tasks.add("ner")
    if "countries" in record:
        tasks.add("countries")
    if "label" in record:
        tasks.add("category")
    if gold_language(record) is not None:
        tasks.add("language")
    return tasks


def _gold_spans(record: dict[str, Any]) -> set[tuple[int, int, str]]:
    return {
        (e["start"], e["end"], e["label"])
        for e in record.get("entities", [])
        if e["label"] in NER_LABELS and not str(e.get("gwn_type") or "").startswith("Embedded")
    }


def _score_ner(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    counts = {lab: [0, 0, 0] for lab in NER_LABELS}
    gold_labels: set[str] = set()
    for rec, out in pairs:
        gold = _gold_spans(rec)
        gold_labels.update(lab for _, _, lab in gold)
        pred = {
            (e["start"], e["end"], e["label"]) for e in out["entities"] if e["label"] in NER_LABELS
        }
        for lab in NER_LABELS:
            g = {x for x in gold if x[2] == lab}
            p = {x for x in pred if x[2] == lab}
            counts[lab][0] += len(g & p)
            counts[lab][1] += len(p - g)
            counts[lab][2] += len(g - p)
    # Files that annotate only places (geo files) are scored on LOC alone.
    labels = [lab for lab in NER_LABELS if lab in gold_labels] or list(NER_LABELS)
    result: dict[str, Any] = {lab: _prf(*counts[lab]) for lab in labels}
    result["micro"] = _prf(*(sum(counts[lab][i] for lab in labels) for i in range(3)))
    result["labels"] = labels
    return result


def _score_countries(
    triples: list[tuple[dict[str, Any], dict[str, Any], set[int]]],
) -> dict[str, Any]:
    tp = fp = fn = exact = demonym_fp = 0
    for rec, out, demonyms in triples:
        gold, pred = set(rec["countries"]), set(out["countries"])
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        exact += gold == pred
        for cc in pred - gold:
            sources = [e["start"] for e in out["entities"] if e.get("country") == cc]
            if sources and all(s in demonyms for s in sources):
                demonym_fp += 1
    result: dict[str, Any] = _prf(tp, fp, fn)
    result["exact_share"] = round(exact / len(triples), 4) if triples else 0.0
    result["stories"] = len(triples)
    result["fp_from_demonyms"] = demonym_fp
    return result


def _score_category(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    has_alt = any("label_alt" in rec for rec, _ in pairs)
    scheme = scheme_of([rec["label"] for rec, _ in pairs], has_alt)
    to_label = label_mapper(scheme)
    gold = [rec["label"] for rec, _ in pairs]
    best = [out["categories"][0]["slug"] if out["categories"] else None for _, out in pairs]
    pred = [to_label(slug) for slug in best]
    result: dict[str, Any] = {"scheme": scheme, "stories": len(pairs)}
    if scheme == "iptc":
        alts = [rec.get("label_alt") or [] for rec, _ in pairs]
        result.update(topic_scores(gold, pred, alts))
        result["accuracy"] = result["strict_accuracy"]
    else:
        result["accuracy"] = topic_scores(gold, pred)["strict_accuracy"]
        matrix: dict[str, dict[str, int]] = {}
        for (g, p), n in sorted(Counter(zip(gold, pred, strict=True)).items()):
            matrix.setdefault(g, {})[p] = n
        result["confusion"] = matrix
    cats = [[(c["slug"], c["score"]) for c in out["categories"]] for _, out in pairs]
    result["unclassified"] = sum(map(abstains, cats))
    return result


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """The file's records; a missing file, a directory or a bad line raises `InputError`
    (one sentence naming the file and line, exit code 2)."""
    records = []
    for n, rec in read_json_lines(path):
        if not isinstance(rec, dict):
            raise InputError(f"{path} line {n}: a JSON {type(rec).__name__}, expected an object")
        records.append(rec)
    if not records:  # scores of nothing would print as a success
        raise InputError(f"{path} holds no records")
    return records


def evaluate(
    path: str | Path,
    task: str | None = None,
    tagger: str = "fast",
    records: list[dict[str, Any]] | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """Scores for ``task`` (or every task the file has labels for) on the file's records;
    ``language``: the gold language of records that carry none."""
    if records is None:
        records = read_records(path)
    if language is not None:
        records = [r if "language" in r else {**r, "language": language} for r in records]
    tasks = [task] if task else [t for t in TASKS if any(t in _tasks_for(r) for r in records)]
    outputs: list[tuple[dict[str, Any], dict[str, Any], set[int]]] = []
    tag_record_details({"text": "Warm-up in Paris."}, tagger)  # build automata before timing
    t0 = time.perf_counter()
    for rec in records:
        out, demonyms = tag_record_details(rec, tagger)
        outputs.append((rec, out, demonyms))
    elapsed = time.perf_counter() - t0
    ok = [(r, o, d) for r, o, d in outputs if "error" not in o]
    report: dict[str, Any] = {
        "data": str(path),
        "tagger": tagger,
        "records": len(records),
        "errors": len(outputs) - len(ok),
        "stories_per_s": round(len(records) / elapsed, 1) if elapsed else None,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    for t in tasks:
        subset = [(r, o, d) for r, o, d in ok if t in _tasks_for(r)]
        if t == "ner":
            report["ner"] = _score_ner([(r, o) for r, o, _ in subset])
        elif t == "countries":
            report["countries"] = _score_countries(subset)
            groups = by_language(subset)
            if len(groups) > 1:
                report["countries"]["by_language"] = {
                    lang: _score_countries(group) for lang, group in groups.items()
                }
        elif t == "category":
            report["category"] = _score_category([(r, o) for r, o, _ in subset])
        elif t == "language":
            report["language"] = score_language((r, o) for r, o, _ in subset)
    return report


def _row(name: str, m: dict[str, Any]) -> str:
    return (
        f"  {name:<6} P {m['precision']:.4f}  R {m['recall']:.4f}  F1 {m['f1']:.4f}"
        f"  (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})"
    )


def _category_lines(c: dict[str, Any]) -> list[str]:
    if c["scheme"] != "iptc":
        lines = [
            f"category ({c['scheme']} labels): accuracy {c['accuracy']:.4f}"
            f" on {c['stories']} stories ({c['unclassified']} unclassified)"
        ]
        preds = sorted({p for row in c["confusion"].values() for p in row})
        lines.append("  gold \\ pred " + " ".join(f"{p[:14]:>14}" for p in preds))
        for g, row in c["confusion"].items():
            lines.append(f"  {g[:12]:<12} " + " ".join(f"{row.get(p, 0):>14}" for p in preds))
        return lines
    lines = [
        f"category (IPTC slugs): strict accuracy {c['strict_accuracy']:.4f}, lenient (label_alt)"
        f" {c['lenient_accuracy']:.4f}, macro recall {c['macro_recall']:.4f}"
        f" on {c['stories']} stories ({c['unclassified']} unclassified: best score under the"
        " abstain threshold)",
        "  recall per topic:",
    ]
    lines += [f"    {slug:<34} {r['recall']:.4f}  (n={r['n']})" for slug, r in c["recall"].items()]
    lines.append("  most-confused pairs (a <-> b: total, a taken for b / b taken for a):")
    lines += [
        f"    {e['a']} <-> {e['b']}: {e['n']} ({e['a_as_b']} / {e['b_as_a']})"
        for e in c["confused"]
    ]
    return lines


def format_report(rep: dict[str, Any]) -> str:
    lines = [
        f"data: {rep['data']}  tagger: {rep['tagger']}  records: {rep['records']}"
        f"  errors: {rep['errors']}",
        f"throughput: {rep['stories_per_s']} stories/s (single process)"
        f"  peak memory: {rep['peak_memory_mb']} MB",
    ]
    if "ner" in rep:
        ner = rep["ner"]
        lines.append("ner (exact span match):")
        lines += [_row(lab, ner[lab]) for lab in ner["labels"]]
        lines.append(_row("micro", ner["micro"]))
    if "countries" in rep:
        c = rep["countries"]
        lines.append("countries (per-story sets, micro):")
        lines.append(_row("all", c))
        lines.append(
            f"  exactly right: {c['exact_share']:.4f} of {c['stories']} stories;"
            f" false positives from demonyms: {c['fp_from_demonyms']}"
        )
        lines += [_row(lang, m) for lang, m in c.get("by_language", {}).items()]
    if "category" in rep:
        lines += _category_lines(rep["category"])
    if "language" in rep:
        lines += format_language(rep["language"])
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``newsstream eval`` (and of ``python -m streams.enrich.evaluation``)."""
    parser.add_argument("--data", required=True, help="labelled JSON Lines file")
    parser.add_argument("--task", choices=TASKS, help="default: every task the file has labels for")
    parser.add_argument("--tagger", choices=TAGGERS, default="fast")
    parser.add_argument(
        "--language",
        metavar="CODE",
        help="gold language (ISO 639-1) of records that carry no 'language' field",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    """Evaluate ``args.data`` and print the report (a table, or one JSON line)."""
    rep = evaluate(args.data, args.task, args.tagger, language=args.language)
    if "category" in rep and Path(args.data).name in load_model().training_files:
        rep["category"]["note"] = (
            "the shipped category model was trained on this file, so this is training "
            "accuracy; held-out figures: scripts/train_categories (5-fold cross-validation)"
        )
    if args.json:
        sys.stdout.write(orjson.dumps(rep).decode() + "\n")
    else:
        print(format_report(rep))
        if "category" in rep and "note" in rep["category"]:
            print("  note: " + rep["category"]["note"])
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m streams.enrich.evaluation``: the same options and output as the command."""
    parser = argparse.ArgumentParser(prog="newsstream eval", description=DESCRIPTION)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
