"""Feeds: Atom 1.0, RSS 2.0 and JSON Feed 1.1 of any list of stories.

Every item carries the full article text (sentences with their source numbers, the
source list and the AI notice), the automated writer as author, the AI label as a
category (and ``_newsdesk.ai_generated`` in JSON Feed), the story's topics and main
names as categories (never the writer's raw keywords), and the news's own times. An
Atom entry's id is a ``tag:`` URI of the story, distinct from the RSS guid (the
permalink) and stable when the story's headline and slug change with an update.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsdesk.reader import StoryListing
from newsdesk.records import Article
from newsdesk.web import format as fmt
from newsdesk.web.catalog import news_times
from newsdesk.web.render import AI_LABEL, WRITER_NAME, Renderer, ai_notice
from newsdesk.web.story_view import shown
from newsdesk.web.topics import topics_of
from newsdesk.web.urls import story_path

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
MAX_NAME_CATEGORIES = 5
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class FeedInfo:
    """What a feed is: its title, home page and its own path (site-relative)."""

    title: str
    home: str  # site-relative path of the page it follows
    path: str  # site-relative path of this feed
    description: str = ""


@dataclass
class FeedItem:
    """One story, ready for any feed format."""

    story_id: int
    title: str
    url: str
    atom_id: str
    published: datetime
    updated: datetime
    summary: str
    notice: str
    content: str
    categories: list[tuple[str, str]]  # (term, label)
    changed: datetime  # when the article itself last changed (for Last-Modified)


class FeedBuilder:
    """Builds feeds for one site with the shared renderer."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.site = renderer.site

    def item(self, listing: StoryListing, article: Article) -> FeedItem:
        """A feed item for a story."""
        url = self.site.absolute(story_path(article.slug))
        first, last = news_times(article)
        notice = ai_notice(article)
        sources = [{"number": s.number, "outlet": s.outlet, "title": s.title, "url": s.url,
                    "href": fmt.safe_url(s.url)}
                   for s in sorted(article.sources, key=lambda s: s.number)]
        content = self.renderer.env.get_template("_content.html").render(
            article=article, lead=[s for s in article.lead if shown(s)],
            sections=[(sec.heading, [s for s in sec.sentences if shown(s)])
                      for sec in article.sections if any(shown(s) for s in sec.sentences)],
            sources=sources, notice=notice, url=url)
        categories = [(AI_LABEL, "AI-generated")]
        categories += [(t.name, t.name) for t in topics_of(article)]
        names = [e.name for e in article.entities if e.kind in {"person", "org", "place"}]
        categories += [(n, n) for n in names[:MAX_NAME_CATEGORIES]]
        written = article.updated_at or article.written_at
        return FeedItem(
            story_id=article.story_id, title=article.headline.text, url=url,
            atom_id=f"tag:{self.site.host},{first.date().isoformat()}:story/{article.story_id}",
            published=first, updated=last, summary=article.summary.text, notice=notice,
            content=content.strip(), categories=categories,
            changed=max(last, fmt.as_datetime(written) or last))

    def _meta(self, info: FeedInfo, items: list[FeedItem]) -> dict[str, Any]:
        return {
            "title": info.title, "home": self.site.absolute(
                "" if info.home == "index.html" else info.home),
            "self": self.site.absolute(info.path), "id": self.site.absolute(info.path),
            "updated": max((i.updated for i in items), default=EPOCH),
            "author_url": self.site.absolute("about.html"),
            "icon": self.site.absolute("favicon.ico"),
            "logo": self.site.absolute("static/logo.png"),
        }

    def atom(self, info: FeedInfo, items: list[FeedItem]) -> str:
        """An Atom 1.0 feed."""
        return self.renderer.xml("atom.xml", feed=self._meta(info, items), items=items,
                                 writer=WRITER_NAME)

    def rss(self, info: FeedInfo, items: list[FeedItem]) -> str:
        """An RSS 2.0 feed."""
        return self.renderer.xml("rss.xml", feed=self._meta(info, items), items=items,
                                 writer=WRITER_NAME)

    def json_feed(self, info: FeedInfo, items: list[FeedItem]) -> str:
        """A JSON Feed 1.1 document."""
        meta = self._meta(info, items)
        author = {"name": WRITER_NAME, "url": meta["author_url"]}
        document = {
            "version": JSON_FEED_VERSION,
            "title": info.title,
            "home_page_url": meta["home"],
            "feed_url": meta["self"],
            "description": info.description or self.renderer.env.globals["site_disclosure"],
            "icon": self.site.absolute("static/card.png"),
            "favicon": meta["icon"],
            "authors": [author],
            "language": "en",
            "items": [{
                "id": item.atom_id,
                "url": item.url,
                "title": fmt.xml_text(item.title),
                "content_html": fmt.xml_text(item.content),
                "summary": fmt.xml_text(item.summary),
                "date_published": fmt.iso_time(item.published),
                "date_modified": fmt.iso_time(item.updated),
                "authors": [author],
                "tags": [term for term, _ in item.categories],
                "language": "en",
                "_newsdesk": {"ai_generated": True, "disclosure": item.notice},
            } for item in items],
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
