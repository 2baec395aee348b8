"""Named entities: a recogniser's raw mentions turned into normalised entities.

The recogniser (an :class:`~newsdesk.backends.entities.EntityRecognizer`) finds spans
such as "PM Meloni" labelled PERSON. This module decides what they are the same as.

The normalisation rule, in order:

1. **Kinds.** PERSON -> ``person``; ORG -> ``org``; GPE, LOC, FAC -> ``place``;
   DATE -> ``date``. Every other label (numbers, nationalities, events) is dropped.
2. **Cleaning.** Whitespace is collapsed; quotes, brackets and punctuation around the
   span, a leading "the" and a trailing possessive ("'s") are removed. For people,
   leading titles and roles go too ("President", "PM", "Prime Minister", "Sen.",
   "Dr"), so "PM Meloni" becomes "Meloni". Spans that cross a line break, hold no
   capital letter, are longer than six words or shorter than two letters are noise
   from page furniture and are dropped.
3. **Keys.** An entity's key is ``kind:`` plus the cleaned text, case-folded and
   accent-folded ("person:giorgia meloni"). Two mentions with the same key are one
   entity.
4. **Short forms.** Within one document (and again over a whole story) a person
   mention that is the last word(s) of exactly one fuller person name takes that
   name's key: "Meloni" and "PM Meloni" become "Giorgia Meloni". When two fuller names
   share the surname ("Bill Clinton", "Hillary Clinton") the short form stays its own
   entity rather than guess. An organisation written as an acronym takes the key of a
   fuller organisation whose initials it spells ("UN" -> "United Nations").
5. **Dates** are resolved against the document's publication date: "November 12",
   "12 Nov 2026", "Tuesday", "yesterday" become ISO dates (``date:2026-11-12``); a
   weekday means the latest such day on or before publication. Vague dates ("last
   year", "40 years") are dropped: they name no day.
6. **Display name.** The longest, then most frequent, cleaned form of an entity
   ("Giorgia Meloni", not "Meloni").

Clustering compares people by surname (:func:`match_key`), the name most follow-up
reports repeat, and by full name where one is known (a shared full name is far rarer
than a shared surname; see :func:`newsdesk.story_features.match_names`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from newsdesk.text import MONTHS, WEEKDAYS

KINDS = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place",
         "DATE": "date"}
#: The kinds a story page lists, in this order.
SHOWN_KINDS = ("person", "org", "place", "date")
MAX_WORDS = 6

_TITLES = frozenset((
    "president", "vice", "prime", "minister", "pm", "mp", "mep", "sen", "senator", "rep",
    "representative", "gov", "governor", "mayor", "chancellor", "premier", "king", "queen",
    "prince", "princess", "pope", "judge", "justice", "chief", "ceo", "cfo", "chairman",
    "chairwoman", "chair", "secretary", "general", "gen", "col", "lt", "sgt", "sergeant",
    "officer", "detective", "det", "deputy", "sheriff", "captain", "capt", "lieutenant",
    "commissioner", "inspector", "superintendent", "constable", "mr", "mrs", "ms", "miss",
    "dr", "prof", "professor", "sir", "dame", "lord", "lady", "rev", "reverend", "father",
    "st", "saint", "attorney", "coach", "manager", "director", "spokesman", "spokeswoman",
    "spokesperson", "leader", "of", "foreign", "finance", "transport", "interior", "defence",
    "defense", "health", "home", "state", "former", "acting", "first", "lady", "u.s.", "us",
    "uk", "eu", "un",
))
_OUTER = "\"'“”‘’«»()[]{}.,;:!?-–—*•|/\\ "
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_SPACE = re.compile(r"\s+")
_LETTER = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_ACRONYM = re.compile(r"^[A-Z][A-Z&.]{1,7}$")
_ORG_FILLER = frozenset({"of", "the", "and", "for", "&", "de", "du", "des", "on", "in"})
_MONTH_NUMBER = {m: i for i, m in enumerate(MONTHS, 1)} | {
    m[:3]: i for i, m in enumerate(MONTHS, 1)} | {"sept": 9}
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH = r"([A-Za-z]{3,9})\.?"
_YEAR = r"(?:,?\s+(\d{4}))?"
_DAY_MONTH = re.compile(rf"^(?:[A-Za-z]+,?\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}$")
_MONTH_DAY = re.compile(rf"^(?:[A-Za-z]+,?\s+)?{_MONTH}\s+{_DAY}{_YEAR}$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Mention:
    """One span a recogniser found: its text, its label (spaCy's scheme) and offset."""

    text: str
    label: str
    start: int = 0


@dataclass
class Entity:
    """One normalised entity of a document or story."""

    key: str
    kind: str
    name: str
    mentions: int = 1
    forms: Counter[str] = field(default_factory=Counter)


def fold(text: str) -> str:
    """Case- and accent-folded text, the comparable form of a name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def clean(text: str, kind: str) -> str:
    """The cleaned surface form of a mention (rule 2), or "" when it is noise."""
    if "\n" in text:
        return ""
    value = _SPACE.sub(" ", text).strip(_OUTER)
    value = _POSSESSIVE.sub("", value).strip(_OUTER)
    words = value.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if kind == "person":
        while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
            words = words[1:]
    value = " ".join(words)
    if (not words or len(words) > MAX_WORDS or len(_LETTER.findall(value)) < 2
            or not _UPPER.search(value)):
        return ""
    return value


def resolve_date(text: str, published: datetime | None) -> str:
    """An ISO date for a date mention, resolved against ``published`` (rule 5), or ""."""
    value = fold(_SPACE.sub(" ", text).strip(_OUTER))
    value = re.sub(r"^(on|last|this|from|until|since|by)\s+", "", value)
    anchor = published.date() if published else None
    if anchor is not None:
        if value in ("today", "tonight", "this morning", "this evening"):
            return anchor.isoformat()
        if value in ("yesterday", "last night"):
            return (anchor - timedelta(days=1)).isoformat()
        if value in WEEKDAYS:
            back = (anchor.weekday() - WEEKDAYS.index(value)) % 7
            return (anchor - timedelta(days=back)).isoformat()
    if match := _ISO.match(value):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        match = pattern.match(value)
        if not match:
            continue
        month = _MONTH_NUMBER.get(match[month_group].lower())
        if month is None:
            continue
        day = int(match[day_group])
        if match[3]:
            return _make_date(int(match[3]), month, day)
        if anchor is None:
            return ""
        # No year: the nearest such day to publication (news rarely names a date more
        # than half a year away without its year).
        best = ""
        for year in (anchor.year - 1, anchor.year, anchor.year + 1):
            candidate = _make_date(year, month, day)
            if candidate and (not best or abs(date.fromisoformat(candidate) - anchor)
                              < abs(date.fromisoformat(best) - anchor)):
                best = candidate
        return best
    return ""


def _make_date(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in _ORG_FILLER and w[0].isalpha()
                   ).upper()


def normalise(mentions: Iterable[Mention], published: datetime | None = None) -> list[Entity]:
    """The entities of one document from its mentions (rules 1-6), most mentioned first."""
    found: dict[str, Entity] = {}
    for mention in mentions:
        kind = KINDS.get(mention.label)
        if kind is None:
            continue
        if kind == "date":
            iso_date = resolve_date(mention.text, published)
            if not iso_date:
                continue
            name, key = iso_date, f"date:{iso_date}"
        else:
            name = clean(mention.text, kind)
            if not name:
                continue
            key = f"{kind}:{fold(name)}"
        entity = found.setdefault(key, Entity(key=key, kind=kind, name=name, mentions=0))
        entity.mentions += 1
        entity.forms[name] += 1
    return link_short_forms(list(found.values()))


def short_form_targets(entities: Sequence[Entity]) -> dict[str, str]:
    """Short-form key -> the key of the one fuller entity it abbreviates (rule 4)."""
    people = [e for e in entities if e.kind == "person"]
    orgs = [e for e in entities if e.kind == "org"]
    target: dict[str, str] = {}
    for short in people:
        words = short.key.split(":", 1)[1].split()
        fuller = [p.key for p in people if p.key != short.key
                  and len(p.key.split()) > len(words)
                  and p.key.split(":", 1)[1].split()[-len(words):] == words]
        if len(fuller) == 1:
            target[short.key] = fuller[0]
    for short in orgs:
        if not _ACRONYM.match(short.name):
            continue
        letters = short.name.replace(".", "").replace("&", "")
        fuller = [o.key for o in orgs if o.key != short.key and len(o.name.split()) > 1
                  and _initials(o.name) == letters]
        if len(fuller) == 1:
            target[short.key] = fuller[0]
    for source, first in list(target.items()):
        seen, end = {source}, first
        while end in target and end not in seen:  # a chain: "A" -> "B A" -> "C B A"
            seen.add(end)
            end = target[end]
        target[source] = end
    return target


def link_short_forms(entities: Sequence[Entity]) -> list[Entity]:
    """Merge short forms into the one fuller entity they abbreviate (rule 4)."""
    by_key = {e.key: e for e in entities}
    for source, destination in short_form_targets(entities).items():
        merged, into = by_key.pop(source), by_key[destination]
        into.mentions += merged.mentions
        into.forms.update(merged.forms)
    return _finish(list(by_key.values()))


def _finish(entities: list[Entity]) -> list[Entity]:
    for entity in entities:
        if entity.forms:
            entity.name = max(entity.forms.items(), key=lambda kv: (len(kv[0].split()),
                                                                    kv[1], kv[0]))[0]
    entities.sort(key=lambda e: (-e.mentions, e.key))
    return entities


def match_key(key: str) -> str:
    """The key clustering compares: people by surname, everything else by full key."""
    kind, _, value = key.partition(":")
    if kind == "person":
        return "person:" + value.split()[-1]
    return key


def names_of_kind(entities: Iterable[Entity], kind: str) -> list[str]:
    """The display names of the ``kind`` entities ("person", "place", ...), in order."""
    return [e.name for e in entities if e.kind == kind]
