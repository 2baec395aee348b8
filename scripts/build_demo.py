#!/usr/bin/env python3
"""Build the bundled newsdesk demo corpus from ``demo_src/``.

Reads ``demo_src/outlets.yaml`` and every ``demo_src/stories/*.yaml``, validates
them and writes the generated corpus into ``src/newsdesk/demo/``:

* ``pages/<outlet>/<yyyy>/<mm>/<dd>/<id>.html`` -- article pages with site chrome
* ``feeds/<outlet>.<xml|json>`` and ``feeds/<outlet>-updates.<xml|json>``
* ``wire/<agency>.jsonl`` -- wire-agency articles, one JSON object per line
* ``sources.opml`` -- every feed, with URLs relative to the OPML file
* ``manifest.json`` -- ground truth for tests: one record per article

Usage: ``python scripts/build_demo.py [--src demo_src] [--out src/newsdesk/demo]``
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import yaml
from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
FEED_FORMATS = {"rss": "xml", "atom": "xml", "jsonfeed": "json"}
KINDS = {"article", "no_text", "missing"}
OUTLET_KEYS = {"key", "name", "domain", "format", "encoding", "lang", "template"}
OUTLET_OPTIONAL = {"tagline", "broken_entry"}
ARTICLE_KEYS = {"id", "outlet", "wave", "published", "author", "title", "summary", "kind"}
ARTICLE_OPTIONAL = {"body", "syndicated_from", "story"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
GENERATED = ("pages", "feeds", "wire", "sources.opml", "manifest.json")


class DemoError(Exception):
    """A problem in the demo sources, with the file and article it concerns."""


@dataclass
class Article:
    """One validated article of the corpus."""

    id: str
    story: str
    outlet: dict[str, Any]
    wave: int
    published: datetime
    author: str
    title: str
    summary: str
    paragraphs: list[str]
    kind: str
    syndicated_from: str | None
    source: str

    @property
    def date_path(self) -> str:
        return self.published.strftime("%Y/%m/%d")

    @property
    def url(self) -> str:
        return f"https://{self.outlet['domain']}/{self.date_path}/{self.id}"

    @property
    def page(self) -> str:
        return f"pages/{self.outlet['key']}/{self.date_path}/{self.id}.html"

    @property
    def iso(self) -> str:
        return self.published.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- loading


def parse_time(value: Any, where: str) -> datetime:
    """Return an aware UTC datetime from a YAML timestamp or ISO string."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise DemoError(f"{where}: bad timestamp {value!r}") from exc
    if not isinstance(value, datetime):
        raise DemoError(f"{where}: 'published' must be an ISO 8601 timestamp")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def load_outlets(path: Path) -> dict[str, dict[str, Any]]:
    """Load and validate the outlet table, keyed by outlet key."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    outlets: dict[str, dict[str, Any]] = {}
    for i, outlet in enumerate((data or {}).get("outlets") or []):
        if not isinstance(outlet, dict):
            raise DemoError(f"{path}: outlet #{i + 1}: expected a mapping")
        where = f"{path}: outlet #{i + 1} ({outlet.get('key', '?')})"
        missing, extra = OUTLET_KEYS - outlet.keys(), outlet.keys() - OUTLET_KEYS - OUTLET_OPTIONAL
        if missing or extra:
            raise DemoError(f"{where}: missing keys {sorted(missing)}, unknown {sorted(extra)}")
        if outlet["format"] not in {*FEED_FORMATS, "jsonl"}:
            raise DemoError(f"{where}: unknown format {outlet['format']!r}")
        if outlet["template"] not in STYLES and outlet["format"] != "jsonl":
            raise DemoError(f"{where}: unknown template {outlet['template']!r}")
        try:
            "x".encode(outlet["encoding"])
        except LookupError as exc:
            raise DemoError(f"{where}: unknown encoding {outlet['encoding']!r}") from exc
        if outlet["key"] in outlets:
            raise DemoError(f"{where}: duplicate outlet key")
        outlets[outlet["key"]] = outlet
    if not outlets:
        raise DemoError(f"{path}: no outlets")
    return outlets


def load_stories(folder: Path, outlets: dict[str, dict[str, Any]]) -> list[Article]:
    """Load every story file; each YAML document is ``{story, articles}``."""
    articles: list[Article] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc is None:
                continue
            if not isinstance(doc, dict) or not isinstance(doc.get("articles"), list):
                raise DemoError(f"{path}: expected a mapping with an 'articles' list")
            for raw in doc["articles"]:
                art = validate_article(raw, doc.get("story"), path, outlets)
                if art.id in seen:
                    raise DemoError(f"{path}: article {art.id}: id already used in {seen[art.id]}")
                seen[art.id] = path.name
                articles.append(art)
    by_id = {a.id: a for a in articles}
    for art in articles:
        origin = by_id.get(art.syndicated_from or "")
        if art.syndicated_from and (origin is None or origin.outlet["format"] != "jsonl"):
            raise DemoError(
                f"{art.source}: article {art.id}: syndicated_from {art.syndicated_from!r} "
                "is not a wire article"
            )
        if origin is not None and origin.story != art.story:
            raise DemoError(f"{art.source}: article {art.id}: story differs from its wire original")
    return sorted(articles, key=lambda a: (a.published, a.id))


def validate_article(
    raw: Any, story: Any, path: Path, outlets: dict[str, dict[str, Any]]
) -> Article:
    """Check one article mapping against the schema and return an :class:`Article`."""
    aid = raw.get("id", "?") if isinstance(raw, dict) else "?"
    where = f"{path}: article {aid}"
    if not isinstance(raw, dict):
        raise DemoError(f"{where}: expected a mapping")
    missing = ARTICLE_KEYS - raw.keys()
    extra = raw.keys() - ARTICLE_KEYS - ARTICLE_OPTIONAL
    if missing or extra:
        raise DemoError(f"{where}: missing keys {sorted(missing)}, unknown {sorted(extra)}")
    label = raw.get("story") or story
    if not isinstance(label, str) or not SLUG.match(label):
        raise DemoError(f"{where}: needs a slug story label (file-level or per-article 'story')")
    if not isinstance(raw["id"], str) or not SLUG.match(raw["id"]):
        raise DemoError(f"{where}: 'id' must be a slug (lowercase letters, digits, hyphens)")
    outlet = outlets.get(raw["outlet"])
    if outlet is None:
        raise DemoError(f"{where}: unknown outlet {raw['outlet']!r}")
    if raw["wave"] not in (1, 2):
        raise DemoError(f"{where}: wave must be 1 or 2")
    if raw["kind"] not in KINDS:
        raise DemoError(f"{where}: kind must be one of {sorted(KINDS)}")
    if outlet["format"] == "jsonl" and raw["kind"] != "article":
        raise DemoError(f"{where}: wire articles must be of kind 'article'")
    for key in ("author", "title", "summary"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise DemoError(f"{where}: {key!r} must be a non-empty string")
    body = raw.get("body") or ""
    paragraphs = [" ".join(p.split()) for p in str(body).split("\n\n") if p.strip()]
    if raw["kind"] == "article" and not paragraphs:
        raise DemoError(f"{where}: an 'article' needs a body")
    words = sum(len(p.split()) for p in paragraphs)
    if raw["kind"] == "article" and not (250 <= words <= 450 and 5 <= len(paragraphs) <= 9):
        print(f"warning: {where}: {words} words in {len(paragraphs)} paragraphs", file=sys.stderr)
    return Article(
        id=raw["id"],
        story=label,
        outlet=outlet,
        wave=raw["wave"],
        published=parse_time(raw["published"], where),
        author=raw["author"].strip(),
        title=" ".join(raw["title"].split()),
        summary=" ".join(raw["summary"].split()),
        paragraphs=paragraphs,
        kind=raw["kind"],
        syndicated_from=raw.get("syndicated_from"),
        source=path.name,
    )


# --------------------------------------------------------------------------- pages

# Per-template look. p: class-name prefix; tag: element around the story; body: class
# (or id, for the "columns" layout) of the paragraph container; figure_at / promo_at:
# index of the body paragraph before which the photo / newsletter box is inserted
# (None: newsletter box after the story); aside: related list in a sidebar.
# fmt: off
STYLE_FIELDS = ("p", "tag", "body", "jsonld", "cookie_top", "figure_at", "promo_at", "aside",
                "layout", "sep", "letter")
_STYLE_ROWS: dict[str, tuple[Any, ...]] = {
    "herald": ("mh", "article", "article-body", True, True, 0, None, False, "modern", " | ",
               "The Morning Herald"),
    "ledger": ("ldg", "article", "ldg-story__text", True, False, 2, 4, True, "modern", " - ",
               "Ledger Markets Daily"),
    "post": ("nbp", "div", "post-content", True, True, 0, 3, False, "modern", " — ",
             "The Post Briefing"),
    "classic": ("ct", "div", "storytext", False, False, 1, None, True, "columns", " :: ",
                "Coastline Today"),
    "signal": ("sig", "article", "sig-body", False, True, 0, None, True, "modern", " · ",
               "Signal Sunrise"),
    "chronicle": ("hc", "div", "entry-content", False, False, 3, 5, False, "modern", " | ",
                  "Chronicle Weekly"),
    "courier": ("kvc", "article", "cv-body", True, False, 1, None, True, "modern", " | ",
                "Valley Mornings"),
}
# fmt: on
STYLES = {name: dict(zip(STYLE_FIELDS, row, strict=True)) for name, row in _STYLE_ROWS.items()}

PAGE = """<!DOCTYPE html>
<html lang="{{ o.lang }}">
<head>
<meta charset="{{ o.encoding }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ a.title }}{{ s.sep }}{{ o.name }}</title>
<meta name="description" content="{{ a.summary }}">
<meta name="author" content="{{ a.author }}">
<meta property="og:type" content="article">
<meta property="og:title" content="{{ a.title }}">
<meta property="og:description" content="{{ a.summary }}">
<meta property="og:site_name" content="{{ o.name }}">
<meta property="og:url" content="{{ a.url }}">
<meta property="article:published_time" content="{{ a.iso }}">
<link rel="canonical" href="{{ a.url }}">
<link rel="stylesheet" href="/assets/{{ s.p }}-main.css">
{% if jsonld %}<script type="application/ld+json">{{ jsonld|safe }}</script>
{% endif %}</head>
<body class="{{ s.p }}-page">
{% macro cookie() %}<div class="{{ s.p }}-cookie-notice" role="dialog">
<p>We use cookies to improve your experience, measure traffic and show relevant advertising. By continuing to browse {{ o.name }} you agree to our use of cookies.</p>
<button type="button">Accept all</button> <a href="/privacy#cookies">Manage preferences</a>
</div>{% endmacro %}
{% macro nav() %}<nav class="{{ s.p }}-nav"><ul>{% for n in sections %}<li><a href="{{ "/" if loop.first else "/" ~ n|lower ~ "/" }}">{{ n }}</a></li>{% endfor %}</ul></nav>{% endmacro %}
{% macro share() %}<div class="{{ s.p }}-share"><span>Share this story</span>
<a href="https://social.example/share?u={{ a.url|urlencode }}">Facebook</a> <a href="https://microblog.example/intent?u={{ a.url|urlencode }}">X</a> <a href="mailto:?subject={{ a.title|urlencode }}">Email</a> <button type="button">Copy link</button></div>{% endmacro %}
{% macro promo() %}<div class="{{ s.p }}-newsletter">
<h3>Sign up for our newsletter</h3>
<p>Get {{ s.letter }} in your inbox: the day's most important stories, every morning at 7am. Free for registered readers.</p>
<form action="/newsletter" method="post"><input type="email" name="email" placeholder="Your email address"><button type="submit">Subscribe</button></form>
</div>{% endmacro %}
{% macro figure() %}<figure class="{{ s.p }}-figure"><img src="https://{{ o.domain }}/media/{{ a.id }}-lead.jpg" alt="">
<figcaption>{{ caption }} <span class="credit">Photo: {{ o.name }} picture desk</span></figcaption></figure>{% endmacro %}
{% macro related() %}<div class="{{ s.p }}-related"><h2>Related stories</h2><ul>{% for r in rel %}<li><a href="{{ r.url }}">{{ r.title }}</a></li>{% endfor %}</ul></div>{% endmacro %}
{% macro footer() %}<footer class="{{ s.p }}-footer"><p>&copy; 2026 {{ o.name }}. All rights reserved.</p>
<ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li><li><a href="/advertise">Advertise with us</a></li></ul></footer>{% endmacro %}
{% macro story() %}<{{ s.tag }} class="{{ s.p }}-story">
<header class="{{ s.p }}-story-header"><h1 class="{{ s.p }}-headline">{{ a.title }}</h1>
<p class="{{ s.p }}-byline">By <span class="{{ s.p }}-author">{{ a.author }}</span> &middot; <time datetime="{{ a.iso }}">{{ when }}</time></p></header>
{% if s.layout == "columns" %}{{ share() }}{% endif %}
{% if a.kind == "no_text" %}<div class="{{ s.p }}-{{ media }}">
{% if media == "video" %}<div class="{{ s.p }}-player" data-src="https://media.{{ o.domain }}/video/{{ a.id }}.mp4"><video controls poster="https://{{ o.domain }}/media/{{ a.id }}-poster.jpg"></video></div>
<p class="{{ s.p }}-video-caption">{{ captions[0] }}</p>
{% else %}{% for c in captions %}<figure class="{{ s.p }}-slide"><img src="https://{{ o.domain }}/media/{{ a.id }}-{{ loop.index }}.jpg" alt=""><figcaption>{{ loop.index }}/{{ captions|length }} {{ c }}</figcaption></figure>
{% endfor %}{% endif %}</div>
{% else %}<div {{ 'id' if s.layout == 'columns' else 'class' }}="{{ s.body }}">
{% for para in a.paragraphs %}{% if loop.index0 == s.figure_at %}{{ figure() }}
{% endif %}{% if loop.index0 == s.promo_at %}{{ promo() }}
{% endif %}<p>{{ para }}</p>
{% endfor %}</div>
{% endif %}{% if s.layout != "columns" %}{{ share() }}{% endif %}
</{{ s.tag }}>{% endmacro %}
{% if s.cookie_top %}{{ cookie() }}{% endif %}
<header class="{{ s.p }}-masthead"><a class="{{ s.p }}-logo" href="/">{{ o.name }}</a> <span class="{{ s.p }}-tagline">{{ o.tagline }}</span></header>
{% if s.layout == "columns" %}<div id="wrapper">
<div id="leftcol">{{ nav() }}</div>
<div id="content">{{ story() }}</div>
<div id="rightcol">{{ related() }}{{ promo() }}</div>
</div>
{% else %}{{ nav() }}
<main class="{{ s.p }}-main">
{{ story() }}
{% if s.promo_at is none %}{{ promo() }}{% endif %}
{% if s.aside %}<aside class="{{ s.p }}-sidebar">{{ related() }}</aside>{% else %}{{ related() }}{% endif %}
</main>
{% endif %}{{ footer() }}
{% if not s.cookie_top %}{{ cookie() }}{% endif %}
</body>
</html>
"""  # noqa: E501

SECTIONS = ["Home", "News", "Politics", "Business", "World", "Sport", "Opinion", "Weather"]
ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
PAGE_TEMPLATE = ENV.from_string(PAGE)


def first_sentence(text: str, limit: int = 160) -> str:
    """Shorten a paragraph to a caption-sized first sentence."""
    sentence = text.split(". ", maxsplit=1)[0].rstrip(".") + "."
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def json_ld(art: Article) -> str:
    """A schema.org NewsArticle block, safe to embed in a script tag."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": art.title,
        "description": art.summary,
        "datePublished": art.iso,
        "url": art.url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": art.url},
        "author": [{"@type": "Person", "name": art.author}],
        "publisher": {
            "@type": "Organization",
            "name": art.outlet["name"],
            "url": f"https://{art.outlet['domain']}/",
        },
        "inLanguage": art.outlet["lang"],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")


