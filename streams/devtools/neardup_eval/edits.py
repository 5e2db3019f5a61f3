"""Wire-style edits that turn a source story into another outlet's version of it: trim the
tail, reorder paragraphs, a new headline, word substitutions and updated numbers, a
dateline or byline prefix. Each edits a copy in place with the stream's seeded ``rng``."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from streams.devtools.neardup_eval.sources import Doc

EDITS = ("trim", "reorder", "headline", "substitute", "prefix")
_NUM = re.compile(r"^(\D*?)(\d+)(\D*)$")
SUBS = {
    "said": "says",
    "says": "said",
    "told": "said",
    "percent": "per cent",
    "per": "per",
    "centre": "center",
    "programme": "program",
    "organisation": "organization",
    "labour": "labor",
    "also": "additionally",
    "but": "however",
    "will": "would",
}
PREFIXES = (
    "LONDON (Reuters) - ",
    "WASHINGTON, March 3 (AP) — ",
    "By Staff Reporter\n\n",
    "(AFP) - ",
    "NEW YORK, Jan 12 (Reuters) -- ",
    "By Jane Doe and John Roe, Associated Press\n\n",
)


def copy_doc(d: Doc) -> Doc:
    """A copy whose paragraphs an edit may change without touching the original."""
    return Doc(d.id, d.label, d.headline, [list(p) for p in d.paras], d.entities)


def edit_trim(d: Doc, rng: random.Random, pool: list[Doc]) -> None:
    """Cut the tail: whole last paragraph(s) when possible, else sentences; 10-40% of words."""
    total = d.words()
    target = total * rng.uniform(0.1, 0.4)
    removed = 0
    while d.paras and removed < target:
        last = d.paras[-1]
        n = sum(len(s.split()) for s in last)
        if removed + n <= total * 0.45 and len(d.paras) > 1:
            d.paras.pop()
            removed += n
        elif len(last) > 1:
            removed += len(last.pop().split())
        else:
            break


def edit_reorder(d: Doc, rng: random.Random, pool: list[Doc]) -> None:
    """Move one non-lede paragraph elsewhere (the lede stays first, as on the wires)."""
    if len(d.paras) < 3:
        d.paras[0], d.paras[-1] = d.paras[-1], d.paras[0]
        return
    i = rng.randrange(1, len(d.paras))
    p = d.paras.pop(i)
    choices = [j for j in range(1, len(d.paras) + 1) if j != i]
    d.paras.insert(rng.choice(choices), p)


def edit_headline(d: Doc, rng: random.Random, pool: list[Doc]) -> None:
    """Another outlet's headline: someone else's headline, an UPDATE tag, or none."""
    mode = rng.randrange(3)
    if mode == 0:
        d.headline = rng.choice(pool).headline
    elif mode == 1:
        d.headline = f"UPDATE {rng.randint(1, 3)}-{d.headline}"
    else:
        d.headline = ""


def edit_substitute(d: Doc, rng: random.Random, pool: list[Doc]) -> None:
    """2-6 small substitutions: said->says etc. and updated numbers."""
    spots = []
    for pi, para in enumerate(d.paras):
        for si, sent in enumerate(para):
            for wi, w in enumerate(sent.split()):
                core = w.strip(".,;:\"'()“”’").lower()
                if core in SUBS or any(c.isdigit() for c in w):
                    spots.append((pi, si, wi))
    for pi, si, wi in rng.sample(spots, min(len(spots), rng.randint(2, 6))):
        words = d.paras[pi][si].split()
        w = words[wi]
        m = _NUM.match(w)
        if m and m.group(2):
            words[wi] = f"{m.group(1)}{int(m.group(2)) + rng.randint(1, 9)}{m.group(3)}"
        else:
            core = w.strip(".,;:\"'()“”’")
            words[wi] = w.replace(core, SUBS.get(core.lower(), core))
        d.paras[pi][si] = " ".join(words)


def edit_prefix(d: Doc, rng: random.Random, pool: list[Doc]) -> None:
    """Dateline or byline in front of the first paragraph."""
    d.paras[0][0] = rng.choice(PREFIXES) + d.paras[0][0]


EDIT_FUNCS: dict[str, Callable[[Doc, random.Random, list[Doc]], None]] = dict(
    zip(EDITS, (edit_trim, edit_reorder, edit_headline, edit_substitute, edit_prefix), strict=True)
)
