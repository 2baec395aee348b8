"""Text helpers shared by the writer, the verifier and clustering: sentences, names,
numbers, dates, quotes and content words. Plain rules, no model: they must be fast
and predictable because the verifier's checks rest on them."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from newsdesk.segment import split_sentences

__all__ = ["split_sentences"]  # and every public name below; re-exported for its users

STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each few
for from further had has have having he her here hers herself him himself his how i if
in into is it its itself just me more most my myself no nor not now of off on once only
or other our ours out over own same she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very was
we were what when where which while who whom why will with would you your yours yourself
said says say told according after new one two three per cent percent mr mrs ms dr would
could may might must shall its
""".split()
)

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DATE_WORDS = frozenset(MONTHS + WEEKDAYS + ("today", "yesterday", "tomorrow", "tonight"))
NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "dozen": "12", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000",
    "half": "0.5", "first": "1st", "second": "2nd", "third": "3rd",
}
# Words that start sentences but are not names ("The", "But"); a capitalised token is
# taken as part of a name only when it is not one of these.
_NOT_NAMES = frozenset(w.capitalize() for w in STOPWORDS | _DATE_WORDS) | {
    "According", "However", "Meanwhile", "Officials", "Police", "Residents", "Some", "Many",
    "Several", "Speaking", "Asked", "Earlier", "Later", "While", "Since", "Although", "It",
    "Last", "Next", "This", "That", "These", "Those", "Its", "Their", "His", "Her", "Our",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
}
_CONNECTORS = frozenset({"of", "de", "van", "von", "der", "la", "du", "al", "bin"})
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*")
_NAME = re.compile(r"\b[A-ZÀ-Ö][\w’'\-]*(?:\s+(?:of|de|van|von|der|la|du|al|bin)?\s*"
                   r"[A-ZÀ-Ö][\w’'\-]*)*")
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")
_QUOTE = re.compile(r"[“\"]([^”\"]{3,})[”\"]")
_SPACE = re.compile(r"\s+")


def normalize_quotes(text: str) -> str:
    """Straight quotes and apostrophes for comparison."""
    return (text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
            .replace("–", "-").replace("—", "-"))


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [w.lower().strip("'’-") for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning (stop words and one-letter tokens removed)."""
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1]


def numbers(text: str) -> set[str]:
    """Numbers in ``text`` as canonical strings: "4,300" -> "4300", "three" -> "3"."""
    found = set()
    for whole, fraction in _NUMBER.findall(text):
        value = whole.replace(",", "")
        found.add(f"{value}.{fraction}".rstrip("0").rstrip(".") if fraction else value)
    for word in words(text):
        if word in NUMBER_WORDS:
            found.add(NUMBER_WORDS[word])
    return found


def dates(text: str) -> set[str]:
    """Month, weekday and relative-day words in ``text``."""
    return {w for w in words(text) if w in _DATE_WORDS}


def quotes(text: str) -> list[str]:
    """Directly quoted passages (straightened), for verbatim checks."""
    return [q.strip() for q in _QUOTE.findall(normalize_quotes(text).replace("'", "'"))]


def names(text: str) -> list[str]:
    """Capitalised names (people, places, organisations) in order of appearance.

    A single capitalised word at the start of a sentence counts only if it is not a
    common sentence opener; leading openers are trimmed from multi-word names.
    """
    found = []
    for match in _NAME.finditer(text):
        parts = match.group(0).split()
        while parts and (parts[0].strip("’'") in _NOT_NAMES or parts[0] in _CONNECTORS):
            parts = parts[1:]
        while parts and parts[-1] in _CONNECTORS:
            parts = parts[:-1]
        if len(parts) == 1 and _sentence_start(text, match.start()):
            continue  # "Dockworkers walked out": a lone capital after a full stop is no name
        if parts and not (len(parts) == 1 and len(parts[0]) < 3):
            found.append(" ".join(parts).strip("’'"))
    return found


def _sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip(" “\"'‘(")
    return not before or before[-1] in ".!?\n:"


def name_counts(text: str) -> Counter[str]:
    """How often each name occurs (see :func:`names`)."""
    return Counter(names(text))


def slugify(text: str, max_length: int = 80) -> str:
    """A URL-safe slug: lower-case ASCII words joined by hyphens."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "story"


# -- quantities and word matching for the verifier --------------------------------------

SCALES = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9,
          "trillion": 1e12, "tn": 1e12, "trn": 1e12, "k": 1e3, "m": 1e6, "b": 1e9}