def render_page(art: Article, related: list[Article]) -> str:
    """Render one article page in its outlet's template."""
    style = STYLES[art.outlet["template"]]
    media = "video" if art.title.lower().startswith(("watch", "video")) else "gallery"
    captions = [first_sentence(p) for p in art.paragraphs] or [art.summary]
    return PAGE_TEMPLATE.render(
        a=art,
        o={"tagline": "", **art.outlet},
        s=style,
        sections=SECTIONS,
        rel=related,
        jsonld=json_ld(art) if style["jsonld"] else None,
        media=media,
        captions=captions,
        caption=first_sentence(art.summary, 120),
        when=art.published.strftime("%A %d %B %Y, %H:%M UTC"),
    )


# --------------------------------------------------------------------------- feeds


def feed_name(outlet: dict[str, Any], wave: int) -> str:
    """File name of an outlet's feed for a wave, relative to the demo root."""
    suffix = "-updates" if wave == 2 else ""
    return f"feeds/{outlet['key']}{suffix}.{FEED_FORMATS[outlet['format']]}"


def render_feed(outlet: dict[str, Any], wave: int, items: list[Article]) -> str:
    """Render an RSS 2.0, Atom 1.0 or JSON Feed 1.1 document (newest item first)."""
    items = sorted(items, key=lambda a: a.published, reverse=True)
    title = outlet["name"] + (" - Updates" if wave == 2 else "")
    home = f"https://{outlet['domain']}/"
    link = {a.id: "../" + a.page for a in items}
    broken = outlet.get("broken_entry") if wave == 1 else None
    newest = max(
        [a.published for a in items]
        + ([parse_time(broken["published"], outlet["key"])] if broken else [])
    )
    if outlet["format"] == "jsonfeed":
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "home_page_url": home,
            "language": outlet["lang"],
            "items": [
                {
                    "id": a.url,
                    "url": link[a.id],
                    "title": a.title,
                    "summary": a.summary,
                    "content_text": a.summary,
                    "date_published": a.iso,
                    "authors": [{"name": a.author}],
                }
                for a in items
            ],
        }
        return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"
    head = f'<?xml version="1.0" encoding="{outlet["encoding"]}"?>\n'
    if outlet["format"] == "atom":
        domain = outlet["domain"]
        entries = "".join(
            f"  <entry>\n    <title>{escape(a.title)}</title>\n"
            f'    <link rel="alternate" type="text/html" href={quoteattr(link[a.id])}/>\n'
            f"    <id>tag:{domain},{a.published:%Y-%m-%d}:{a.id}</id>\n"
            f"    <updated>{a.iso}</updated>\n    <published>{a.iso}</published>\n"
            f"    <author><name>{escape(a.author)}</name></author>\n"
            f"    <summary>{escape(a.summary)}</summary>\n  </entry>\n"
            for a in items
        )
        return (
            f'{head}<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{outlet["lang"]}">\n'
            f"  <title>{escape(title)}</title>\n"
            f'  <link rel="alternate" type="text/html" href="{home}"/>\n'
            f"  <id>tag:{domain},2026:{Path(feed_name(outlet, wave)).stem}</id>\n"
            f"  <updated>{newest:%Y-%m-%dT%H:%M:%SZ}</updated>\n{entries}</feed>\n"
        )
    rss_items = [
        f"    <item>\n      <title>{escape(a.title)}</title>\n"
        f"      <link>{escape(link[a.id])}</link>\n"
        f'      <guid isPermaLink="false">{escape(a.url)}</guid>\n'
        f"      <pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>\n"
        f"      <dc:creator>{escape(a.author)}</dc:creator>\n"
        f"      <description>{escape(a.summary)}</description>\n    </item>\n"
        for a in items
    ]
    if broken:  # deliberately broken: neither <link> nor <guid>
        when = format_datetime(parse_time(broken["published"], outlet["key"]), usegmt=True)
        rss_items.append(
            f"    <item>\n      <title>{escape(broken['title'])}</title>\n"
            f"      <description>{escape(broken.get('summary', ''))}</description>\n"
            f"      <pubDate>{when}</pubDate>\n    </item>\n"
        )
    return (
        f'{head}<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f"  <channel>\n    <title>{escape(title)}</title>\n    <link>{home}</link>\n"
        f"    <description>{escape(outlet.get('tagline') or outlet['name'])}</description>\n"
        f"    <language>{outlet['lang']}</language>\n"
        f"    <lastBuildDate>{format_datetime(newest, usegmt=True)}</lastBuildDate>\n"
        f"{''.join(rss_items)}  </channel>\n</rss>\n"
    )


