"""Rendering shared by the static site publisher and the live web app.

Both the :class:`~newsdesk.builtin.publish_site.SitePublisher` and the FastAPI app
render through :class:`Renderer`, so a story page written to disk and the same page
served live are byte-for-byte identical. Links between pages are relative (the site
works from ``file://`` and under any host); only canonical tags, feeds and the JSON
API use absolute URLs built from :attr:`SiteSettings.base_url`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from newsdesk.errors import PublishError
from newsdesk.records import Article, Sentence, parse_iso

TEMPLATE_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
#: The files under STATIC_DIR a published site carries (static/<name>).
STATIC_FILES = ("style.css", "verify.js")

# Slugs become file names, so only this alphabet is accepted; the length cap keeps
# ``<slug>.html`` within every common file system's name limit.
SLUG_PATTERN = re.compile(r"^[a-z0-9-]{1,200}$")

# IPTC digital source type, as schema.org's ``digitalSourceType``: the text is a
# composite of human-written source sentences selected and arranged by trained models.
DIGITAL_SOURCE_TYPE = "https://schema.org/CompositeWithTrainedAlgorithmicMediaDigitalSource"
AI_LABEL = "ai-generated"
WRITER_NAME = "newsdesk automated writer"
SITE_DISCLOSURE = (
    "Every story on this site was written by newsdesk's automated writer from source "
    "articles by other outlets. Every sentence cites its source and was checked against it."
)

# Characters XML 1.0 forbids even when escaped; scraped text occasionally carries them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def is_valid_slug(slug: str) -> bool:
    """Whether ``slug`` is safe to use as a file name (only ``[a-z0-9-]``)."""
    return bool(SLUG_PATTERN.fullmatch(slug))


def check_slug(slug: str) -> str:
    """Return ``slug`` unchanged if it is safe as a file name.

    Raises:
        PublishError: the slug holds anything other than ``[a-z0-9-]`` (``../`` included).
    """
    if not is_valid_slug(slug):
        raise PublishError(
            f"refusing to publish story slug {slug!r}: slugs may only contain a-z, 0-9 "
            "and '-' (the writer should have produced one; check the article record)"
        )
    return slug


@dataclass(frozen=True)
class SiteSettings:
    """What the rendered pages need to know about the site they belong to."""

    site_title: str = "newsdesk"
    base_url: str = "http://127.0.0.1:8000"
    home_limit: int = 50

    def absolute(self, path: str) -> str:
        """An absolute URL for a site-relative ``path``."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


class Figures(NamedTuple):
    """The verification figures printed in the AI notice."""

    sources: int
    checked: int
    supported: int
    dropped: int


def story_path(slug: str) -> str:
    """The site-relative path of a story page."""
    return f"stories/{slug}.html"


def shown(sentence: Sentence) -> bool:
    """Whether a body sentence may appear on a page: only one the verifier found
    supported (never an unchecked, unsupported or contradicted one)."""
    return sentence.verdict is not None and sentence.verdict.status == "supported"


def figures(article: Article) -> Figures:
    """Verification figures from ``article.verification``, counted from the article if absent."""
    stats = article.verification
    supported = sum(
        1 for s in article.body_sentences() if s.verdict and s.verdict.status == "supported"
    )
    dropped = int(stats.get("dropped", len(article.dropped)))
    supported = int(stats.get("supported", supported))
    checked = int(stats.get("checked", supported + dropped))
    return Figures(len(article.sources), checked, supported, dropped)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def ai_notice(article: Article) -> str:
    """The reader-facing AI disclosure for one article, with its verification figures."""
    fig = figures(article)
    removed = "1 was removed" if fig.dropped == 1 else f"{fig.dropped} were removed"
    return (
        "This article was written by newsdesk's automated writer from "
        f"{_plural(fig.sources, 'source article', 'source articles')}. Every sentence cites "
        f"its source and was checked against it: {fig.supported} of "
        f"{_plural(fig.checked, 'sentence', 'sentences')} passed verification, {removed}."
    )


def updated_at(article: Article) -> datetime:
    """When the article last changed (its update time, else when it was written)."""
    return article.updated_at or article.written_at


def story_listing(article: Article, site: SiteSettings) -> dict[str, Any]:
    """One entry of ``api/stories.json`` and ``GET /api/stories``."""
    return {
        "slug": article.slug,
        "headline": article.headline.text,
        "summary": article.summary.text,
        "updated_at": updated_at(article).isoformat(),
        "url": site.absolute(story_path(article.slug)),
        "sources": len(article.sources),
        "verification": figures(article)._asdict(),
        "ai_generated": True,
        "disclosure": ai_notice(article),
    }


def story_document(article: Article) -> dict[str, Any]:
    """The full JSON of one story: ``Article.to_dict()`` plus the AI label and disclosure."""
    document = article.to_dict()
    document["ai_generated"] = True
    document["disclosure"] = ai_notice(article)
    return document


@dataclass
class SentenceView:
    """One sentence as the templates print it."""

    text: str
    number: int | None
    source_text: str
    verdict: str
    tooltip: str


