"""An extractor made of other extractors, tried in order until one gives an article.

The default chain, and why each step is there:

1. ``trafilatura`` with ``favor_precision``: the cleanest text on modern pages;
2. ``trafilatura-balanced`` (precision off): finds articles the precise mode cuts
   short or misses on old markup;
3. ``readability``: scores containers differently, finds many articles trafilatura
   misses on table layouts;
4. ``paragraphs``: every long prose paragraph of the page, for markup none of the
   above can read.

A step's text is *rejected* when it is missing (``no_text``); when it is shorter than
``min_chars``, unless the page's own description says the same and the page states when
it was published (``too_short``; a two-sentence wire item is an article, a video's
caption or a section front's blurb is not: see :mod:`newsdesk.article_text`); where a
step sets ``min_share_of_next``, when it is much shorter than the next step's text
(``too_little``: the precise mode dropped most of what the balanced mode found, which
means it lost the article, not trimmed it); or, where a step ``needs_support``, when no
other step found any of the same text (``unsupported``). The looser extractors take in
a whole page of menus and captions when a page has no article (a photo gallery); an
article is found by more than one of them. Short text the page's description vouches
for needs another step to have found at least half of its 4-grams, not the usual 25:
that keeps a headline, byline and date line that a looser step adds around a short
article from passing as its text.

One cross-check runs after a step is accepted: if the ``trim_with`` extractor's text
is itself long enough, lies almost entirely inside the accepted text and is clearly
shorter, the accepted text carries blocks the other extractor left out (slideshow
captions, related-story teasers, sign-up boxes), so the tighter text wins
(``extra_text``). Two independent extractors agreeing on the article is the evidence;
neither alone is trusted to trim.

Two shortcuts keep the chain close to the cost of its first step, and neither
changes which rule decides:

- The ``too_little`` test needs the next step's length only when it could matter: no
  extractor's text is longer than the page's text (every text node outside scripts and
  styles, plus its JSON-LD, where trafilatura's fallback reads ``articleBody``), so a
  first text of at least ``min_share_of_next`` of that bound (with a 5% margin for the
  line breaks an extractor puts between blocks) passes whatever the next step finds,
  and the next step is not run. On 1,399 pages of extraction-zyte, extraction-l3s-gn1
  and feeds-allsides-dev, no balanced trafilatura text was more than 2.5% above the
  bound, and three pages in four skip the second trafilatura run.
- The trim cross-check runs readability-lxml (the costliest step, about a page's
  trafilatura time again) only where trafilatura's minimal fork of it, five times
  cheaper, finds no text at all or a text that could be tighter: at most
  ``screen_max_share`` of the accepted text's length with ``screen_containment`` of
  its 4-grams inside it, a margin around the trim rule's own 0.9 and 0.95. The fork is
  a screen, not the judge: where it passes, the real readability decides as before.

Metadata comes from the winning step, then the other steps in order, then the page's
own meta tags; the title loses the site and section names a ``<title>`` tag adds.
The step that won is ``Extracted.extractor``; every rejection is in
``Extracted.rejected``. When no step is accepted, the result has empty text, the
page's metadata and every rejection, and the caller decides (the ingest stage then
tries the feed entry's own content).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from pydantic import Field

from newsdesk import backends
from newsdesk.article_text import (
    containment,
    shared_shingles,
    shingles,
    short_text_detail,
    summary_vouches,
)
from newsdesk.backends import BackendOptions
from newsdesk.backends.extractor import METADATA_FIELDS, Extracted, Extractor, Rejection
from newsdesk.builtin.extract_readability import quick_readability_text
from newsdesk.builtin.extract_trafilatura import TrafilaturaExtractor, TrafilaturaPage
from newsdesk.builtin.page_metadata import (
    headings,
    page_summaries,
    parse_html,
    read_page_metadata,
    refine_title,
)
from newsdesk.errors import ConfigError

__all__ = ["ChainExtractor", "Step", "containment", "repair_markup", "shared_shingles",
           "shingles"]

log = logging.getLogger(__name__)
# Markup damage that makes libxml2 (and so every extractor here) lose the whole page,
# while a browser still shows it: see repair_markup().
_HTML_START_TAG = re.compile(r"<html\b[^>]+>", re.IGNORECASE)
_TITLE_START = re.compile(r"<title\b[^>]*>", re.IGNORECASE)
_TITLE_END = re.compile(r"</title\s*>", re.IGNORECASE)
_HTML_START = re.compile(r"<html\b", re.IGNORECASE)
_NOT_TEXT = frozenset({"script", "style", "template"})
_DOCUMENT_TAGS = re.compile(r"<!doctype[^>]*>|</?(?:html|head|body)\b[^>]*>", re.IGNORECASE)


def repair_markup(html: str, bare_html_tag: bool = False) -> str:
    """``html`` with the damage that empties libxml2's tree undone, as browsers read it:

    - a ``<title>`` whose ``</title>`` is missing or mangled is closed at the first tag
      after it (libxml2 otherwise reads the rest of the page as the title);
    - pages concatenated into one (a header include that is a whole document) lose every
      ``<!DOCTYPE>``, ``<html>``, ``<head>`` and ``<body>`` tag, so that all their
      content is read (libxml2 otherwise drops what follows the first ``</html>``);
    - with ``bare_html_tag``, the ``<html ...>`` start tag loses its attributes (a stray
      quote in it makes libxml2 return an empty tree). Off by default: ``lang`` is
      metadata, so this is only tried when nothing else gave text.
    """
    repaired = _HTML_START_TAG.sub("<html>", html, count=1) if bare_html_tag else html
    start = _TITLE_START.search(repaired)
    if start:
        next_tag = repaired.find("<", start.end())
        end = _TITLE_END.search(repaired, start.end())
        if next_tag >= 0 and (end is None or end.start() != next_tag):
            repaired = repaired[:next_tag] + "</title>" + repaired[next_tag:]
    if len(_HTML_START.findall(repaired)) > 1:  # more than one document
        repaired = _DOCUMENT_TAGS.sub("", repaired)
    return repaired


class Step(BackendOptions):
    """One extractor of the chain."""

    backend: str
    #: the name recorded on documents; defaults to ``backend``
    label: str = ""
    options: dict[str, Any] = Field(default_factory=dict)
    #: reject this step's text when it is shorter than this share of the next step's
    min_share_of_next: float = 0.0
    #: accept this step's text only when another step's text shares some of it
    needs_support: bool = False

    @property
    def name(self) -> str:
        """What this step is called in documents, counts and logs."""
        return self.label or self.backend


DEFAULT_STEPS = [
    Step(backend="trafilatura", min_share_of_next=0.3),
    Step(backend="trafilatura", label="trafilatura-balanced",
         options={"favor_precision": False}, needs_support=True),
    Step(backend="readability", needs_support=True),
    Step(backend="paragraphs"),
]


class _Page:
    """One page as the chain reads it: parsed once, on first use, and read only, but for
    the trim screen, which is handed the tree last (:meth:`hand_over_tree`)."""

    def __init__(self, html: str, url: str) -> None:
        self.html = html
        self.url = url
        self._tree: Any = None
        self._parsed = False
        self._bound: float | None = None
        self._metadata: Extracted | None = None
        self._headings: list[str] | None = None
        #: what every trafilatura step reads of the page, read by the first of them
        self.trafilatura = TrafilaturaPage(html, url)

    @property
    def tree(self) -> Any | None:
        """The lxml tree, ``None`` when the page does not parse."""
        if not self._parsed:
            self._tree, self._parsed = parse_html(self.html), True
        return self._tree

    def metadata(self) -> Extracted:
        """The page's own metadata (meta tags, JSON-LD)."""
        if self._metadata is None:
            self._metadata = read_page_metadata(self.tree if self.tree is not None
                                                else self.html)
        return self._metadata

    def text_bound(self) -> float:
        """More characters than any extractor's text of this page can hold (see the
        module docs); infinite when the page does not parse."""
        if self._bound is None:
            self._bound = float("inf") if self.tree is None else text_bound(self.tree)
        return self._bound

    def headings(self) -> list[str]:
        """The page's first headings (:func:`~newsdesk.builtin.page_metadata.headings`)."""
        if self._headings is None:
            self._headings = [] if self.tree is None else headings(self.tree)
        return self._headings

    def hand_over_tree(self, with_metadata: bool) -> Any | None:
        """The parsed tree, given to a reader that changes it (the trim screen) so that
        the reader need not copy it. What the chain reads of the tree later is read
        first: its headings, and its metadata when ``with_metadata`` (the caller's
        guess that it will be needed). The page forgets the tree: anything else that
        reads it afterwards gets a fresh parse, the same tree, so a wrong guess costs a
        parse and changes nothing."""
        tree = self.tree
        self.headings()
        if with_metadata:
            self.metadata()
        self._tree, self._parsed = None, False
        return tree


