"""The three event contracts: what enters (`RawStory`), what leaves (`EnrichedStory`)
and what could not be processed (`DeadLetter`)."""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal, Self, get_args

import orjson
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

#: IPTC Media Topics, top level, as slugs. The order is the IPTC code order.
CategorySlug = Literal[
    "arts-culture-entertainment-media",
    "conflict-war-peace",
    "crime-law-justice",
    "disaster-accident-emergency",
    "economy-business-finance",
    "education",
    "environment",
    "health",
    "human-interest",
    "labour",
    "lifestyle-leisure",
    "politics",
    "religion",
    "science-technology",
    "society",
    "sport",
    "weather",
]
#: The same slugs as a tuple, in the same order (read from the Literal, never retyped).
CATEGORY_SLUGS: tuple[str, ...] = get_args(CategorySlug)
EntityLabel = Literal["PER", "ORG", "LOC", "MISC"]

#: Dates outside EARLIEST_DATE..now + FUTURE_SLACK are treated as garbage, not news.
EARLIEST_DATE = datetime(1800, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=2)
#: Longest accepted values of RawStory's text fields, in characters; producers that shorten
#: rather than lose a story (the feed reader) read them from here.
MAX_ID_CHARS = 512
MAX_HEADLINE_CHARS = 4096
MAX_URL_CHARS = 8192
MAX_SOURCE_CHARS = 512
#: At most this many feed category terms per story, each at most this long (the feed
#: reader keeps the first ones rather than lose the story).
MAX_FEED_CATEGORIES = 64
MAX_FEED_CATEGORY_CHARS = 200
#: The language code of a story whose language is not known (ISO 639-2, valid in BCP 47).
UNDETERMINED_LANGUAGE = "und"
#: A detected language as stories carry it: ISO 639-1, or UNDETERMINED_LANGUAGE.
LANGUAGE_PATTERN = r"^(?:[a-z]{2}|und)$"
FeedTerm = Annotated[str, StringConstraints(max_length=MAX_FEED_CATEGORY_CHARS)]
_WS = re.compile(r"\s+")


def story_text(headline: str | None, body: str) -> str:
    """The text that entity offsets point into: headline, blank line, body."""
    return f"{headline}\n\n{body}" if headline else body


def story_id_for(headline: str | None, body: str) -> str:
    """A stable id from the normalised headline and body, for stories that bring none.

    Normalisation (NFKC, case-folded, whitespace collapsed) makes re-encodings and
    re-wrapped copies of the same story map to one id, so replays are not double counted.
    """
    norm = unicodedata.normalize("NFKC", f"{headline or ''}\n{body}").casefold()
    norm = _WS.sub(" ", norm).strip()
    return "h" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:31]


def is_plausible_date(when: datetime) -> bool:
    """Whether an aware datetime lies in the accepted range (EARLIEST_DATE..now + slack)."""
    return EARLIEST_DATE <= when <= datetime.now(UTC) + FUTURE_SLACK


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _Model(BaseModel):
    def to_bytes(self) -> bytes:
        """orjson-encoded JSON, the wire format of every topic."""
        return orjson.dumps(self.model_dump(mode="json", exclude_none=True))

    @classmethod
    def from_bytes(cls, data: bytes | str) -> Self:
        return cls.model_validate(orjson.loads(data))