PARAGRAPH_SENTENCES = 3


def paragraphs(sentences: list[SentenceView]) -> list[list[SentenceView]]:
    """Break a section into readable paragraphs: a new one when the source changes after
    two sentences, or after three sentences."""
    result: list[list[SentenceView]] = []
    for view in sentences:
        current = result[-1] if result else None
        if (current is None or len(current) >= PARAGRAPH_SENTENCES
                or (len(current) >= 2 and current[-1].number != view.number)):
            result.append([view])
        else:
            current.append(view)
    return result


@dataclass
class StoryView:
    """Everything ``story.html`` needs, computed once in Python rather than in Jinja."""

    article: Article
    headline: SentenceView
    summary: SentenceView
    lead: list[SentenceView]
    sections: list[tuple[str, list[list[SentenceView]]]]  # heading, paragraphs
    sources: list[dict[str, Any]]
    related: list[dict[str, str]]
    notice: str
    entities: list[tuple[str, list[str]]]  # (kind heading, names)
    timeline: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    canonical: str
    json_ld: Markup
    updated: datetime
    figures: Figures


def _sentence_view(
    sentence: Sentence, numbers: dict[int, int], by_doc: dict[int, int]
) -> SentenceView:
    citation = sentence.citation
    # Prefer the marker the writer assigned; fall back to the source list by document id.
    number = numbers.get(citation.number) or by_doc.get(citation.doc_id)
    verdict = sentence.verdict
    if verdict is None:
        status, tooltip = "unchecked", "Not checked against its source"
    else:
        status = verdict.status
        word = {"supported": "Verified against", "contradicted": "Contradicted by"}.get(
            status, "Not supported by")
        target = f"source [{number}]" if number else "its source"
        tooltip = f"{word} {target} (similarity {verdict.similarity:.2f})"
        if verdict.evidence:
            tooltip += ": " + " … ".join(f"“{e}”" for e in verdict.evidence)
    return SentenceView(sentence.text, number, citation.source_text, status, tooltip)


ENTITY_HEADINGS = {"person": "People", "org": "Organisations", "place": "Places",
                   "date": "Dates"}


def _join_names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _entity_groups(article: Article) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for entity in article.entities:
        name = format_day(entity.name) if entity.kind == "date" else entity.name
        groups.setdefault(entity.kind, []).append(name)
    return [(ENTITY_HEADINGS[k], groups[k]) for k in ENTITY_HEADINGS if k in groups]


def _update_lines(article: Article) -> list[dict[str, Any]]:
    """One line per recorded change, newest first: "Updated <time> with reports from ..."."""
    lines = []
    for update in reversed(article.updates):
        if update.kind == "merge":
            text = "merged with another story about the same event"
        else:
            text = f"with reports from {_join_names(update.outlets)}" if update.outlets else ""
        lines.append({"at": update.at, "text": text, "new_facts": update.new_facts,
                      "new_outlets": update.new_outlets})
    return lines


def _json_ld(article: Article, site: SiteSettings, notice: str) -> Markup:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline.text,
        "description": article.meta_description or article.summary.text,
        "datePublished": article.written_at.isoformat(),
        "dateModified": updated_at(article).isoformat(),
        "url": site.absolute(story_path(article.slug)),
        "mainEntityOfPage": site.absolute(story_path(article.slug)),
        "keywords": article.keywords,
        "author": {"@type": "Organization", "name": WRITER_NAME},
        "publisher": {"@type": "Organization", "name": site.site_title, "url": site.base_url},
        "isBasedOn": [source.url for source in article.sources if source.url],
        "digitalSourceType": DIGITAL_SOURCE_TYPE,
        "creativeWorkStatus": "AI-generated",
        "backstory": notice,
    }
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # A headline containing "</script>" must not end the script element early.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _as_datetime(value: datetime | str | None) -> datetime | None:
    """A UTC datetime from a datetime or ISO text; ``None`` when absent or unreadable."""
    if isinstance(value, str):
        try:
            value = parse_iso(value)
        except ValueError:
            # Source dates come from scraped pages; a malformed one is shown as absent.
            return None
    return _utc(value) if value else None


def _utc(value: datetime) -> datetime:
    # Naive times are taken as UTC, as ``records.parse_iso`` does.
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def format_day(value: datetime | str | None) -> str:
    """A reader-friendly date such as ``12 Nov 2026`` (the text itself when unreadable)."""
    moment = _as_datetime(value)
    return f"{moment.day} {moment:%b %Y}" if moment else str(value or "")


def format_time(value: datetime | str | None) -> str:
    """A reader-friendly UTC time such as ``25 Nov 2025, 14:35 UTC`` (empty for none)."""
    moment = _as_datetime(value)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC" if moment else ""


def iso_time(value: datetime | str | None) -> str:
    """ISO 8601 text for a ``<time datetime>`` or Atom element (empty for none)."""
    moment = _as_datetime(value)
    return moment.isoformat() if moment else ""


