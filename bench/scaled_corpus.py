"""The bundled demo corpus repeated K times, each copy its own news cycle.

Copy 0 is the demo corpus byte for byte. Copy k >= 1 is the same set of outlets
reporting the same kinds of stories ``k * days_apart`` days earlier, with:

- distinct URLs: the copy lives in its own folder ``cNNN/`` (so every fetched page URL
  differs) and every canonical URL (``<link rel="canonical">``, og:url, JSON-LD, feed
  guids and ids, wire URLs) gets a shifted date path and a ``-copy-k`` suffix;
- shifted dates: ISO timestamps, RSS dates, bylines, datelines and dates in the prose;
- different names: every invented name (a capitalised word the embedding tokenizer does
  not know as a whole word, e.g. "Brennick", "Vantacor", "Westmoor") becomes a
  pronounceable per-copy variant;
- different figures: every number in the text (not years, times, dates or URLs) is
  scaled by a per-copy factor.

Every transformation is a deterministic function of (copy, token), so within a copy all
outlets still agree on names and figures: the syndicated and corroborating articles of
one copy stay near-duplicates of each other and stay one story. Across copies no text is
an exact duplicate (content hashes differ). The copies are still close in wording
(same events, same sentences: word 4-shingle Jaccard about 0.75, above the default
``dedupe.near_threshold`` of 0.7), which is why copies must lie further apart in time
than the dedupe and clustering windows to be separate news cycles: see
:func:`separate_cycles_days`.

Only the text is touched: page layout, boilerplate, encodings (some demo pages are
windows-1252) and failures (gallery pages with no text, links to missing pages, a feed
item without a link) are kept, once per copy.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import quoteattr

from lxml import html as lxml_html

from newsdesk.builtin.embed_onnx import default_tokenizer_path
from newsdesk.text import MONTHS, WEEKDAYS, names

_MONTH_ABBR = {m[:3].capitalize(): i for i, m in enumerate(MONTHS, 1)} | {"Sept": 9}
_MONTH_FULL = {m.capitalize(): i for i, m in enumerate(MONTHS, 1)}
_MONTH = "|".join(sorted([*_MONTH_FULL, *_MONTH_ABBR], key=len, reverse=True))
_WEEKDAY = "|".join(sorted([w.capitalize() for w in WEEKDAYS] +
                           [w[:3].capitalize() for w in WEEKDAYS], key=len, reverse=True))

# One pass, alternatives in priority order: at a given position the first alternative
# that matches wins, so a date or URL is always consumed whole before its digits could
# be taken for a figure.
_TOKEN = re.compile(
    r"(?P<url>(?<=\.example)/(?P<uy>\d{4})/(?P<um>\d{2})/(?P<ud>\d{2})/(?P<slug>[A-Za-z0-9-]+))"
    r"|(?P<iso>\b(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?![\d/]))"
    rf"|(?P<wdate>\b(?P<ww>{_WEEKDAY}),? (?P<wd>\d{{1,2}}) (?P<wm>{_MONTH})\.? (?P<wy>\d{{4}}))"
    rf"|(?P<dmy>\b(?P<dd>\d{{1,2}}) (?P<dm>{_MONTH})\b(?P<ddot>\.?)(?: (?P<dy>\d{{4}}))?)"
    rf"|(?P<mdy>\b(?P<mm>{_MONTH})(?P<mdot>\.?) (?P<md>\d{{1,2}})\b(?:, (?P<my>\d{{4}}))?)"
    # A figure: not glued to letters, URL or date punctuation, entities or other digits,
    # and not a time of day ("10 p.m." must not become "13 p.m.").
    r"|(?P<num>(?<![\w.,:/#=&;@-])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    r"(?![\w:/@-]|[.,]\d|\s?[ap]\.?m\b))"
)
_TAG_SPLIT = re.compile(r"(<[^>]*>)")
_TEXT_ATTR = re.compile(r"""(\b(?:content|alt|title)=)(["'])(.*?)\2""", re.S)
_CHARSET = re.compile(rb"""(?:charset|encoding)=["']?([A-Za-z0-9_-]+)""")
_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
           "br", "dr", "gr", "kr", "st", "tr", "sk", "vr")
_VOWELS = ("a", "e", "i", "o", "u", "ei", "au", "o", "a", "e")
_CODAS = ("", "", "", "n", "r", "l", "s", "k", "m", "th")


