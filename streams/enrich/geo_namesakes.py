"""Local namesakes: which of same-name towns a local story means (``countries``).

A city, well-known place or country whose name a town of another country also bears
("Paris", Texas; "Lebanon", Ohio) is read against the story's other places and its local
cues (``geo_local``): local news names the towns around a place, not its country.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache

from streams.enrich import gazetteer, geo_distance, geo_local
from streams.enrich.geo_types import Hit
from streams.enrich.types import Span

__all__ = ["local_namesakes", "span_around"]

#: Kinds whose name a town of another country may bear ("Paris", Texas; "Lebanon", Ohio).
_NAMESAKE_KINDS = frozenset({"city", "place", "country"})


def span_around(spans: list[Span], starts: list[int], start: int, end: int) -> Span | None:
    """The span (sorted by ``starts``) that holds ``start``..``end``, if any."""
    i = bisect_right(starts, start) - 1
    if i >= 0 and spans[i].end >= end:
        return spans[i]
    return None


def _evidence(kept: list[tuple[Hit, Span | None]]) -> list[tuple[int, str]]:
    """(index into ``kept``, country) of a story's states, unambiguous towns and
    well-known places: what a local story's places point to."""
    return [
        (i, h.place.country)
        for i, (h, _) in enumerate(kept)
        if h.place.country is not None
        and (
            h.place.kind == "state"
            or (h.place.kind in ("city", "place") and not (h.place.alts or h.place.namesakes))
        )
    ]


def _local_cues(
    text: str, kept: list[tuple[Hit, Span | None]], hits: list[Hit], spans: list[Span]
) -> set[str]:
    """The countries a story's local cues name (``geo_local``): offices, a currency, a state
    after a town ("Murray, Kentucky", "Stratford, Ont."), US localities and small US
    towns."""
    cued = geo_local.office_countries(text) | geo_local.currency_countries(text)
    if geo_local.has_local_office(text):
        cued.add(geo_local.LOCAL_COUNTRY)
    for h, _ in kept:
        cc = h.place.country
        if cc and h.place.kind in ("state", "place") and _after_town(text, h.start):
            cued.add(cc)
        elif geo_local.is_locality(text, h):
            cued.add(geo_local.LOCAL_COUNTRY)
        elif geo_local.police_service(text, h):
            cued.add("CA")
    if cued:
        return cued
    starts = [sp.start for sp in spans]
    # A town inside a longer name is a word of it ("John Caldwell"); a span that is just
    # the town is the town, whatever label the tagger guessed ("Myrtle Beach" as a person).
    for t in geo_local.towns(text, hits):
        sp = span_around(spans, starts, *t)
        if sp is None or sp.label == "LOC" or (sp.start, sp.end) == t:
            return {geo_local.LOCAL_COUNTRY}
    return set()


def _after_town(text: str, start: int) -> bool:
    """Whether a name at ``start`` follows a word and a comma ("Murray, Kentucky")."""
    return text[max(0, start - 3) : start].endswith(", ") and text[max(0, start - 3)].isalpha()


def local_namesakes(
    text: str, kept: list[tuple[Hit, Span | None]], hits: list[Hit], spans: list[Span]
) -> dict[int, str | None]:
    """Namesake towns in a local story, by index into ``kept``: a city, well-known place or
    country whose name a town of another country also bears ("Paris", "Athens",
    "Lebanon") takes that country when the story names no other country, no demonym or
    well-known place of the name's own, and its states, unambiguous towns and local cues
    all point to that one country ("Schools in Athens and Savannah closed"). A much smaller
    town, or one named like a country, needs a local cue ("Kingston … Poughkeepsie").
    Local news names the places around a town, not its country; a world city in the news
    comes with its country or its neighbours."""
    towns = _country_named_towns(text, kept)
    cands = [
        i
        for i, (h, _) in enumerate(kept)
        if h.place.kind in _NAMESAKE_KINDS
        and (h.place.alts or h.place.namesakes or h.place.far_namesakes)
        and i not in towns
    ]
    if not cands or any(
        h.place.kind == "country" and not h.place.far_namesakes and i not in towns
        for i, (h, _) in enumerate(kept)
    ):
        return towns
    evidence = _evidence(kept)
    cues = cache(lambda: _local_cues(text, kept, hits, spans))
    # A well-known place or a demonym of the town's own country ("the Greek government").
    own = [
        (i, h.place.country)
        for i, (h, _) in enumerate(kept)
        if h.place.kind in ("place", "demonym")
    ]
    out: dict[int, str | None] = dict(towns)
    for idx in cands:
        p = kept[idx][0].place
        if any(cc == p.country for i, cc in own if i != idx):
            continue
        near = () if p.kind == "country" else (*p.alts, *p.namesakes)
        pointed = {cc for i, cc in evidence if i != idx}
        # Read the local cues only when they could matter.
        if len(pointed) > 1 or not pointed <= {*near, *p.far_namesakes}:
            continue
        cued = cues()
        pointed |= cued
        if not pointed:  # nothing points anywhere: towns named together are neighbours
            towns_too = [kept[i][0].place for i in cands if i != idx]
            if (cc_together := geo_distance.together(p, near, towns_too)) is not None:
                out[idx] = cc_together
            continue
        if len(pointed) != 1:
            continue
        cc = next(iter(pointed))
        others = [kept[i][0].place for i, _ in evidence if i != idx]
        by_towns = cc in near and not geo_distance.home_is_nearer(p, cc, others)
        far = cc in p.far_namesakes and (cc in cued or geo_distance.is_neighbour(p, cc, others))
        if by_towns or far:
            out[idx] = cc
    if any(h.place.kind == "country" and i not in out for i, (h, _) in enumerate(kept)):
        return towns  # a country the story names: its towns are not local namesakes
    return out


def _country_named_towns(text: str, kept: list[tuple[Hit, Span | None]]) -> dict[int, str | None]:
    """Names that are towns here, by index into ``kept``.

    * A body only a US town has after a name makes it a US town ("The Verona village
      board"), even one too small for the gazetteer; a volunteer fire department is a
      small town's, the US one when the US has a town of the name ("Havana", Illinois).
    * A country has no school board or town council, so its name before one names a town
      ("The Lebanon school board"). The bodies are the words of US local news, so the town
      is the US one when the US has a town of the name, else of no known country ("Jordan",
      Hong Kong, is a district with no school board).
    * A country's people go by its demonym, so its name before "man" or "woman" is a
      town's ("a Jordan man"): the US one when the US has a town of the name or the story
      has an office only US local government has, else the name is left as it is ("a
      Singapore man" is how Singapore's own news writes it).
    """
    us = geo_local.LOCAL_COUNTRY
    out: dict[int, str | None] = {}
    for i, (h, _) in enumerate(kept):
        p = h.place
        us_only = p.kind in _NAMESAKE_KINDS and geo_local.us_town_body(text, h)
        if us_only or (geo_local.volunteer_firefighters(text, h) and _us_town(text, h)):
            out[i] = us
        elif p.kind != "country":
            continue
        elif geo_local.town_body(text, h):
            out[i] = us if _us_town(text, h) else None
        elif geo_local.names_resident(text, h) and (
            _us_town(text, h) or us in geo_local.office_countries(text)
        ):
            out[i] = us
    return out


def _us_town(text: str, h: Hit) -> bool:
    """Whether the US has a town of the hit's name, however small ("Cuba", New York)."""
    us = geo_local.LOCAL_COUNTRY
    return us in (*h.place.namesakes, *h.place.far_namesakes) or (
        text[h.start : h.end] in gazetteer.us_towns()
    )
