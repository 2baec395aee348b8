"""The plain records that flow through the pipeline.

Every record is a small dataclass that converts to and from a JSON-safe dict, so the
same record can move between stages in one process, through a worker pool, or into
the database's JSON columns without a separate schema.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

SourceKind = Literal["feed", "opml", "page", "html", "jsonl", "folder"]
VerdictStatus = Literal["supported", "unsupported", "contradicted"]


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 text for a datetime (``None`` stays ``None``)."""
    return value.isoformat() if value else None


def parse_iso(value: str | datetime | None) -> datetime | None:
    """A timezone-aware datetime from ISO 8601 text; naive values are taken as UTC."""
    if value is None or value == "":
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _to_jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_jsonable(v) for k, v in value.items()}
    return value


class Record:
    """Mixin giving dataclass records ``to_dict`` / ``from_dict``."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict of this record (datetimes as ISO text)."""
        result = _to_jsonable(self)
        assert isinstance(result, dict)
        return result


@dataclass
class Problem(Record):
    """Something that went wrong with one item; recorded, never raised out of a stage."""

    stage: str
    item: str
    reason: str
    detail: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        """Rebuild from :meth:`to_dict` output."""
        return cls(**data)


@dataclass
class Entry(Record):
    """An article found in a feed, OPML list, JSONL file or given directly, before fetching.

    ``content`` carries text the source already gave (a JSONL record's text, a feed's
    full content), used when the page itself cannot be fetched or yields no article.
    """

    url: str
    source_url: str
    title: str = ""
    summary: str = ""
    content: str = ""
    content_is_html: bool = False
    author: str = ""
    published_at: datetime | None = None
    site_name: str = ""
    language: str = ""
    fetch: bool = True  # False when the source already carries the full article (JSONL)
    #: For a local file: the folder the operator named that holds it (only files inside a
    #: named folder are ever read; see newsdesk.fetch_policy). Empty for web URLs.
    local_root: str = ""
    #: When the source says the item last changed (a feed item's ``updated``), as ISO
    #: text; empty when it does not say.
    updated: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        """Rebuild from :meth:`to_dict` output."""
        data = dict(data)
        data["published_at"] = parse_iso(data.get("published_at"))
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


#: What a source says of an item that, changed, means the item was edited.
REVISION_FIELDS = ("title", "summary", "content", "updated")


def edited(stored: dict[str, Any], seen: Entry) -> bool:
    """Whether ``seen`` (an entry as its source lists it now) shows an edit of the item
    ``stored`` (the entry as it was queued): its title, summary, full content or
    ``updated`` time changed. A field the stored entry does not carry (queued before
    newsdesk kept it) is not compared, so an upgrade re-fetches nothing."""
    now = seen.to_dict()
    return any(key in stored and str(stored[key] or "") != str(now[key] or "")
               for key in REVISION_FIELDS)


@dataclass
class Document(Record):
    """One source article after extraction."""

    url: str
    canonical_url: str
    title: str
    text: str
    content_hash: str
    author: str = ""
    published_at: datetime | None = None
    site_name: str = ""
    language: str = ""
    source_url: str = ""
    extractor: str = ""
    id: int | None = None
    duplicate_of: int | None = None
    duplicate_kind: str | None = None
    story_id: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Rebuild from :meth:`to_dict` output."""
        data = dict(data)
        data["published_at"] = parse_iso(data.get("published_at"))
        return cls(**data)


@dataclass
class Citation(Record):
    """Where a written sentence comes from: one sentence of one source document."""

    doc_id: int
    sentence_index: int
    source_text: str
    outlet: str = ""
    url: str = ""
    number: int = 0  # the 1-based marker of the source in the article's source list


@dataclass
class Verdict(Record):
    """The verifier's finding for one written sentence."""

    status: VerdictStatus
    similarity: float
    checks: dict[str, bool] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    verifier: str = ""
    evidence: list[str] = field(default_factory=list)  # the source sentences it was checked on


@dataclass
class Sentence(Record):
    """One written sentence with its citation and, once checked, its verdict."""

    text: str
    citation: Citation
    verdict: Verdict | None = None
    #: A headline: checked for what it says and whom it credits, not as a sentence.
    headline: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Sentence:
        """Rebuild from :meth:`to_dict` output."""
        verdict = data.get("verdict")
        return cls(
            text=data["text"],
            citation=Citation(**data["citation"]),
            verdict=Verdict(**verdict) if verdict else None,
            headline=bool(data.get("headline", False)),
        )


@dataclass
class Section(Record):
    """A titled part of an article body."""

    heading: str
    sentences: list[Sentence]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        """Rebuild from :meth:`to_dict` output."""
        return cls(data["heading"], [Sentence.from_dict(s) for s in data["sentences"]])