@dataclass
class CopyInfo:
    """What one copy of the corpus holds, for the OPML list and the source list."""

    index: int
    folder: str
    feeds: list[tuple[str, str]] = field(default_factory=list)  # (title, relative URL)
    wire: list[str] = field(default_factory=list)  # relative URLs of JSONL files


@dataclass
class ScaledCorpus:
    """The generated corpus: where it is and how it was made."""

    root: Path
    copies: list[CopyInfo]
    articles_per_copy: int
    entries_per_copy: int
    days_apart: int
    renamed_words: int

    def sources(self, base_url: str) -> list[str]:
        """The pipeline's sources once ``root`` is served at ``base_url``."""
        return [f"{base_url}/sources.opml"] + [
            f"{base_url}/{path}" for copy in self.copies for path in copy.wire]


def name_vocabulary(demo: Path) -> list[str]:
    """Invented names in the demo text: capitalised wherever they occur, unknown to the
    embedding tokenizer as whole words, not an outlet's or a month's name."""
    texts: list[str] = []
    for page in sorted((demo / "pages").rglob("*.html")):
        tree = lxml_html.fromstring(page.read_bytes())
        texts += [node.text_content() for node in tree.iter("p", "h1", "h2", "figcaption")]
    for jsonl in sorted((demo / "wire").glob("*.jsonl")):
        for line in jsonl.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                texts += [str(record.get("title", "")), str(record.get("text", ""))]
    full = "\n".join(texts)
    lower = {w for w in re.findall(r"\w+", full) if w.islower()}
    known = tokenizer_words()
    outlets = set(re.findall(r"\w+", " ".join(_outlet_names(demo))))
    found = set()
    for name in names(full):
        for word in re.findall(r"[^\W\d_]+", name):
            if (len(word) >= 3 and word[0].isupper() and not word.isupper()
                    and word.lower() not in lower and word.lower() not in known
                    and word not in outlets):
                found.add(word)
    return sorted(found)


def _outlet_names(demo: Path) -> list[str]:
    root = ElementTree.parse(demo / "sources.opml").getroot()
    found = [node.get("text", "") for node in root.iter("outline")]
    for jsonl in (demo / "wire").glob("*.jsonl"):
        for line in jsonl.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(str(json.loads(line).get("site_name", "")))
    return found


def _digest(*parts: object) -> bytes:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=16).digest()


@cache
def tokenizer_words() -> frozenset[str]:
    """The whole words (not ``##`` pieces) of the embedding model's vocabulary."""
    tokenizer = json.loads(default_tokenizer_path().read_text(encoding="utf-8"))
    return frozenset(w for w in tokenizer["model"]["vocab"] if not w.startswith("##"))


def name_variant(word: str, copy: int) -> str:
    """A pronounceable stand-in for ``word`` in copy ``copy`` (same for every outlet),
    never a word the embedding model knows ("Live" for a town would change meaning)."""
    syllables = max(2, min(4, round(len(word) / 3)))
    for attempt in range(100):
        h = _digest("name", word, copy, attempt)
        text = "".join(_ONSETS[h[2 * i] % len(_ONSETS)] + _VOWELS[h[2 * i + 1] % len(_VOWELS)]
                       for i in range(syllables)) + _CODAS[h[15] % len(_CODAS)]
        if text not in tokenizer_words():
            break
    return text.capitalize()