class RawStory(_Model):
    """A news story as a producer publishes it to ``news.raw``.

    Unknown fields are ignored (documented choice: feeds add fields all the time, and
    rejecting them would dead-letter good news).
    """

    model_config = ConfigDict(extra="ignore", frozen=False)

    id: str = Field(
        default="",
        max_length=MAX_ID_CHARS,
        description="Story id; when absent, a stable hash of the normalised headline+body.",
    )
    headline: str | None = Field(default=None, max_length=MAX_HEADLINE_CHARS)
    body: str = Field(min_length=1, description="The story text, required and non-empty.")
    url: str | None = Field(default=None, max_length=MAX_URL_CHARS)
    published_at: datetime | None = None
    source: str = Field(default="unknown", max_length=MAX_SOURCE_CHARS)
    language: str | None = Field(
        default=None,
        max_length=35,
        description="The language the producer declares (a BCP 47 tag such as de-DE); "
        "absent when it does not know: unknown is not English.",
    )
    feed_categories: list[FeedTerm] | None = Field(
        default=None,
        max_length=MAX_FEED_CATEGORIES,
        description="The item's own category terms as its feed gives them (RSS "
        "<category>, Atom category term); the enrichment maps common ones to IPTC slugs.",
    )
    received_at: datetime | None = Field(
        default=None, description="Set by the worker when it takes the event in (UTC)."
    )

    @field_validator("body")
    @classmethod
    def _body_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("body is blank")
        return v

    @field_validator("id", "headline", "body", "url", "source", "language")
    @classmethod
    def _no_nul(cls, v: str | None) -> str | None:
        if v is not None and "\x00" in v:
            raise ValueError("contains NUL characters")
        return v

    @field_validator("feed_categories")
    @classmethod
    def _terms_no_nul(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and any("\x00" in term for term in v):
            raise ValueError("contains NUL characters")
        return v

    @field_validator("headline")
    @classmethod
    def _headline_or_none(cls, v: str | None) -> str | None:
        return v.strip() or None if v is not None else None

    @field_validator("published_at", "received_at")
    @classmethod
    def _sane_date(cls, v: datetime | None) -> datetime | None:
        if v is None:
            return None
        v = _utc(v)
        if not is_plausible_date(v):
            raise ValueError(f"date {v.isoformat()} is outside {EARLIEST_DATE.year}..now")
        return v

    @model_validator(mode="after")
    def _fill_id(self) -> Self:
        if not self.id.strip():
            self.id = story_id_for(self.headline, self.body)
        return self

    @property
    def text(self) -> str:
        return story_text(self.headline, self.body)


class Entity(BaseModel):
    """A tagged span; ``start``/``end`` are code-point offsets into the story text."""

    text: str
    label: EntityLabel
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")


class CategoryScore(BaseModel):
    slug: CategorySlug
    score: float = Field(ge=0.0, le=1.0)


class EnrichedStory(RawStory):
    """The raw story plus what the enrichment found; published to ``news.enriched``."""

    language: str = Field(
        default=UNDETERMINED_LANGUAGE,
        pattern=LANGUAGE_PATTERN,
        description="The language detected in the story text (ISO 639-1). When the text "
        "is too short or mixed to tell: the producer's declared language if it gave one, "
        "else und.",
    )
    entities: list[Entity] = Field(default_factory=list)
    countries: list[str] = Field(
        default_factory=list, description="Sorted unique ISO 3166-1 alpha-2 codes."
    )
    categories: list[CategoryScore] = Field(
        default_factory=list,
        description="All 17 IPTC top-level slugs, best first, each with the calibrated "
        "probability that the story is about it (they do not sum to 1). A story whose best "
        "score is under the model's abstain threshold is routed to news.topic.unclassified.",
    )
    enriched_at: datetime
    pipeline_version: str


class DeadLetter(_Model):
    """An event that could not be processed, with everything needed to replay it."""

    key_b64: str | None = Field(description="Original key bytes, base64; null if none.")
    value_b64: str = Field(
        description="Original value bytes, base64; lossless unless value_truncated."
    )
    value_size: int = Field(default=0, description="Size of the original value in bytes.")
    value_sha256: str = Field(default="", description="SHA-256 of the original value.")
    value_truncated: bool = Field(
        default=False,
        description="Oversized values keep only their first bytes here; the original stays "
        "on the source topic at topic/partition/offset (redrive reads it from there).",
    )
    preview: str = Field(description="First bytes of the value, decoded leniently.")
    reason: str = Field(description="Short machine-readable reason, e.g. invalid_json.")
    error: str = Field(description="Human-readable error.")
    topic: str
    partition: int
    offset: int
    dead_lettered_at: datetime

    @classmethod
    def build(
        cls,
        *,
        key: bytes | None,
        value: bytes | None,
        reason: str,
        error: str,
        topic: str,
        partition: int,
        offset: int,
        max_value_bytes: int | None = None,
    ) -> DeadLetter:
        raw = value or b""
        preview = raw[:200].decode("utf-8", errors="replace")
        kept = raw if max_value_bytes is None else raw[:max_value_bytes]
        return cls(
            key_b64=base64.b64encode(key).decode() if key is not None else None,
            value_b64=base64.b64encode(kept).decode(),
            value_size=len(raw),
            value_sha256=hashlib.sha256(raw).hexdigest(),
            value_truncated=len(kept) < len(raw),
            preview=preview,
            reason=reason,
            error=error[:1000],
            topic=topic,
            partition=partition,
            offset=offset,
            dead_lettered_at=datetime.now(UTC),
        )

    def original_key(self) -> bytes | None:
        return base64.b64decode(self.key_b64) if self.key_b64 is not None else None

    def original_value(self) -> bytes:
        return base64.b64decode(self.value_b64)
