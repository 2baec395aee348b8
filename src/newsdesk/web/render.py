"""Rendering shared by the static site export and the live web app.

Both the :class:`~newsdesk.builtin.publish_site.SitePublisher` and ``newsdesk serve``
render through :class:`Renderer` (driven by :class:`~newsdesk.web.pages.SitePages`), so
a page written to disk and the same page served live are byte-for-byte identical.
Links between pages are relative (the site works from ``file://`` and under any host);
canonical links, OpenGraph tags, JSON-LD, feeds, sitemaps and the API use absolute URLs
built from :attr:`SiteSettings.base_url`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from newsdesk.errors import PublishError
from newsdesk.records import Article
from newsdesk.web import format as fmt
from newsdesk.web.urls import root_of

TEMPLATE_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
#: The files under STATIC_DIR a published site carries (static/<name>).
STATIC_FILES = ("style.css", "verify.js", "card.png", "logo.png", "favicon.svg")
#: Files served from the site root (the favicon where browsers look for it).
ROOT_FILES = ("favicon.ico",)
CARD_SIZE = (1200, 630)
LOGO_SIZE = (600, 60)

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
# The policy pages carry as <meta http-equiv>, for a static host that sends no headers;
# frame-ancestors only works as a header (serve sends it), so it is left out here.
META_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; "
            "form-action 'self'; base-uri 'none'; object-src 'none'")


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
    home_limit: int = 20  # latest stories on the home page
    page_size: int = 20  # stories per page of every other list
    feed_items: int = 20  # items in every feed
    top_stories: int = 5
    top_window_days: float = 2.0  # top stories: updated this close to the newest story

    def absolute(self, path: str) -> str:
        """An absolute URL for a site-relative ``path``."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    @property
    def host(self) -> str:
        """The base URL's host name (no port), for tag: URIs."""
        return (urlsplit(self.base_url).hostname or "localhost").lower()


class Figures(NamedTuple):
    """The verification figures printed in the AI notice."""

    sources: int
    checked: int
    supported: int
    dropped: int


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


def notice_text(sources: int, checked: int, supported: int, dropped: int) -> str:
    """The reader-facing AI disclosure with verification figures."""
    removed = "1 was removed" if dropped == 1 else f"{dropped} were removed"
    return (
        "This article was written by newsdesk's automated writer from "
        f"{fmt.plural(sources, 'source article', 'source articles')}. Every sentence cites "
        f"its source and was checked against it: {supported} of "
        f"{fmt.plural(checked, 'sentence', 'sentences')} passed verification, {removed}."
    )


def ai_notice(article: Article) -> str:
    """The AI disclosure for one article, with its verification figures."""
    return notice_text(*figures(article))


class Renderer:
    """Renders templates for one site; safe to share between threads."""

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
            format_time=fmt.format_time, format_day=fmt.format_day, iso_time=fmt.iso_time,
            rfc822=fmt.rfc822_time, xml_text=fmt.xml_text,
        )
        self.env.globals.update(site=self.site, site_disclosure=SITE_DISCLOSURE,
                                meta_csp=META_CSP, plural=fmt.plural)

    def page(self, template: str, path: str, **context: Any) -> str:
        """Render ``template`` as the page at site path ``path`` (sets ``root`` for
        relative links and the canonical URL on the configured base)."""
        context.setdefault("canonical", self.site.absolute(
            "" if path == "index.html" else path))
        context.setdefault("description", SITE_DISCLOSURE)
        context.setdefault("feeds", None)
        context.setdefault("og", None)
        context.setdefault("robots", "")
        return self.env.get_template(template).render(root=root_of(path), path=path,
                                                      **context)

    def xml(self, template: str, **context: Any) -> str:
        """Render an XML template (feeds, sitemaps)."""
        return self.env.get_template(template).render(**context)
