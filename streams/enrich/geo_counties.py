"""The UK's and Ireland's counties and councils as their news names them, for the gazetteer:
pycountry's subdivisions in the words of local news ("Kent County Council", "County Cork",
"Co. Durham", "Fife Council", "Lincolnshire", "Yorkshire")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

import pycountry

from streams.enrich.geo_types import Place

#: ISO 3166-2 subdivision types of the UK and Ireland that are counties with a council.
_COUNCIL_TYPES = {"GB": ("Two-tier county", "Unitary authority"), "IE": ("County",)}
#: UK subdivision types whose council is "<name> Council" ("Fife Council", "Wiltshire
#: Council"): Scotland's council areas, Northern Ireland's districts, England's and Wales's
#: unitary authorities, metropolitan districts and London boroughs.
_GB_COUNCILS = (
    "Council area",
    "District",
    "Unitary authority",
    "Metropolitan district",
    "London borough",
)


def _subdivision_name(name: str) -> str:
    """A pycountry subdivision name as news writes it: "City of Edinburgh", "Pembrokeshire"."""
    name = name.split(" [")[0]
    if name.endswith(", City of"):
        return "City of " + name.removesuffix(", City of")
    return name


#: Northern Ireland's six counties, which its councils no longer follow (pycountry lists the
#: councils): "County Tyrone", "Co Antrim".
_NI_COUNTIES = ("Antrim", "Armagh", "Down", "Fermanagh", "Londonderry", "Derry", "Tyrone")


def council_counties() -> dict[str, Place]:
    """UK and Irish counties and councils in the words their news uses: "Kent County
    Council", "Clare County Council" (longer than the US "Kent County" and "Clare County",
    so they win), the Irish word order "County Cork", "County Durham" and its short form
    "Co Cork", "Co. Durham", and the UK's other councils ("Perth and Kinross Council",
    "Fife Council"). A city's "City Council" is left out (US cities have them too); bare
    names are here only when joined by "and" ("Perth and Kinross"), which no town bears:
    England's and Wales's counties alone are ``shire_counties``."""
    out: dict[str, Place] = {}
    for cc, types in _COUNCIL_TYPES.items():
        for sub in pycountry.subdivisions.get(country_code=cc):
            if sub.type not in types or "[" in sub.name:
                continue
            name = sub.name.removesuffix(", County")
            out[f"{name} County Council"] = Place(cc, "place")
            if cc == "IE" or name != sub.name:
                for county in ("County", "Co", "Co."):
                    out[f"{county} {name}"] = Place(cc, "place")
    for name in _NI_COUNTIES:
        for county in ("County", "Co", "Co."):
            out[f"{county} {name}"] = Place("GB", "place")
    for sub in pycountry.subdivisions.get(country_code="GB"):
        name = _subdivision_name(sub.name)
        if sub.type not in _GB_COUNCILS or name.endswith(" City"):
            continue
        out.setdefault(f"{name} Council", Place("GB", "place"))
        if " and " in name:
            out[name] = Place("GB", "place")
    return out


#: A county with a compass point ("North Yorkshire", "West Sussex", "East Riding of
#: Yorkshire") also gives the county its name is made from ("Yorkshire", "Sussex").
_COMPASS = re.compile(r"(?:North|South|East|West|Central|North East)(?: Riding of)? (.+)")


#: Scotland's council areas named as a given name ("Angus") or a common word ("Highland")
#: are read only with "Council" (``council_counties``).
_NOT_BARE = frozenset({"Angus", "Highland"})


def _bare(sub: pycountry.db.Subdivision, towns: Mapping[str, set[str]]) -> bool:
    if sub.type == "Council area":
        # A council named after its town ("Stirling", "Falkirk") is that town's name.
        city = sub.name.endswith((" City", ", City of"))
        return sub.name not in _NOT_BARE and not city and "GB" not in towns.get(sub.name, ())
    return sub.type in ("Two-tier county", "Unitary authority") and "[" not in sub.name


def shire_counties(table: dict[str, Place], towns: Mapping[str, set[str]]) -> dict[str, Place]:
    """England's and Wales's counties and unitary authorities and Scotland's council areas
    by their bare names ("Kent", "Lincolnshire", "Powys", "Aberdeenshire", "Moray"), which
    their news writes alone. A name that is already a town abroad ("Norfolk", Virginia;
    "Surrey", British Columbia) becomes that town's namesake, so the story's other places
    choose. ``towns``: each GeoNames town name with its countries."""
    out: dict[str, Place] = {}
    for sub in pycountry.subdivisions.get(country_code="GB"):
        if not _bare(sub, towns):
            continue
        names = [sub.name]
        if base := _COMPASS.fullmatch(sub.name):
            names.append(base.group(1))
        for name in names:
            have = table.get(name)
            if have is None:
                out.setdefault(name, Place("GB", "state"))
            elif have.kind == "city" and have.country != "GB" and "GB" not in have.alts:
                out[name] = replace(have, alts=(*have.alts, "GB"))
    return out