def render_opml(feeds: list[tuple[dict[str, Any], int, str]]) -> str:
    """OPML 2.0 listing every feed with an ``xmlUrl`` relative to the OPML file."""
    lines = []
    for outlet, wave, path in feeds:
        name = outlet["name"] + (" - Updates" if wave == 2 else "")
        lines.append(
            f'    <outline text={quoteattr(name)} title={quoteattr(name)} type="rss" '
            f'xmlUrl={quoteattr(path)} htmlUrl="https://{outlet["domain"]}/"/>\n'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0">\n  <head>\n'
        "    <title>newsdesk demo sources</title>\n"
        "    <dateCreated>Mon, 23 Nov 2026 12:00:00 GMT</dateCreated>\n  </head>\n"
        f"  <body>\n{''.join(lines)}  </body>\n</opml>\n"
    )


# --------------------------------------------------------------------------- build


def write(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write text in the given encoding; characters it lacks become char references."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding, errors="xmlcharrefreplace"))


def build(src: Path, out: Path) -> list[dict[str, Any]]:
    """Generate the whole corpus under ``out`` and return the manifest records."""
    outlets = load_outlets(src / "outlets.yaml")
    articles = load_stories(src / "stories", outlets)
    for name in GENERATED:  # remove stale generated files, keep anything else
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    out.mkdir(parents=True, exist_ok=True)

    manifest: list[dict[str, Any]] = []
    feeds: list[tuple[dict[str, Any], int, str]] = []
    for key, outlet in outlets.items():
        own = [a for a in articles if a.outlet["key"] == key]
        if outlet["format"] == "jsonl":
            lines = [
                json.dumps(
                    {
                        "url": a.url,
                        "title": a.title,
                        "text": "\n\n".join(a.paragraphs),
                        "published": a.iso,
                        "author": a.author,
                        "site_name": outlet["name"],
                        "language": outlet["lang"],
                    },
                    ensure_ascii=False,
                )
                for a in own
            ]
            if own:
                write(out / f"wire/{key}.jsonl", "".join(line + "\n" for line in lines))
            manifest += [record(a, None, f"wire/{key}.jsonl", None) for a in own]
            continue
        for art in own:
            if art.kind != "missing":
                related = [r for r in own if r.id != art.id and r.kind == "article"][-4:]
                write(out / art.page, render_page(art, related), outlet["encoding"])
        for wave in (1, 2):
            items = [a for a in own if a.wave == wave]
            if not items:
                continue
            name = feed_name(outlet, wave)
            write(out / name, render_feed(outlet, wave, items), outlet["encoding"])
            feeds.append((outlet, wave, name))
            manifest += [
                record(a, None if a.kind == "missing" else a.page, name, "../" + a.page)
                for a in items
            ]
    write(out / "sources.opml", render_opml(feeds))
    manifest.sort(key=lambda r: (r["published"], r["id"]))
    write(out / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


def record(art: Article, page: str | None, feed: str, link: str | None) -> dict[str, Any]:
    """One manifest entry; ``feed_link`` is the item link as written in the feed."""
    return {
        "id": art.id,
        "story": art.story,
        "outlet": art.outlet["key"],
        "wave": art.wave,
        "kind": art.kind,
        "url": art.url,
        "page": page,
        "feed": feed,
        "feed_link": link,
        "syndicated_from": art.syndicated_from,
        "title": art.title,
        "published": art.iso,
    }


def summarize(manifest: list[dict[str, Any]]) -> None:
    """Print counts per outlet, story, kind and wave."""
    print(f"{len(manifest)} articles, {len({r['story'] for r in manifest})} stories")
    for field in ("outlet", "story", "kind", "wave"):
        counts = Counter(str(r[field]) for r in manifest)
        print(f"\nper {field}:")
        for name, count in sorted(counts.items()):
            print(f"  {name:<34} {count:>3}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "demo_src")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "newsdesk" / "demo")
    args = parser.parse_args(argv)
    try:
        manifest = build(args.src, args.out)
    except (DemoError, LookupError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    summarize(manifest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
