"""What a gazetteer name points to (``Place``) and where a name was found (``Hit``).

Their own module so that the English gazetteer and the localised name index can both use
them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """What a name points to: ``kind`` is country|place|state|city|demonym|org|body|region|block.

    ``alts`` lists other countries with a city of that name, for context disambiguation;
    ``population`` is the biggest such city's. ``localised`` marks names from the
    multilingual index (not English), whose hits become entities even where the tagger
    found no span around them (scripts without capitals, lower-case adjectives).
    ``namesakes``: the countries, other than these, with a smaller town of the name
    ("Paris", Texas), which only a local story's other places can point to;
    ``far_namesakes`` the countries whose town of the name is much smaller than the place's
    own city (Paris, Texas) or that name a country ("Lebanon", Pennsylvania), which only a
    story with local cues of that country can point to (``geo_local``). ``sites`` holds
    the (country, latitude, longitude) of every town of the name (15,000 people or more),
    which tells a namesake from a neighbour ("Windsor" beside Detroit is Windsor, Ontario).
    """

    country: str | None
    kind: str
    alts: tuple[str, ...] = ()
    population: int = 0
    localised: bool = False
    namesakes: tuple[str, ...] = ()
    far_namesakes: tuple[str, ...] = ()
    sites: tuple[tuple[str, float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    place: Place