def rfc822_time(value: datetime) -> str:
    """RFC 822 time for RSS ``pubDate``."""
    return format_datetime(_utc(value), usegmt=True)


def xml_text(value: str) -> str:
    """``value`` without the control characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", value)


class Renderer:
    """Renders pages and feeds for one site; safe to share between threads."""

    def __init__(self, site: SiteSettings | None = None) -> None:
        self.site = site or SiteSettings()
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATE_DIR),
            autoescape=select_autoescape(["html", "xml"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(
            format_time=format_time, format_day=format_day, iso_time=iso_time,
            rfc822=rfc822_time, xml_text=xml_text
        )
        self.env.globals.update(site=self.site, site_disclosure=SITE_DISCLOSURE)

    def story_view(self, article: Article, has_page: Callable[[str], bool]) -> StoryView:
        """The view of one article; related stories link only where ``has_page(slug)``."""
        numbers = {s.number: s.number for s in article.sources}
        by_doc = {s.doc_id: s.number for s in article.sources}

        def views(sentences: Iterable[Sentence]) -> list[SentenceView]:
            return [_sentence_view(s, numbers, by_doc) for s in sentences if shown(s)]

        sections = [(sec.heading, views(sec.sentences)) for sec in article.sections]
        related = [
            {"href": f"{ref.slug}.html", "headline": ref.headline, "teaser": ref.teaser}
            for ref in article.related
            if ref.slug != article.slug and is_valid_slug(ref.slug) and has_page(ref.slug)
        ]
        sources = [
            {
                "number": s.number,
                "outlet": s.outlet,
                "title": s.title,
                "url": s.url,
                "published_at": s.published_at,
                "also_carried_by": s.also_carried_by,
            }
            for s in sorted(article.sources, key=lambda s: s.number)
        ]
        timeline = [
            {
                "href": f"{ref.slug}.html"
                if ref.slug and ref.slug != article.slug and is_valid_slug(ref.slug)
                and has_page(ref.slug) else "",
                "headline": ref.headline,
                "date": ref.date,
                "shared": _join_names(ref.shared),
                "sources": [src.to_dict() for src in ref.sources],
            }
            for ref in article.timeline
        ]
        notice = ai_notice(article)
        return StoryView(
            article=article,
            # The headline and dek are always shown: a page needs a title even in the
            # unlikely case the writer kept one the verifier rejected.
            headline=_sentence_view(article.headline, numbers, by_doc),
            summary=_sentence_view(article.summary, numbers, by_doc),
            lead=views(article.lead),
            sections=[(heading, paragraphs(body)) for heading, body in sections if body],
            sources=sources,
            related=related,
            notice=notice,
            entities=_entity_groups(article),
            timeline=timeline,
            updates=_update_lines(article),
            canonical=self.site.absolute(story_path(article.slug)),
            json_ld=_json_ld(article, self.site, notice),
            updated=updated_at(article),
            figures=figures(article),
        )

    def index(self, articles: list[Article]) -> str:
        """The home page listing the latest ``home_limit`` stories."""
        items = [
            {
                "article": a,
                "href": story_path(a.slug),
                "updated": updated_at(a),
                "figures": figures(a),
            }
            for a in articles[: self.site.home_limit]
        ]
        return self.env.get_template("index.html").render(
            root="", items=items, canonical=self.site.absolute("")
        )

    def story(self, article: Article, has_page: Callable[[str], bool]) -> str:
        """One story page. ``has_page(slug)`` says whether a related story's page exists."""
        view = self.story_view(article, has_page)
        return self.env.get_template("story.html").render(
            root="../", story=view, canonical=view.canonical
        )

    def not_found(self, message: str, root: str = "/") -> str:
        """A plain 'not found' page for the live app."""
        return self.env.get_template("not_found.html").render(
            root=root, message=message, canonical=self.site.absolute("")
        )

    def _feed_items(self, articles: list[Article]) -> list[dict[str, Any]]:
        return [
            {
                "article": a,
                "url": self.site.absolute(story_path(a.slug)),
                "published": a.written_at,
                "updated": updated_at(a),
                "notice": ai_notice(a),
            }
            for a in articles[: self.site.home_limit]
        ]

    def atom(self, articles: list[Article]) -> str:
        """An Atom 1.0 feed of the latest stories, each entry labelled as AI-generated."""
        items = self._feed_items(articles)
        updated = max((i["updated"] for i in items), default=datetime(1970, 1, 1, tzinfo=UTC))
        return self.env.get_template("feed.xml").render(
            items=items, updated=updated, label=AI_LABEL, writer=WRITER_NAME
        )

    def rss(self, articles: list[Article]) -> str:
        """An RSS 2.0 feed of the latest stories, each item labelled as AI-generated."""
        items = self._feed_items(articles)
        updated = max((i["updated"] for i in items), default=datetime(1970, 1, 1, tzinfo=UTC))
        return self.env.get_template("rss.xml").render(items=items, updated=updated, label=AI_LABEL)
