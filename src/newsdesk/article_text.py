"""Is this text the page's article? Shared by the extractor chain and the ingest stage.

Length alone does not tell an article from the rest of a page. A two-sentence wire item
or a headline with a one-line excerpt is an article; a photo gallery's captions, a
video's caption, a newsletter box, a cookie notice or a list of links can be longer and
are not. What tells them apart is what the page says about itself: a news page states
its article in a summary of its own (``<meta name="description">``, ``og:description``,
``twitter:description``, the JSON-LD ``description``), and publishers fill it from the
article's opening lines. A caption or a sign-up box is not what that summary says.

So the rule, applied to the text an extractor found:

- text of at least ``extract.min_chars`` characters is an article, as before (long
  text has been through the extractors' own tests: precision mode, agreement between
  extractors, boilerplate stripping);
- shorter text is an article when a summary the publisher gave for the page says the
  same: at least ``SUMMARY_AGREEMENT`` of the shorter one's word n-grams (4-grams, or
  the whole text when it is shorter than four words) occur in the longer one. The
  summary may be the text itself, its first sentence, or the text cut short with "...";
  a summary that describes a video or a gallery shares a word or two with its caption,
  not half of it;
- the ingest stage also asks a short text for a publication time, from the page or
  the feed entry that linked it: a news item is dated, while a section front whose
  blurb repeats its description, an error page or a sign-in page is not;
- anything else is not an article, and the caller records why.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_TOKEN = re.compile(r"\w+")

#: Share of the shorter text's word n-grams that must occur in the longer one for a
#: publisher's summary to vouch for a short text (see the module docs). Captions and
#: sign-up boxes measured against their pages' descriptions score 0-0.15; a description
#: that is the article's opening, or the article cut short, scores 0.8-1.
SUMMARY_AGREEMENT = 0.5
GRAM = 4


def shingles(text: str, size: int = GRAM) -> Counter[tuple[str, ...]]:
    """The multiset of word ``size``-grams of ``text`` (one shorter gram for short text)."""
    words = _TOKEN.findall(text)
    if len(words) < size:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + size]) for i in range(len(words) - size + 1))


def shared_shingles(one: str, other: str) -> int:
    """How many word 4-grams two texts share (as multisets)."""
    return sum((shingles(one) & shingles(other)).values())


def containment(inner: str, outer: str) -> float:
    """Share of ``inner``'s word 4-grams that also occur in ``outer`` (0 for empty)."""
    grams = shingles(inner)
    total = sum(grams.values())
    return sum((grams & shingles(outer)).values()) / total if total else 0.0


def agreement(text: str, summary: str) -> float:
    """How far ``summary`` and ``text`` say the same words: the share of the shorter
    one's word n-grams (case-folded) found in the longer one, with n = 4, or the
    shorter one's length in words when it has fewer. 0 when either is empty."""
    one = _TOKEN.findall(text.casefold())
    other = _TOKEN.findall(summary.casefold())
    if not one or not other:
        return 0.0
    shorter, longer = (one, other) if len(one) <= len(other) else (other, one)
    size = min(GRAM, len(shorter))
    inner = Counter(tuple(shorter[i:i + size]) for i in range(len(shorter) - size + 1))
    outer = Counter(tuple(longer[i:i + size]) for i in range(len(longer) - size + 1))
    return sum((inner & outer).values()) / sum(inner.values())


def summary_vouches(text: str, summaries: Iterable[str]) -> bool:
    """Whether one of the publisher's ``summaries`` of the page says what ``text`` says
    (see the module docs)."""
    return any(agreement(text, s) >= SUMMARY_AGREEMENT for s in summaries if s.strip())


def is_article_text(text: str, min_chars: int, summaries: Iterable[str],
                    dated: bool = True) -> bool:
    """Whether ``text`` is the page's article: long enough on its own, or shorter,
    vouched for by a summary the publisher gave, on a page (or feed entry) that states
    when it was published (see the module docs)."""
    text = text.strip()
    if not text:
        return False
    return len(text) >= min_chars or (dated and summary_vouches(text, summaries))


def short_text_detail(text: str, min_chars: int, summaries: list[str], dated: bool) -> str:
    """Why a short ``text`` was not taken as an article, in words for the problem record."""
    found = f"{len(text)} characters extracted, under {min_chars}"
    if not any(s.strip() for s in summaries):
        return f"{found}, and the page gives no description to vouch for it"
    if not summary_vouches(text, summaries):
        return f"{found}, and not what the page's own description says"
    return f"{found}, on a page with no publication time"
