"""Rule-based word tokenizer with character offsets, CoNLL-2003 (PTB-like) conventions.

Why rules and not a library: the statistical tagger was trained on CoNLL-2003 tokens, so raw
news must be cut the same way (``'s`` and ``n't`` split off, intra-word hyphens, ``U.S.``,
``1996-08-30``, ``1/2`` kept whole), and every token must keep exact ``str`` offsets so
entity spans can be sliced out of the original text. On text that is already CoNLL tokens
joined by spaces, the tokenizer returns exactly those tokens.
"""

from __future__ import annotations

import re

Token = tuple[str, int, int]  # (text, start, end); text == source[start:end]

_CHUNK = re.compile(r"\S+")
_SIMPLE = re.compile(r"[A-Za-z0-9]+\Z")
_OPEN = frozenset("\"“”‘’'«»([{`„")
_CLOSE = frozenset("\"“”’‘'»)]},;:!?`%")
_DASHES = re.compile(r"[—–―…]")  # Unicode dashes and ellipsis: always their own token
_RUN = re.compile(r"([.\-*=_~])\1+\Z")  # "...", "--", "-----": one token, as in CoNLL
# Clitics CoNLL writes as their own token: "England 's", "do n't", "we 're".
_CLITIC = re.compile(r"(?i)(?<=[a-z0-9])(?:['’](?:s|re|ve|ll|m|d)|n['’]t)\Z")
_CLITIC_ALONE = re.compile(r"(?i)(?:['’](?:s|re|ve|ll|m|d)|n['’]t)\Z")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+\Z")
_MONEY = re.compile(r"([A-Z]{0,3}\$)(?=\d)")
# Abbreviations whose final period belongs to the word (CoNLL keeps "Inc.", "St.", "vs.").
_ABBREV_TEXT = """
    mr mrs ms dr prof gen col lt sgt capt cmdr adm gov sen rep rev st mt ft jr sr inc corp
    co ltd bros plc vs vol no nos fig approx est dept univ assn jan feb mar apr aug sep
    sept oct nov dec ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass
    mich minn miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo"""
_ABBREV = frozenset(_ABBREV_TEXT.split())


def _split_chunk(chunk: str, base: int, line_start: bool, out: list[Token]) -> None:
    """Peel punctuation off one whitespace-delimited chunk, appending tokens to ``out``."""
    if _SIMPLE.match(chunk) or _RUN.match(chunk):
        out.append((chunk, base, base + len(chunk)))
        return
    # Dashes and ellipses are always separate tokens, even glued between words.
    if len(chunk) > 1 and _DASHES.search(chunk):
        pos = 0
        for m in _DASHES.finditer(chunk):
            if m.start() > pos:
                _split_chunk(chunk[pos : m.start()], base + pos, line_start and pos == 0, out)
            out.append((m.group(), base + m.start(), base + m.end()))
            pos = m.end()
        if pos < len(chunk):
            _split_chunk(chunk[pos:], base + pos, False, out)
        return
    i, j = 0, len(chunk)
    tail: list[Token] = []
    # Leading quotes/brackets, one at a time ("'s" alone is a clitic, not a quote).
    while j - i > 1 and chunk[i] in _OPEN and not _CLITIC_ALONE.match(chunk, i):
        out.append((chunk[i], base + i, base + i + 1))
        i += 1
    money = _MONEY.match(chunk, i)
    if money and money.end() < j:
        out.append((money.group(1), base + i, base + money.end()))
        i = money.end()
    while j - i > 1:
        c = chunk[j - 1]
        if c in _CLOSE:
            if c in "'’" and _CLITIC_ALONE.match(chunk, i, j):
                break
            tail.append((c, base + j - 1, base + j))
            j -= 1
            continue
        if c == "." and not _keeps_period(chunk[i:j], line_start and i == 0):
            tail.append((".", base + j - 1, base + j))
            j -= 1
            continue
        clitic = _CLITIC.search(chunk, i, j)
        if clitic and clitic.start() > i:
            tail.append((clitic.group(), base + clitic.start(), base + j))
            j = clitic.start()
            continue
        break
    if j > i:
        out.append((chunk[i:j], base + i, base + j))
    out.extend(reversed(tail))


def _keeps_period(word: str, line_start: bool) -> bool:
    """True for tokens like "U.S.", "a.m.", "Inc.", "M." and list numbers "2." at line start."""
    if _INITIALS.match(word):
        return True
    stem = word[:-1]
    if stem.lower() in _ABBREV:
        return True
    return line_start and stem.isdigit()


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into (token, start, end) triples."""
    out: list[Token] = []
    prev_end = 0
    for m in _CHUNK.finditer(text):
        start = m.start()
        line_start = prev_end == 0 or "\n" in text[prev_end:start]
        _split_chunk(m.group(), start, line_start, out)
        prev_end = m.end()
    return out


_TERMINAL = frozenset({".", "!", "?", "...", "…"})
_TRAILING = frozenset("\"”’')]»")


def sentences(text: str, tokens: list[Token]) -> list[list[Token]]:
    """Group tokens into sentences: at line breaks, and after . ! ? before a capitalised word.

    Only a period that is its own token ends a sentence, so abbreviations never do.
    """
    sents: list[list[Token]] = []
    cur: list[Token] = []
    n = len(tokens)
    for k, tok in enumerate(tokens):
        if cur and "\n" in text[cur[-1][2] : tok[1]]:
            sents.append(cur)
            cur = []
        cur.append(tok)
        if k + 1 < n and cur and _ends_here(cur, tokens[k + 1]):
            sents.append(cur)
            cur = []
    if cur:
        sents.append(cur)
    return sents


def _ends_here(cur: list[Token], nxt: Token) -> bool:
    """Sentence break between ``cur[-1]`` and ``nxt``?"""
    last = cur[-1][0]
    if last in _TRAILING and len(cur) > 1 and cur[-2][0] in _TERMINAL:
        pass
    elif last not in _TERMINAL:
        return False
    first = nxt[0][0]
    return first.isupper() or first.isdigit() or first in "\"“‘'(["