@dataclass
class SourceRef(Record):
    """A source document as listed under an article."""

    number: int
    doc_id: int
    outlet: str
    title: str
    url: str
    published_at: str | None = None
    also_carried_by: list[str] = field(default_factory=list)


@dataclass
class RelatedRef(Record):
    """Another story shown as related, with a one-line teaser."""

    story_id: int
    slug: str
    headline: str
    teaser: str
    score: float


@dataclass
class EntityRef(Record):
    """A normalised named entity of a document or story (see :mod:`newsdesk.entities`)."""

    name: str
    kind: str  # person, org, place or date
    key: str
    documents: int = 1  # documents of the story that name it
    mentions: int = 1


@dataclass
class TimelineSource(Record):
    """A source article of an earlier story, cited in a timeline entry."""

    outlet: str
    title: str
    url: str
    published_at: str | None = None


@dataclass
class TimelineRef(Record):
    """An earlier story this story follows (same people, places and topic)."""

    story_id: int
    slug: str  # "" when the earlier story has no article of its own
    headline: str
    date: str | None  # ISO time of the earlier story's first report
    shared: list[str] = field(default_factory=list)  # entity names both stories carry
    sources: list[TimelineSource] = field(default_factory=list)
    score: float = 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TimelineRef:
        """Rebuild from :meth:`to_dict` output."""
        data = dict(data)
        data["sources"] = [TimelineSource(**s) for s in data.get("sources", [])]
        return cls(**data)


@dataclass
class UpdateRef(Record):
    """One recorded change of a story: when, which outlets and documents, what was new."""

    at: str  # ISO time the change was recorded
    kind: str  # "sources" (new reports joined) or "merge" (another story folded in)
    outlets: list[str] = field(default_factory=list)
    new_outlets: list[str] = field(default_factory=list)
    documents: int = 0
    new_facts: list[str] = field(default_factory=list)


@dataclass
class Article(Record):
    """A written, verified article for one story."""

    story_id: int
    headline: Sentence
    summary: Sentence
    lead: list[Sentence]
    sections: list[Section]
    slug: str
    meta_description: str
    keywords: list[str]
    sources: list[SourceRef]
    writer: str
    #: Whose words the headline is when it is taken from a source ("Reuters", "one
    #: report"); shown beside it. Empty when the headline is the newsroom's own.
    headline_credit: str = ""
    #: "article" (sections with subheadings) or "brief" (one paragraph: short sources).
    kind: str = "article"
    version: int = 1
    written_at: datetime = field(default_factory=utcnow)
    updated_at: datetime | None = None
    verification: dict[str, Any] = field(default_factory=dict)
    dropped: list[Sentence] = field(default_factory=list)
    related: list[RelatedRef] = field(default_factory=list)
    entities: list[EntityRef] = field(default_factory=list)
    timeline: list[TimelineRef] = field(default_factory=list)
    updates: list[UpdateRef] = field(default_factory=list)

    def body_sentences(self) -> list[Sentence]:
        """Every sentence shown on the page, in reading order (headline and summary first)."""
        sentences = [self.headline, self.summary, *self.lead]
        for section in self.sections:
            sentences.extend(section.sentences)
        return sentences

    def keep_body(self, keep: Callable[[Sentence], bool]) -> None:
        """Keep the lead's and the sections' sentences for which ``keep`` is true,
        asked in reading order; sections left empty go."""
        self.lead = [s for s in self.lead if keep(s)]
        for section in self.sections:
            section.sentences = [s for s in section.sentences if keep(s)]
        self.sections = [s for s in self.sections if s.sentences]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            story_id=data["story_id"],
            headline=Sentence.from_dict(data["headline"]),
            summary=Sentence.from_dict(data["summary"]),
            lead=[Sentence.from_dict(s) for s in data["lead"]],
            sections=[Section.from_dict(s) for s in data["sections"]],
            slug=data["slug"],
            meta_description=data["meta_description"],
            keywords=list(data["keywords"]),
            sources=[SourceRef(**s) for s in data["sources"]],
            writer=data["writer"],
            headline_credit=data.get("headline_credit", ""),
            kind=data.get("kind", "article"),
            version=data.get("version", 1),
            written_at=parse_iso(data.get("written_at")) or utcnow(),
            updated_at=parse_iso(data.get("updated_at")),
            verification=dict(data.get("verification") or {}),
            dropped=[Sentence.from_dict(s) for s in data.get("dropped", [])],
            related=[RelatedRef(**r) for r in data.get("related", [])],
            entities=[EntityRef(**e) for e in data.get("entities", [])],
            timeline=[TimelineRef.from_dict(t) for t in data.get("timeline", [])],
            updates=[UpdateRef(**u) for u in data.get("updates", [])],
        )
