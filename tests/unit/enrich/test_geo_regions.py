"""Islands and regions by the names English news gives them (geo_regions, places.tsv,
geo_counties): the regions of the most populous countries, islands of one country,
Scotland's council areas."""

from __future__ import annotations

import pytest

from streams.enrich import enrich_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wildfires forced evacuations on Tenerife and Mallorca.", {"ES"}),
        ("Tourists returned to Phuket and Lombok after the storm.", {"TH", "ID"}),
        ("Floods in Sichuan and an earthquake in Hokkaido.", {"CN", "JP"}),
        ("Cartel violence in Jalisco and Chiapas continued.", {"MX"}),
        # A region's name that is mostly something else: a sauce.
        ("The chef said he would serve the tacos with Tabasco sauce on the side.", set()),
        ("Snow shuts more than 80 schools in Aberdeenshire and Moray.", {"GB"}),
    ],
)
def test_islands_and_regions(text: str, expected: set[str]) -> None:
    assert set(enrich_text(text).countries) == expected