def text_bound(tree: Any) -> float:
    """Characters of every text node of ``tree`` outside scripts, styles and templates,
    plus its JSON-LD scripts, whitespace collapsed, with 5% for line breaks between
    blocks: more than an extractor's text of the page can hold."""
    parts: list[str] = []
    for node in tree.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _NOT_TEXT:
            if tag == "script" and "ld+json" in (node.get("type") or "").lower():
                parts.append(node.text or "")
        elif tag and node.text:
            parts.append(node.text)
        if node.tail:
            parts.append(node.tail)
    return 1.05 * len(" ".join(" ".join(parts).split()))


def _page_evidence(page: _Page) -> tuple[list[str], bool]:
    """The page's own summaries of its article, and whether it states when it was
    published (meta tags or JSON-LD; not a date guessed from its links)."""
    if page.tree is None:
        return [], False
    return page_summaries(page.tree), bool(page.metadata().published.strip())


class ChainExtractor(Extractor):
    """Tries extractors in order; records which one produced the text and why the
    earlier ones were rejected (see the module docs)."""

    name = "chain"

    class Options(BackendOptions):
        """The steps and the rules that accept or reject their text."""

        steps: list[Step] = Field(default_factory=lambda: [s.model_copy() for s in
                                                           DEFAULT_STEPS])
        #: shortest text accepted as an article on its length alone (the ingest stage
        #: passes extract.min_chars); shorter text needs the page's description to agree
        min_chars: int = 250
        #: 4-grams (about as many words) another step's text must share with the text
        #: of a step that ``needs_support``
        min_support: int = 25
        #: the step whose tighter text may replace the accepted one ("" never)
        trim_with: str = "readability"
        #: share of the tighter text's 4-grams that must lie inside the accepted text
        trim_containment: float = 0.95
        #: the tighter text must be at most this share of the accepted text's length
        trim_max_share: float = 0.9
        #: screen the trim step (false: always run it): run it only where trafilatura's
        #: fork of readability finds a text this much shorter than the accepted one ...
        screen_trim: bool = True
        screen_max_share: float = 0.95
        #: ... with this share of its 4-grams inside it
        screen_containment: float = 0.9

    options: Options

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        names = [s.name for s in self.options.steps]
        if not names or len(set(names)) != len(names):
            raise ConfigError(f"extractor chain needs distinct step names, got {names}")
        if any(s.backend == self.name for s in self.options.steps):
            raise ConfigError("an extractor chain cannot contain another chain")
        self._extractors: dict[str, Extractor] = {}

    def _extractor(self, step: Step) -> Extractor:
        if step.name not in self._extractors:
            self._extractors[step.name] = backends.load(
                "extractor", step.backend, Extractor, **step.options)
        return self._extractors[step.name]

    def extract(self, html: str, url: str) -> Extracted | None:
        """See :meth:`Extractor.extract` and the module docs."""
        if not html.strip():
            return None
        html = repair_markup(html)
        result = self._run(html, url)
        if result.text:
            return result
        repaired = repair_markup(html, bare_html_tag=True)
        if repaired != html:
            retry = self._run(repaired, url)
            if retry.text:
                retry.rejected = [*result.rejected, Rejection(
                    "markup", "repaired", "read again without the <html> tag's attributes"),
                    *retry.rejected]
                result = retry
        return result

    def _run(self, html: str, url: str) -> Extracted:
        steps = self.options.steps
        found: dict[int, Extracted | None] = {}
        rejected: list[Rejection] = []
        page = _Page(html, url)

        def candidate(index: int) -> Extracted | None:
            if index not in found:
                try:
                    found[index] = self._extract(steps[index], page)
                except Exception as exc:  # a plugin's bug must not lose the page
                    log.warning("extractor %s failed on %s: %r", steps[index].name, url, exc)
                    rejected.append(Rejection(steps[index].name, "failed", repr(exc)))
                    found[index] = None
            return found[index]

        summaries: list[str] | None = None
        dated = False
        chosen: int | None = None
        for index, step in enumerate(steps):
            got = candidate(index)
            size = len(got.text) if got else 0
            if got is None or not got.text.strip():
                if not any(r.extractor == step.name for r in rejected):
                    rejected.append(Rejection(step.name, "no_text"))
                continue
            short = size < self.options.min_chars
            if short:
                if summaries is None:
                    summaries, dated = _page_evidence(page)
                if not (dated and summary_vouches(got.text, summaries)):
                    rejected.append(Rejection(step.name, "too_short", short_text_detail(
                        got.text, self.options.min_chars, summaries, dated)))
                    continue
            if (step.min_share_of_next and index + 1 < len(steps)
                    and size < step.min_share_of_next * page.text_bound()):
                following = candidate(index + 1)
                more = len(following.text) if following else 0
                if size < step.min_share_of_next * more:
                    rejected.append(Rejection(
                        step.name, "too_little",
                        f"{size} characters where {steps[index + 1].name} found {more}"))
                    continue
            if step.needs_support:
                support = max((shared_shingles(got.text, other.text)
                               for other in (candidate(i) for i in range(len(steps)) if i != index)
                               if other is not None), default=0)
                needed = self.options.min_support
                if short:  # vouched for by the description; see the module docs
                    needed = min(needed, (sum(shingles(got.text).values()) + 1) // 2)
                if support < needed:
                    rejected.append(Rejection(
                        step.name, "unsupported",
                        f"no other extractor found the same text ({support} shared 4-grams)"))
                    continue
            chosen = index
            break
        if chosen is not None:
            chosen = self._trim(chosen, candidate, rejected, page, found)
        return self._merge(page, chosen, found, rejected)

    def _extract(self, step: Step, page: _Page) -> Extracted | None:
        """``step``'s extractor on the page; trafilatura steps share one reading of it
        (parse and metadata), which does not depend on their mode."""
        extractor = self._extractor(step)
        if isinstance(extractor, TrafilaturaExtractor):
            return extractor.extract_page(page.trafilatura)
        return extractor.extract(page.html, page.url)

    def _trim(self, chosen: int, candidate: Any, rejected: list[Rejection], page: _Page,
              found: dict[int, Extracted | None]) -> int:
        """The index of the trim step when its text is a clearly tighter version."""
        opts = self.options
        steps = self.options.steps
        names = [s.name for s in steps]
        if not opts.trim_with or opts.trim_with not in names:
            return chosen
        other = names.index(opts.trim_with)
        if other == chosen:
            return chosen
        accepted: Extracted = candidate(chosen)
        if other not in found and not self._may_trim(page, accepted.text, found):
            return chosen
        tighter: Extracted | None = candidate(other)
        if tighter is None or len(tighter.text) < opts.min_chars:
            return chosen
        if len(tighter.text) > opts.trim_max_share * len(accepted.text):
            return chosen
        if containment(tighter.text, accepted.text) < opts.trim_containment:
            return chosen
        extra = 1 - len(tighter.text) / len(accepted.text)
        rejected.append(Rejection(
            names[chosen], "extra_text",
            f"{extra:.0%} of its text is outside the article {opts.trim_with} found in it"))
        return other

    def _may_trim(self, page: _Page, accepted: str,
                  found: dict[int, Extracted | None]) -> bool:
        """Whether the trim step could find a tighter text, by the cheap screen (see
        the module docs); true when the screen is off or cannot tell.

        The screen works on the page's own tree, not a copy: the chain reads no more
        of it afterwards than its headings and, where some metadata field is still
        empty in every step's result (the page's metadata then fills it in
        :meth:`_merge`; the trim step can only add results), its metadata, both read
        before it is handed over."""
        opts = self.options
        if not opts.screen_trim:
            return True
        sources = [o for o in found.values() if o is not None]
        with_metadata = not all(any(getattr(o, name) for o in sources)
                                for name in METADATA_FIELDS)
        quick = quick_readability_text(page.html, page.hand_over_tree(with_metadata),
                                       in_place=True)
        if not quick:
            return True
        return (len(quick) <= opts.screen_max_share * len(accepted)
                and containment(quick, accepted) >= opts.screen_containment)

    def _merge(self, page: _Page, chosen: int | None, found: dict[int, Extracted | None],
               rejected: list[Rejection]) -> Extracted:
        """The chosen step's text with metadata filled from every step, then the page."""
        steps = self.options.steps
        ordered = ([found[chosen]] if chosen is not None else []) + [
            found[i] for i in sorted(found) if i != chosen]
        sources = [o for o in ordered if o is not None]
        values: dict[str, str] = {}
        for name in METADATA_FIELDS:
            value = next((getattr(o, name) for o in sources if getattr(o, name)), "")
            if not value:
                value = getattr(page.metadata(), name)
            values[name] = value
        values["title"] = refine_title(values["title"], None, page.headings()).strip()
        if chosen is None:
            return Extracted(text="", rejected=rejected, **values)
        lines = (found[chosen] or Extracted(text="")).text.splitlines()
        if len(lines) > 1 and values["title"] and (
                lines[0].strip().casefold() == values["title"].strip().casefold()):
            lines = lines[1:]  # the headline is metadata, not body text
        return Extracted(text="\n".join(lines), extractor=steps[chosen].name,
                         rejected=rejected, **values)
