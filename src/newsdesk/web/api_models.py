"""The JSON API's response models (version 1) and how records become them.

The same models describe ``newsdesk serve``'s ``/api/v1/...`` responses in its OpenAPI
document and the JSON files of the static export (``api/v1/stories.json``,
``api/v1/stories/<slug>.json``), so a client reads both the same way. Every story
carries ``ai_generated: true`` and the reader-facing disclosure.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from newsdesk.reader import Facet, StoryListing, StoryPage
from newsdesk.records import Article, Sentence
from newsdesk.web import format as fmt
from newsdesk.web.catalog import news_times, outlet_names, slugify
from newsdesk.web.render import SiteSettings, figures, notice_text
from newsdesk.web.urls import facet_path, feed_path, story_path

VerdictStatus = Literal["supported", "unsupported", "contradicted", "unchecked"]


class Model(BaseModel):
    """Base of every response model: unknown fields are never produced."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Model):
    """An error: what went wrong, in words."""

    detail: str = Field(description="what went wrong and what to do about it")


class VerificationOut(Model):
    """How many of the article's sentences were checked, passed and were removed."""

    sources: int
    checked: int
    supported: int
    dropped: int


class StorySummaryOut(Model):
    """A story as lists show it."""

    slug: str
    url: str = Field(description="the story page on the configured base URL")
    api_url: str
    headline: str
    summary: str
    first_reported: datetime = Field(description="publication time of its earliest source")
    last_updated: datetime = Field(description="publication time of its latest source")
    outlets: int = Field(description="outlets carrying the story")
    verification: VerificationOut
    ai_generated: Literal[True] = True
    disclosure: str


class StoryListOut(Model):
    """One page of a list of stories."""

    items: list[StorySummaryOut]
    total: int = Field(description="stories in the whole list (a search counts to 1,000)")
    total_exact: bool = Field(True, description="false when there are more than total")
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page, null on the last")


class VerdictOut(Model):
    """The verifier's finding for one sentence."""

    status: VerdictStatus
    similarity: float
    evidence: list[str] = Field(description="the source sentences it was checked on")
    missing: list[str] = Field(description="numbers, names or quotes not found in them")


class CitationOut(Model):
    """The source sentence a written sentence rests on."""

    source: int = Field(description="the source's number in the story's source list")
    sentence_index: int
    source_text: str
    outlet: str
    url: str = Field(description="the source article (empty unless http or https)")


class SentenceOut(Model):
    """One published sentence with its citation and verdict."""

    text: str
    citation: CitationOut
    verdict: VerdictOut


class SectionOut(Model):
    """A titled part of the article body."""

    heading: str
    sentences: list[SentenceOut]


class SourceOut(Model):
    """A source article of a story."""

    number: int
    outlet: str
    title: str
    url: str = Field(description="the source article (empty unless http or https)")
    published_at: datetime | None
    also_carried_by: list[str]
    sentences_cited: int = Field(description="body sentences of the article citing it")
    share: float = Field(description="share of the body sentences citing it, 0 to 1")


class FacetOut(Model):
    """A topic, entity (person, organisation or place), outlet or archive day."""

    kind: Literal["topic", "entity", "outlet", "day"]
    slug: str
    name: str
    detail: str = Field(description="an entity's kind: person, org or place")
    stories: int
    last_updated: datetime | None
    url: str
    feeds: dict[str, str] = Field(description="Atom, RSS and JSON Feed URLs")


class FacetListOut(Model):
    """One page of a list of facets."""

    items: list[FacetOut]
    total: int
    limit: int
    offset: int
    next: str | None


class FacetStoriesOut(Model):
    """A facet and one page of its stories, newest first."""

    facet: FacetOut
    stories: StoryListOut


class RelatedOut(Model):
    """Another story: related, or earlier background."""

    slug: str
    headline: str
    url: str | None = Field(description="its page, when it is published")
    date: datetime | None = None


class UpdateOut(Model):
    """A recorded change of the story."""

    at: datetime | None
    kind: str
    outlets: list[str]
    new_outlets: list[str]
    new_facts: list[str]


class StoryDetailOut(StorySummaryOut):
    """A full story: every published sentence with its citation and verdict."""

    version: int
    kind: str = Field(description="'article' (sections with subheadings) or 'brief'")
    headline_credit: str = Field(
        description="whose words the headline is (an outlet, or 'one report'); "
                    "empty when the headline is the newsroom's own")
    headline_sentence: SentenceOut
    summary_sentence: SentenceOut
    lead: list[SentenceOut]
    sections: list[SectionOut]
    sources: list[SourceOut]
    entities: list[FacetOut]
    topics: list[FacetOut]
    outlet_names: list[str]
    related: list[RelatedOut]
    background: list[RelatedOut]
    updates: list[UpdateOut]


class SearchOut(Model):
    """Stories matching a query, best first."""

    query: str
    results: StoryListOut


class StatsOut(Model):
    """Counts about the newsroom."""

    stories: int
    topics: int
    entities: int
    outlets: int
    days: int


# -- building them -------------------------------------------------------------------


