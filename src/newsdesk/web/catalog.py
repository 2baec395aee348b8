"""What the reader index keeps of an article: the news's own times, counts, facets and
search text (:func:`indexed_story`), and the helpers pages share to name them.

The times a reader sees are the news's, not the newsroom's: a story was *first
reported* when its earliest source was published and *last updated* when its latest
source was (or its latest recorded update). The clock of the run that wrote the
article is never shown as news time; it is only the fallback when no source carries
a date.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from newsdesk.entities import fold
from newsdesk.reader import FacetRef, IndexedStory
from newsdesk.records import Article, parse_iso
from newsdesk.web.topics import topics_of

ENTITY_KINDS = ("person", "org", "place")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, limit: int = 80) -> str:
    """``[a-z0-9-]`` text for a URL: accents folded, other characters to dashes."""
    folded = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    slug = _NON_SLUG.sub("-", ascii_text).strip("-")[:limit].strip("-")
    # "index" names a folder's directory page (topics/index.html), never a facet.
    return "x" if not slug else f"{slug}-x" if slug == "index" else slug


def _time(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        moment = parse_iso(value)
    except ValueError:
        return None  # a scraped date that does not parse is treated as absent
    if moment is None:
        return None
    return moment.astimezone(UTC)


def news_times(article: Article) -> tuple[datetime, datetime]:
    """(first reported, last updated): the earliest and latest publication time of the
    article's sources and recorded updates; the writing time only when none has one."""
    times = [t for t in (_time(s.published_at) for s in article.sources) if t]
    times += [t for t in (_time(u.at) for u in article.updates) if t]
    if not times:
        written = article.written_at.astimezone(UTC)
        updated = (article.updated_at or article.written_at).astimezone(UTC)
        return written, updated
    return min(times), max(times)


def outlet_names(article: Article) -> list[str]:
    """Every outlet carrying the story (sources and the outlets that re-ran them), in
    source order, without repeats."""
    names: list[str] = []
    for source in sorted(article.sources, key=lambda s: s.number):
        for name in (source.outlet, *source.also_carried_by):
            if name and name not in names:
                names.append(name)
    return names


#: A bare surname -> the full name of the person the archive names with it.
Surnames = dict[str, str]
SURNAME_SHARE = 0.8  # a surname stands for a full name carrying this share of its uses


def surname_aliases(articles: Iterable[Article]) -> Surnames:
    """Which full name a bare surname stands for across the published stories: "Trump"
    for "Donald Trump" when at least ``SURNAME_SHARE`` of the stories naming someone
    of that surname in full name that person (and at least two do)."""
    uses: dict[str, Counter[str]] = {}
    for article in articles:
        for entity in article.entities:
            words = entity.name.split()
            if entity.kind == "person" and len(words) > 1:
                uses.setdefault(fold(words[-1]), Counter())[entity.name] += 1
    aliases: Surnames = {}
    for surname, names in uses.items():
        (name, count), total = names.most_common(1)[0], sum(names.values())
        if count >= 2 and count >= SURNAME_SHARE * total:
            aliases[surname] = name
    return aliases


def entity_facets(article: Article, surnames: Surnames | None = None) -> list[FacetRef]:
    """The article's people, organisations and places as entity facets (one per name;
    a bare surname joins the full name it stands for, see :func:`surname_aliases`)."""
    refs: dict[str, FacetRef] = {}
    for entity in article.entities:
        if entity.kind not in ENTITY_KINDS:
            continue
        name, kind = entity.name, entity.kind
        if " " not in name and surnames and fold(name) in surnames:
            name, kind = surnames[fold(name)], "person"
        slug = slugify(name)
        refs.setdefault(slug, FacetRef("entity", slug, name, kind))
    return list(refs.values())


def story_facets(article: Article, surnames: Surnames | None = None) -> list[FacetRef]:
    """Every list a story appears in: its topics, entities, outlets and its day."""
    first, _ = news_times(article)
    facets = [FacetRef("topic", t.slug, t.name) for t in topics_of(article)]
    facets += entity_facets(article, surnames)
    outlets: dict[str, FacetRef] = {}
    for name in outlet_names(article):
        outlets.setdefault(slugify(name), FacetRef("outlet", slugify(name), name))
    facets += outlets.values()
    facets.append(FacetRef("day", first.date().isoformat(), first.date().isoformat()))
    return facets


def _body_text(article: Article) -> str:
    parts = [s.text for s in article.lead]
    for section in article.sections:
        parts.append(section.heading)
        parts.extend(s.text for s in section.sentences)
    return "\n".join(parts)


def indexed_story(article: Article, surnames: Surnames | None = None) -> IndexedStory:
    """The reader index's record of ``article`` (see :mod:`newsdesk.reader`)."""
    first, last = news_times(article)
    figures = article.verification
    supported_now = sum(1 for s in article.body_sentences()
                        if s.verdict and s.verdict.status == "supported")
    dropped = int(figures.get("dropped", len(article.dropped)))
    supported = int(figures.get("supported", supported_now))
    facets = story_facets(article, surnames)
    item = IndexedStory(
        story_id=article.story_id, slug=article.slug, headline=article.headline.text,
        summary=article.summary.text, first_reported=first, last_updated=last,
        outlets=len(outlet_names(article)), sources=len(article.sources),
        checked=int(figures.get("checked", supported + dropped)), supported=supported,
        dropped=dropped, facets=facets,
        search_headline=article.headline.text, search_summary=article.summary.text,
        search_body=_body_text(article),
        search_names=" ".join([e.name for e in article.entities if e.kind != "date"]
                              + outlet_names(article)),
    )
    payload = json.dumps([item.slug, item.headline, item.summary, first.isoformat(),
                          last.isoformat(), item.outlets, item.sources, item.checked,
                          item.supported, item.dropped,
                          [(f.kind, f.slug, f.name, f.detail) for f in facets],
                          item.search_body, item.search_names, article.version],
                         ensure_ascii=False)
    item.signature = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return item
