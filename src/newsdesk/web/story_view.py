"""Everything a story page shows, computed once in Python rather than in Jinja.

A sentence's citation marker links to its note under "How each sentence was checked":
the source sentence it rests on, the verifier's verdict and evidence, and a link to the
source in the sources panel. So the evidence is one click away without JavaScript, and
on paper; ``verify.js`` adds a card on pointer and focus on top of that.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup

from newsdesk.reader import Facet
from newsdesk.records import Article, Sentence
from newsdesk.web import format as fmt
from newsdesk.web.catalog import news_times, slugify
from newsdesk.web.render import (
    AI_LABEL,
    CARD_SIZE,
    DIGITAL_SOURCE_TYPE,
    LOGO_SIZE,
    WRITER_NAME,
    Figures,
    SiteSettings,
    ai_notice,
    figures,
    is_valid_slug,
)
from newsdesk.web.urls import facet_path, story_path

PARAGRAPH_SENTENCES = 3
ENTITY_HEADINGS = {"person": "People", "org": "Organisations", "place": "Places",
                   "date": "Dates"}
VERDICT_WORDS = {"supported": "Verified against", "contradicted": "Contradicted by"}
HEADLINE_LIMIT = 110  # schema.org NewsArticle headline length search engines accept


def shown(sentence: Sentence) -> bool:
    """Whether a body sentence may appear on a page: only one the verifier found
    supported (never an unchecked, unsupported or contradicted one)."""
    return sentence.verdict is not None and sentence.verdict.status == "supported"


@dataclass
class SentenceView:
    """One sentence as the templates print it."""

    text: str
    number: int | None  # the source's marker
    note: int  # its note under "How each sentence was checked" (0: none)
    source_text: str
    verdict: str
    tooltip: str
    evidence: list[str] = field(default_factory=list)
    similarity: float = 0.0
    outlet: str = ""
    role: str = ""  # "Headline" / "Summary" for the notes of those two
    verdict_text: str = ""  # the tooltip without the evidence


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
    """What ``story.html`` renders."""

    article: Article
    headline: SentenceView
    summary: SentenceView
    lead: list[SentenceView]
    sections: list[tuple[str, list[list[SentenceView]]]]  # heading, paragraphs
    notes: list[SentenceView]
    sources: list[dict[str, Any]]
    related: list[dict[str, str]]
    notice: str
    entities: list[tuple[str, list[dict[str, str]]]]  # kind heading, [{name, href}]
    topics: list[dict[str, str]]
    timeline: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    previous_headline: str
    first_reported: datetime
    last_updated: datetime
    json_ld: Markup
    og: dict[str, Any]
    figures: Figures
    keywords: list[str]


def _sentence_view(sentence: Sentence, by_doc: dict[int, int], note: int,
                   role: str = "") -> SentenceView:
    citation = sentence.citation
    # Prefer the marker the writer assigned; fall back to the source list by document id.
    number = citation.number or by_doc.get(citation.doc_id)
    verdict = sentence.verdict
    if verdict is None:
        status, tooltip = "unchecked", "Not checked against its source"
        evidence, similarity = [], 0.0
    else:
        status, evidence, similarity = verdict.status, list(verdict.evidence), verdict.similarity
        word = VERDICT_WORDS.get(status, "Not supported by")
        target = f"source [{number}]" if number else "its source"
        tooltip = f"{word} {target} (similarity {verdict.similarity:.2f})"
    verdict_text = tooltip
    if evidence:
        tooltip += ": " + " … ".join(f"“{e}”" for e in evidence)
    return SentenceView(sentence.text, number, note, citation.source_text, status, tooltip,
                        evidence, similarity, citation.outlet, role, verdict_text)


def _json_ld(article: Article, site: SiteSettings, *, notice: str, first: datetime,
             last: datetime, keywords: list[str], section: str) -> Markup:
    url = site.absolute(story_path(article.slug))
    headline = article.headline.text
    if len(headline) > HEADLINE_LIMIT:
        headline = headline[:HEADLINE_LIMIT - 1].rstrip() + "…"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
        "description": article.meta_description or article.summary.text,
        "datePublished": fmt.iso_time(first),
        "dateModified": fmt.iso_time(last),
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "image": [site.absolute("static/card.png")],
        "keywords": keywords,
        "author": {"@type": "Organization", "name": WRITER_NAME,
                   "url": site.absolute("about.html")},
        "publisher": {"@type": "Organization", "name": site.site_title,
                      "url": site.absolute(""),
                      "logo": {"@type": "ImageObject", "url": site.absolute("static/logo.png"),
                               "width": LOGO_SIZE[0], "height": LOGO_SIZE[1]}},
        "isBasedOn": [u for u in (fmt.safe_url(s.url) for s in article.sources) if u],
        "isAccessibleForFree": True,
        "digitalSourceType": DIGITAL_SOURCE_TYPE,
        "creativeWorkStatus": "AI-generated",
        "backstory": notice,
    }
    if section:
        data["articleSection"] = section
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # A headline containing "</script>" must not end the script element early.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _open_graph(article: Article, site: SiteSettings, *, first: datetime, last: datetime,
                section: str, tags: list[str]) -> dict[str, Any]:
    return {
        "type": "article", "title": article.headline.text,
        "description": article.meta_description or article.summary.text,
        "url": site.absolute(story_path(article.slug)),
        "image": site.absolute("static/card.png"), "image_width": CARD_SIZE[0],
        "image_height": CARD_SIZE[1], "image_alt": f"{site.site_title}: automated news",
        "published": fmt.iso_time(first), "modified": fmt.iso_time(last),
        "section": section, "tags": tags,
    }


def _changes(article: Article) -> list[dict[str, Any]]:
    """One line per recorded change, newest first: when, which outlets, what was new."""
    lines = []
    for update in reversed(article.updates):
        if update.kind == "merge":
            text = "Merged with another story about the same event"
        elif update.outlets:
            text = f"Reports from {fmt.join_names(update.outlets)}"
            if update.new_outlets:
                text += f" (new: {fmt.join_names(update.new_outlets)})"
        else:
            text = "New reports"
        lines.append({"at": update.at, "text": text, "new_facts": update.new_facts})
    return lines


def _entity_groups(article: Article, entity_slugs: set[str]
                   ) -> list[tuple[str, list[dict[str, str]]]]:
    groups: dict[str, list[dict[str, str]]] = {}
    for entity in article.entities:
        if entity.kind == "date":
            groups.setdefault("date", []).append({"name": fmt.format_day(entity.name),
                                                  "href": ""})
            continue
        slug = slugify(entity.name)
        if slug not in entity_slugs and " " not in entity.name:
            # a bare surname indexed under the full name it stands for
            slug = next((s for s in sorted(entity_slugs) if s.endswith("-" + slug)), slug)
        href = facet_path("entity", slug) if slug in entity_slugs else ""
        groups.setdefault(entity.kind, []).append({"name": entity.name, "href": href})
    return [(ENTITY_HEADINGS[k], groups[k]) for k in ENTITY_HEADINGS if k in groups]


def build_story_view(article: Article, site: SiteSettings, published: dict[int, str],
                     facets: Iterable[Facet], previous: Article | None = None) -> StoryView:
    """The view of one article. ``published`` maps story ids to the slugs of published
    stories (related and background stories link only there); ``facets`` are the
    story's topics, entities and outlets in the reader index."""
    by_doc = {s.doc_id: s.number for s in article.sources}
    facet_list = list(facets)
    entity_slugs = {f.slug for f in facet_list if f.kind == "entity"}
    outlet_slugs = {f.slug for f in facet_list if f.kind == "outlet"}
    topics = [{"name": f.name, "href": facet_path("topic", f.slug)}
              for f in facet_list if f.kind == "topic"]

    notes: list[SentenceView] = []

    def view(sentence: Sentence, role: str = "") -> SentenceView:
        item = _sentence_view(sentence, by_doc, len(notes) + 1, role)
        notes.append(item)
        return item

    headline = view(article.headline, "Headline")
    summary = view(article.summary, "Summary")
    lead = [view(s) for s in article.lead if shown(s)]
    sections = []
    for section in article.sections:
        body = [view(s) for s in section.sentences if shown(s)]
        if body:
            sections.append((section.heading, paragraphs(body)))

    body_numbers = Counter(n.number for n in notes if not n.role)
    body_total = sum(body_numbers.values())
    sources = []
    for s in sorted(article.sources, key=lambda s: s.number):
        cited = body_numbers.get(s.number, 0)
        outlet_slug = slugify(s.outlet) if s.outlet else ""
        sources.append({
            "number": s.number, "outlet": s.outlet, "title": s.title, "url": s.url,
            "href": fmt.safe_url(s.url), "published_at": s.published_at,
            "also_carried_by": s.also_carried_by, "cited": cited,
            "share": round(100 * cited / body_total) if body_total else 0,
            "outlet_href": facet_path("outlet", outlet_slug)
            if outlet_slug in outlet_slugs else "",
        })
    related = [
        {"href": story_path(published[ref.story_id]), "headline": ref.headline,
         "teaser": ref.teaser}
        for ref in article.related
        if ref.story_id != article.story_id and published.get(ref.story_id) == ref.slug
        and is_valid_slug(ref.slug)
    ]
    timeline = [
        {"href": story_path(ref.slug)
         if ref.slug and ref.story_id != article.story_id and is_valid_slug(ref.slug)
         and published.get(ref.story_id) == ref.slug else "",
         "headline": ref.headline, "date": ref.date, "shared": fmt.join_names(ref.shared),
         "sources": [{"outlet": src.outlet, "title": src.title, "url": src.url,
                      "href": fmt.safe_url(src.url)} for src in ref.sources]}
        for ref in article.timeline
    ]
    first, last = news_times(article)
    notice = ai_notice(article)
    names = [e.name for e in article.entities if e.kind in {"person", "org", "place"}]
    main_topic = topics[0]["name"] if topics else ""
    keywords = [t["name"] for t in topics] + names[:8]
    previous_headline = ""
    if previous is not None and previous.headline.text != article.headline.text:
        previous_headline = previous.headline.text
    return StoryView(
        article=article, headline=headline, summary=summary, lead=lead, sections=sections,
        notes=notes, sources=sources, related=related, notice=notice,
        entities=_entity_groups(article, entity_slugs), topics=topics, timeline=timeline,
        changes=_changes(article), previous_headline=previous_headline,
        first_reported=first, last_updated=last,
        json_ld=_json_ld(article, site, notice=notice, first=first, last=last,
                         keywords=keywords, section=main_topic),
        og=_open_graph(article, site, first=first, last=last, section=main_topic,
                       tags=keywords[:6]),
        figures=figures(article), keywords=keywords,
    )


__all__ = ["AI_LABEL", "SentenceView", "StoryView", "build_story_view", "paragraphs", "shown"]