CURRENCY_SIGNS = {"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY"}
CURRENCY_WORDS = {"dollar": "USD", "dollars": "USD", "usd": "USD", "pound": "GBP",
                  "pounds": "GBP", "sterling": "GBP", "gbp": "GBP", "euro": "EUR",
                  "euros": "EUR", "eur": "EUR", "yen": "JPY"}
# Spelled-out counts. "one", "first", "second" and "half" are left out on purpose: as
# pronoun, ordinal or time unit they rarely state a checkable figure ("one of the...").
QUANTITY_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12,
}
_QUANTITY = re.compile(
    r"(?P<sign>[$£€¥])?\s?"
    r"(?P<num>(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|(?<![\w.,])\d+(?:\.\d+)?"
    r"|\b(?:" + "|".join(QUANTITY_WORDS) + r")\b)"
    # "1.2 billion", "1.2bn"; one-letter scales only when attached ("10m", not "5 m tall")
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|mn|mln|bn|trn|tn)\b"
    r"|(?P<short>[kmb])\b)?"
    r"(?:\s?(?P<pct>%|per ?cent\b|percent\b))?"
    r"(?:\s?(?P<word>dollars?|pounds?|sterling|euros?|yen|usd|gbp|eur)\b)?",
    re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    """A number as stated in text, with its scale applied and its unit."""

    value: float  # "€1.2bn" -> 1_200_000_000.0
    unit: str  # "%", a currency code ("EUR", "USD", "GBP", "JPY") or "" for a plain count
    text: str  # as written, for messages
    start: int
    end: int

    def matches(self, other: Quantity) -> bool:
        """Same value and unit; a currency may be left unstated on one side ("1.2bn" for
        "€1.2bn"), a percentage may not ("6%" is not the 6 of "6 a.m.")."""
        same_value = abs(self.value - other.value) <= 1e-9 * max(1.0, abs(self.value))
        if not same_value or self.unit == other.unit:
            return same_value
        return "%" not in (self.unit, other.unit) and not (self.unit and other.unit)


def quantities(text: str) -> list[Quantity]:
    """Numbers, money amounts and percentages in ``text``, normalised so that different
    spellings of one amount compare equal: "€1.2bn" and "1.2 billion euros" are both
    1.2e9 EUR; "13 per cent" and "13%" are both 13 %; "three" is 3; "1,850" is 1850."""
    found = []
    for match in _QUANTITY.finditer(text):
        raw = match.group("num")
        lowered = raw.lower()
        value = float(QUANTITY_WORDS[lowered]) if lowered in QUANTITY_WORDS else \
            float(raw.replace(",", ""))
        scale = (match.group("scale") or match.group("short") or "").lower()
        value *= SCALES.get(scale, 1.0)
        unit = ""
        if match.group("pct"):
            unit = "%"
        elif match.group("sign"):
            unit = CURRENCY_SIGNS[match.group("sign")]
        elif match.group("word"):
            unit = CURRENCY_WORDS[match.group("word").lower()]
        found.append(Quantity(value, unit, match.group(0).strip(), match.start(), match.end()))
    return found


_TOKEN = re.compile(r"[a-z0-9]+")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "edly", "ed", "ly", "ies", "es", "s")


def stem(word: str) -> str:
    """A crude stem for matching word forms: "strikes", "striking", "striker" -> "strik".

    Only a suffix that leaves at least four letters is removed, so short words stay
    whole. It over-merges a little ("later"/"late"), which a support check tolerates.
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: len(word) - len(suffix)]
    return word


def match_tokens(text: str) -> list[str]:
    """Lower-cased alphanumeric tokens with apostrophes and hyphens split off, for
    comparing a claim with its evidence word by word ("o'toole's" -> o, toole, s)."""
    return _TOKEN.findall(normalize_quotes(text).lower())


def looks_like_instruction(text: str) -> bool:
    """Whether ``text`` addresses a language model ("ignore previous instructions",
    "SYSTEM:", chat-template tokens, in several languages) instead of reporting
    something; see :mod:`newsdesk.injection`, which this delegates to. A source sentence
    that does is never chosen by the writers nor shown to a model; a drafted line that
    does is discarded."""
    from newsdesk.injection import looks_like_instruction as addresses_a_model

    return addresses_a_model(text)
