"""Distance between same-name towns (``geo_distance``)."""

from __future__ import annotations

from streams.enrich import gazetteer, geo_distance


def test_a_namesake_nearer_the_other_towns_than_the_place_itself() -> None:
    places = gazetteer.entries()
    windsor, hamilton = places["Windsor"], places["Hamilton"]
    assert (windsor.country, hamilton.country) == ("CA", "CA")
    assert geo_distance.home_is_nearer(windsor, "US", [places["Detroit"]])
    assert not geo_distance.home_is_nearer(hamilton, "US", [places["Dayton"]])
    assert not geo_distance.home_is_nearer(windsor, "US", [])


def test_a_small_namesake_next_to_a_named_town_is_its_neighbour() -> None:
    places = gazetteer.entries()
    # Dublin, Ohio, is a suburb of Columbus; no US Dublin lies near Boston.
    assert geo_distance.is_neighbour(places["Dublin"], "US", [places["Columbus"]])
    assert not geo_distance.is_neighbour(places["Dublin"], "US", [places["Boston"]])


def test_two_namesakes_named_together_take_the_country_where_they_are_neighbours() -> None:
    places = gazetteer.entries()
    cambridge, worcester, oxford = places["Cambridge"], places["Worcester"], places["Oxford"]
    # 60 km apart in Massachusetts, 130 km in England.
    assert geo_distance.together(cambridge, ("US",), [worcester]) == "US"
    # Oxford is Cambridge's neighbour in England: the place's own country stands.
    assert geo_distance.together(cambridge, ("US",), [oxford]) is None
    assert geo_distance.together(cambridge, ("US",), []) is None