class CopyRewriter:
    """The text transformations of one copy (see the module docstring)."""

    def __init__(self, copy: int, days: int, vocabulary: list[str], corpus_day: date) -> None:
        self.copy = copy
        self.shift = timedelta(days=days)
        self.corpus_day = corpus_day
        self._factor = Decimal(110 + _digest("figures", copy)[0] % 60) / 100  # x1.10 .. x1.69
        mapping = {w: name_variant(w, copy) for w in vocabulary}
        mapping |= {w.upper(): v.upper() for w, v in list(mapping.items())}  # datelines
        self._names = mapping
        self._name_re = re.compile(
            r"(?<!\w)(" + "|".join(map(re.escape, sorted(mapping, key=len, reverse=True)))
            + r")(?!\w)") if mapping else None

    # -- pieces ------------------------------------------------------------------------

    def _day(self, year: int | None, month: int, day: int) -> date | None:
        if year is None:
            # A date without a year ("Nov 16", "December 1") is the one nearest the corpus.
            options = [self.corpus_day.year + d for d in (-1, 0, 1)]
            candidates = []
            for y in options:
                try:
                    candidates.append(date(y, month, day))
                except ValueError:
                    continue
            if not candidates:
                return None
            return min(candidates, key=lambda d: abs((d - self.corpus_day).days))
        try:
            return date(year, month, day)
        except ValueError:
            return None

    def _figure(self, token: str) -> str:
        whole, _, fraction = token.partition(".")
        plain = whole.replace(",", "")
        value = Decimal(f"{plain}.{fraction}" if fraction else plain)
        if not fraction and "," not in whole and 1000 <= value <= 2199:
            return token  # a year
        # One factor for the whole copy keeps figures in order ("from 4.00 to 4.25").
        unit = Decimal(1).scaleb(-len(fraction))
        new = (value * self._factor).quantize(unit, ROUND_HALF_UP)
        if new == value:
            new += unit
        if fraction:
            return f"{new:.{len(fraction)}f}"
        return f"{int(new):,}" if "," in whole else str(int(new))

    def _replace(self, match: re.Match[str]) -> str:
        kind = match.lastgroup
        g = match.group
        if kind == "url":
            day = self._day(int(g("uy")), int(g("um")), int(g("ud")))
            if day is None:
                return g(0)
            day += self.shift
            return f"/{day:%Y/%m/%d}/{g('slug')}-copy-{self.copy}"
        if kind == "iso":
            day = self._day(int(g("iy")), int(g("im")), int(g("id")))
            return f"{day + self.shift:%Y-%m-%d}" if day else g(0)
        if kind == "wdate":
            day = self._day(int(g("wy")), _month(g("wm")), int(g("wd")))
            if day is None:
                return g(0)
            day += self.shift
            weekday = f"{day:%A}" if len(g("ww")) > 3 else f"{day:%a}"
            comma = "," if "," in g(0) else ""
            return f"{weekday}{comma} {day.day} {_month_name(day, g('wm'))} {day.year}"
        if kind == "dmy":
            year = int(g("dy")) if g("dy") else None
            day = self._day(year, _month(g("dm")), int(g("dd")))
            if day is None:
                return g(0)
            day += self.shift
            tail = f" {day.year}" if year else ""
            return f"{day.day} {_month_name(day, g('dm'))}{g('ddot')}{tail}"
        if kind == "mdy":
            year = int(g("my")) if g("my") else None
            day = self._day(year, _month(g("mm")), int(g("md")))
            if day is None:
                return g(0)
            day += self.shift
            tail = f", {day.year}" if year else ""
            return f"{_month_name(day, g('mm'))}{g('mdot')} {day.day}{tail}"
        return self._figure(g(0))

    def rename(self, text: str) -> str:
        """Invented names replaced by this copy's variants."""
        if self._name_re is None:
            return text
        return self._name_re.sub(lambda m: self._names[m.group(1)], text)

    def text(self, text: str) -> str:
        """Every transformation: URLs, dates, figures and names."""
        return self.rename(_TOKEN.sub(self._replace, text))

    def urls_and_dates(self, text: str) -> str:
        """URLs and dates only (markup, where a bare number is no figure)."""
        return _TOKEN.sub(lambda m: m.group(0) if m.lastgroup == "num" else self._replace(m),
                          text)

    # -- whole files -------------------------------------------------------------------

    def markup(self, text: str) -> str:
        """An HTML page or XML feed: text everywhere between tags, and inside tags only
        the human-readable attributes (meta content, alt, title) get figures."""
        out = []
        for piece in _TAG_SPLIT.split(text):
            if not (piece.startswith("<") and piece.endswith(">")):
                out.append(self.text(piece))
                continue
            start = 0
            for attr in _TEXT_ATTR.finditer(piece):
                out.append(self.rename(self.urls_and_dates(piece[start:attr.start()])))
                out.append(attr.group(1) + attr.group(2) + self.text(attr.group(3))
                           + attr.group(2))
                start = attr.end()
            out.append(self.rename(self.urls_and_dates(piece[start:])))
        return "".join(out)

    def json_value(self, value: object) -> object:
        """Every string in a parsed JSON document transformed (keys left alone)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json_value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.json_value(v) for k, v in value.items()}
        return value

    def file(self, source: Path, target: Path) -> None:
        """Rewrite one corpus file into ``target``, keeping its declared encoding."""
        data = source.read_bytes()
        declared = _CHARSET.search(data[:1024])
        encoding = declared.group(1).decode() if declared else "utf-8"
        text = data.decode(encoding)
        if source.suffix == ".json":
            text = json.dumps(self.json_value(json.loads(text)), ensure_ascii=False, indent=2)
        elif source.suffix == ".jsonl":
            text = "".join(json.dumps(self.json_value(json.loads(line)), ensure_ascii=False)
                           + "\n" for line in text.splitlines() if line.strip())
        else:
            text = self.markup(text)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode(encoding))


def _month(name: str) -> int:
    return _MONTH_FULL.get(name) or _MONTH_ABBR[name]


def _month_name(day: date, like: str) -> str:
    if like in _MONTH_FULL:
        return f"{day:%B}"
    return "Sept" if like == "Sept" and day.month == 9 else f"{day:%b}"


def corpus_day(demo: Path) -> date:
    """The first publication day in the demo corpus (its manifest)."""
    manifest = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))
    return min(datetime.fromisoformat(m["published"].replace("Z", "+00:00")).date()
               for m in manifest)


def corpus_span_days(demo: Path) -> int:
    """Days from the first to the last publication in the demo corpus (rounded up)."""
    manifest = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))
    times = [datetime.fromisoformat(m["published"].replace("Z", "+00:00")) for m in manifest]
    return math.ceil((max(times) - min(times)) / timedelta(days=1))


def separate_cycles_days(demo: Path, window_days: float) -> int:
    """The smallest whole number of weeks between copies such that no document of one
    copy is within ``window_days`` of a document of another. Whole weeks keep weekday
    names in the prose ("on Monday") true."""
    needed = corpus_span_days(demo) + window_days
    return 7 * (math.floor(needed / 7) + 1)


def demo_counts(demo: Path) -> tuple[int, int]:
    """(articles with text, all entries) the demo corpus lists in its manifest."""
    manifest = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))
    return sum(1 for m in manifest if m["kind"] == "article"), len(manifest)


def build(demo: Path, root: Path, min_articles: int, days_apart: int) -> ScaledCorpus:
    """Write ceil(min_articles / demo articles) copies of ``demo`` under ``root``, plus
    one ``sources.opml`` listing every copy's feeds."""
    articles, entries = demo_counts(demo)
    count = max(1, math.ceil(min_articles / articles))
    vocabulary = name_vocabulary(demo)
    first_day = corpus_day(demo)
    opml = ElementTree.parse(demo / "sources.opml").getroot()
    outlines = [(o.get("text", ""), o.get("xmlUrl", "")) for o in opml.iter("outline")
                if o.get("xmlUrl")]
    copies = []
    for k in range(count):
        folder = f"c{k:03d}"
        target = root / folder
        if k == 0:
            shutil.copytree(demo, target)
        else:
            # Earlier, not later: a page dated after today makes trafilatura's date
            # search (htmldate) reject its dates and fall back to a slow full-text search,
            # which would measure the calendar rather than newsdesk.
            rewriter = CopyRewriter(k, -k * days_apart, vocabulary, first_day)
            for source in sorted(p for p in demo.rglob("*") if p.is_file()):
                relative = source.relative_to(demo)
                if relative.name in {"manifest.json", "sources.opml"}:
                    continue  # the manifest describes copy 0; the OPML list is rebuilt
                rewriter.file(source, target / relative)
        info = CopyInfo(k, folder)
        info.feeds = [(f"{title} (copy {k})", f"{folder}/{url}") for title, url in outlines]
        info.wire = [f"{folder}/{p.relative_to(demo).as_posix()}"
                     for p in sorted((demo / "wire").glob("*.jsonl"))]
        copies.append(info)
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<opml version="2.0">',
             f"  <head><title>newsdesk benchmark: {count} copies of the demo sources</title>"
             "</head>", "  <body>"]
    lines += [f'    <outline type="rss" text={quoteattr(title)} xmlUrl={quoteattr(url)}/>'
              for copy in copies for title, url in copy.feeds]
    lines += ["  </body>", "</opml>", ""]
    (root / "sources.opml").write_text("\n".join(lines), encoding="utf-8")
    return ScaledCorpus(root=root, copies=copies, articles_per_copy=articles,
                        entries_per_copy=entries, days_apart=days_apart,
                        renamed_words=len(vocabulary))
