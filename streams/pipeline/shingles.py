"""Word shingles of a story's text, hashed: what ``neardup`` takes MinHash signatures of.

The text is casefolded and stripped of punctuation (:func:`normalise`), and each run of
``shingle`` consecutive words is hashed by a polynomial over its UTF-8 bytes (prefix sums,
so every shingle costs the same few numpy operations whatever its length), then mixed to
32 bits. The hash of a substring does not depend on where it sits, so many texts can be
joined and hashed in one set of numpy calls (:meth:`ShingleHasher.many`): for a story those
calls, not the arithmetic, are most of the cost.

Pure arithmetic over bytes: the hashes never depend on ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

__all__ = ["ShingleHasher", "normalise"]

_BASE = 0x100000001B3  # odd, so it is invertible mod 2^64 (FNV-1 64-bit prime)
_BASE_INV = pow(_BASE, -1, 1 << 64)
#: Normalised bytes hashed in one go by ``many``: bounds the powers tables (8 bytes per byte
#: of text, twice) whatever the batch; a longer text is hashed on its own, as before.
_JOINED_BYTES = 1 << 16
_U32 = np.uint32
_U64 = np.uint64
_EMPTY = np.zeros(0, dtype=_U32)

# ASCII punctuation/control bytes to delete, derived from the rule "neither \\w nor \\s" so the
# bytes fast path equals `re.sub(r"[^\\w\\s]", "", text)`; \\x1c-\\x1f are str whitespace but not
# bytes whitespace, so they map to a space.
_ASCII_DELETE = bytes(c for c in range(128) if re.match(r"[^\w\s]", chr(c)))
_ASCII_TABLE = bytes.maketrans(bytes(range(0x1C, 0x20)), b"    ")
_ASCII = frozenset(map(chr, range(128)))
# The non-ASCII characters most English copy carries (typographic quotes, dashes, ellipsis,
# no-break and thin spaces), each as UTF-8 with what the rule above makes of it (a space or
# nothing). A text whose only non-ASCII characters are these takes the bytes path once they
# are replaced, instead of a pass over every character.
_TYPOGRAPHIC = {
    ch: (ch.encode("utf-8"), b" " if ch.isspace() else b"")
    for ch in "\u2019\u2018\u201c\u201d\u2013\u2014\u2026\u00a0\u2009\u202f\u00ab\u00bb"
}
_ASCII_BYTES = bytes(range(128))
# Every byte these characters' UTF-8 is made of (lead bytes C2 and E2, continuation bytes):
# a text with any other non-ASCII byte (Cyrillic, CJK, an accented letter) is refused at
# once, before any exact check.
_TYPOGRAPHIC_BYTES = bytes([0xC2, 0xE2, *range(0x80, 0xC0)])


def _normalised_words(text: str) -> list[bytes]:
    """UTF-8 words of `text` after casefolding and deleting punctuation.

    Equals `re.sub(r"[^\\w\\s]", "", text.casefold()).split()` (encoded), faster
    (docs/neardup.md): ASCII text goes through one `bytes.translate`, and so does text whose
    only non-ASCII characters are typographic quotes, dashes and spaces, once they are
    replaced; other texts pay a `str.replace` per distinct non-ASCII punctuation or space.
    """
    if text.isascii():
        data = text.encode("ascii").lower()
    else:
        typographic = _typographic_to_ascii(text)
        data = _folded(text) if typographic is None else typographic
    return data.translate(_ASCII_TABLE, _ASCII_DELETE).split()


def _folded(text: str) -> bytes:
    """`text` casefolded, its non-ASCII spaces made spaces and its other non-ASCII
    punctuation deleted, as UTF-8 (ASCII punctuation is left to the caller's translate)."""
    folded = text.casefold()
    for ch in set(folded).difference(_ASCII):
        if ch.isspace():
            folded = folded.replace(ch, " ")
        elif not ch.isalnum():
            folded = folded.replace(ch, "")
    return folded.encode("utf-8")


def _typographic_to_ascii(text: str) -> bytes | None:
    """``text`` lower-cased as ASCII bytes with its typographic characters replaced, or
    None when it holds any other non-ASCII character (a letter, another symbol): then only
    the general path knows what casefolding makes of it."""
    data = text.encode("utf-8")
    # Deleting the ASCII bytes leaves the UTF-8 of the non-ASCII characters.
    rest = data.translate(None, _ASCII_BYTES)
    if rest.translate(None, _TYPOGRAPHIC_BYTES):
        return None
    found = set(rest.decode("utf-8"))
    if not found.issubset(_TYPOGRAPHIC):  # another character of those bytes ("€", "•")
        return None
    for ch in found:
        data = data.replace(*_TYPOGRAPHIC[ch])
    return data.lower()


def normalise(text: str) -> str:
    """Casefold, delete punctuation ("U.S." -> "us", "it's" -> "its"), collapse whitespace."""
    return b" ".join(_normalised_words(text)).decode("utf-8")


_S31, _S32 = _U64(31), _U64(32)
_MIX = _U64(0xFF51AFD7ED558CCD)


_S31, _S32, _S4 = _U64(31), _U64(32), _U64(4)
_MIX = _U64(0xFF51AFD7ED558CCD)


def _mix32(x: np.ndarray) -> np.ndarray:
    """Top 32 bits of xorshift-multiply: folds the polynomial hash's low bits into the top."""
    x ^= x >> _S31
    x *= _MIX
    return (x >> _S32).astype(_U32)


class ShingleHasher:
    """32-bit hashes of a text's word shingles; keeps the tables of powers it has grown."""

    def __init__(self, shingle: int) -> None:
        self.shingle = shingle
        self._pow = np.ones(1, dtype=_U64)
        self._inv_pow = np.ones(1, dtype=_U64)

    def one(self, text: str) -> np.ndarray:
        """The hash of every shingle of ``text``; empty when it has no words.

        Texts shorter than the shingle size become ONE shingle (the whole normalised text),
        so they match only an identical normalised text; see docs/neardup.md.
        """
        return self._hash([_normalised_words(text)])[0]

    def many(self, texts: Sequence[str]) -> list[np.ndarray]:
        """``one`` of each text, the texts joined in groups of about ``_JOINED_BYTES``."""
        out: list[np.ndarray] = []
        group: list[list[bytes]] = []
        size = 0
        for words in map(_normalised_words, texts):
            group.append(words)
            size += sum(map(len, words)) + len(words)
            if size >= _JOINED_BYTES:
                out += self._hash(group)
                group, size = [], 0
        if group:
            out += self._hash(group)
        return out

    def _hash(self, texts: list[list[bytes]]) -> list[np.ndarray]:
        """Shingle hashes of each text (as normalised words), the texts joined by a space:
        word j of the whole starts after the j-th space, and a shingle never crosses texts."""
        lengths = np.fromiter(map(len, texts), np.intp, len(texts))
        if not lengths.any():
            return [_EMPTY] * len(texts)
        data = np.frombuffer(b" ".join(b" ".join(w) for w in texts if w), dtype=np.uint8)
        n = len(data)
        pw, inv = self._powers(n)
        # prefix[j] = sum_{m<j} (byte_m + 1) * BASE^m; substring hash = diff * BASE^-start.
        prefix = np.zeros(n + 1, dtype=_U64)
        np.cumsum((data + _U64(1)) * pw[:n], out=prefix[1:])
        spaces = np.flatnonzero(data == 32)
        starts = np.concatenate(([0], spaces + 1))
        ends = np.concatenate((spaces, [n]))
        k = np.minimum(self.shingle, lengths)
        counts = np.where(lengths > 0, lengths - k + 1, 0)  # shingles per text
        first_word = np.cumsum(lengths) - lengths
        bounds = np.cumsum(counts)
        # The first word of each shingle, then its last: k - 1 words on.
        first = np.repeat(first_word - (bounds - counts), counts) + np.arange(bounds[-1])
        last = first + np.repeat(k - 1, counts)
        hashes = _mix32((prefix[ends[last]] - prefix[starts[first]]) * inv[starts[first]])
        return np.split(hashes, bounds[:-1])

    def _powers(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """BASE^i and BASE^-i (mod 2^64) for i < n, grown by doubling."""
        if len(self._pow) < n:
            size = max(n, 2 * len(self._pow))
            ones = np.ones(1, dtype=_U64)
            self._pow = np.concatenate((ones, np.cumprod(np.full(size - 1, _BASE, dtype=_U64))))
            self._inv_pow = np.concatenate(
                (ones, np.cumprod(np.full(size - 1, _BASE_INV, dtype=_U64)))
            )
        return self._pow, self._inv_pow