def story_summary(item: StoryListing, site: SiteSettings) -> StorySummaryOut:
    """The list entry of a story."""
    sources = item.sources
    return StorySummaryOut(
        slug=item.slug, url=site.absolute(story_path(item.slug)),
        api_url=site.absolute(f"api/v1/stories/{item.slug}"),
        headline=item.headline, summary=item.summary,
        first_reported=item.first_reported, last_updated=item.last_updated,
        outlets=item.outlets,
        verification=VerificationOut(sources=sources, checked=item.checked,
                                     supported=item.supported, dropped=item.dropped),
        disclosure=notice_text(sources, item.checked, item.supported, item.dropped))


def story_list(page: StoryPage, site: SiteSettings, next_url: str | None) -> StoryListOut:
    """One page of stories."""
    return StoryListOut(items=[story_summary(i, site) for i in page.items], total=page.total,
                        total_exact=page.exact, limit=page.limit, offset=page.offset,
                        next=next_url)


def facet_out(facet: Facet, site: SiteSettings) -> FacetOut:
    """A facet with its page and feed URLs."""
    return FacetOut(
        kind=facet.kind, slug=facet.slug, name=facet.name, detail=facet.detail,
        stories=facet.stories, last_updated=facet.last_updated,
        url=site.absolute(facet_path(facet.kind, facet.slug)),
        feeds={f: site.absolute(feed_path(f, facet.kind, facet.slug))
               for f in ("atom", "rss", "json")})


def _sentence(sentence: Sentence) -> SentenceOut:
    c, v = sentence.citation, sentence.verdict
    verdict = (VerdictOut(status=v.status, similarity=round(v.similarity, 4),
                          evidence=list(v.evidence), missing=list(v.missing))
               if v else VerdictOut(status="unchecked", similarity=0.0, evidence=[], missing=[]))
    return SentenceOut(text=sentence.text, verdict=verdict, citation=CitationOut(
        source=c.number, sentence_index=c.sentence_index, source_text=c.source_text,
        outlet=c.outlet, url=fmt.safe_url(c.url)))


def _supported(sentences: list[Sentence]) -> list[SentenceOut]:
    return [_sentence(s) for s in sentences
            if s.verdict is not None and s.verdict.status == "supported"]


def story_detail(article: Article, site: SiteSettings, facets: list[Facet],
                 published: dict[int, str]) -> StoryDetailOut:
    """The full JSON document of a story."""
    first, last = news_times(article)
    fig = figures(article)
    lead = _supported(article.lead)
    sections = [SectionOut(heading=s.heading, sentences=_supported(s.sentences))
                for s in article.sections]
    sections = [s for s in sections if s.sentences]
    cited: dict[int, int] = {}
    for sentence in [*lead, *(x for s in sections for x in s.sentences)]:
        cited[sentence.citation.source] = cited.get(sentence.citation.source, 0) + 1
    body = sum(cited.values())
    sources = [SourceOut(number=s.number, outlet=s.outlet, title=s.title,
                         url=fmt.safe_url(s.url), published_at=fmt.as_datetime(s.published_at),
                         also_carried_by=list(s.also_carried_by),
                         sentences_cited=cited.get(s.number, 0),
                         share=round(cited.get(s.number, 0) / body, 4) if body else 0.0)
               for s in sorted(article.sources, key=lambda s: s.number)]

    def link(story_id: int, slug: str) -> str | None:
        return site.absolute(story_path(slug)) if published.get(story_id) == slug else None

    entity_order = [slugify(e.name) for e in article.entities]
    entities = sorted((facet_out(f, site) for f in facets if f.kind == "entity"),
                      key=lambda f: entity_order.index(f.slug)
                      if f.slug in entity_order else len(entity_order))
    return StoryDetailOut(
        **story_summary(StoryListing(
            story_id=article.story_id, slug=article.slug, headline=article.headline.text,
            summary=article.summary.text, first_reported=first, last_updated=last,
            outlets=len(outlet_names(article)), sources=fig.sources, checked=fig.checked,
            supported=fig.supported, dropped=fig.dropped), site).model_dump(),
        version=article.version, kind=article.kind, headline_credit=article.headline_credit,
        headline_sentence=_sentence(article.headline),
        summary_sentence=_sentence(article.summary), lead=lead, sections=sections,
        sources=sources, entities=entities,
        topics=[facet_out(f, site) for f in facets if f.kind == "topic"],
        outlet_names=outlet_names(article),
        related=[RelatedOut(slug=r.slug, headline=r.headline, url=link(r.story_id, r.slug))
                 for r in article.related if r.story_id != article.story_id],
        background=[RelatedOut(slug=t.slug, headline=t.headline,
                               url=link(t.story_id, t.slug) if t.slug else None,
                               date=fmt.as_datetime(t.date)) for t in article.timeline],
        updates=[UpdateOut(at=fmt.as_datetime(u.at), kind=u.kind, outlets=list(u.outlets),
                           new_outlets=list(u.new_outlets), new_facts=list(u.new_facts))
                 for u in article.updates],
    )
