"""Entity kinds for the reader: is a name a person, an organisation or a place?

The small spaCy model labels names by their shape and often gets news names wrong: a
football club reported by its town ("Kestrel Bay beat Ashgrove 2-1") comes out as a
person, a spokesperson as an organisation, a street as a person, and a score is glued
to a name ("Kestrel Bay 2-1"). The "In this story" box and the entity pages should not
repeat that. :func:`settle_kinds` cleans each name and decides its kind from evidence
in the story's own text, weighed against the recogniser's label:

- the name's shape: a last word such as "Coatings", "Rovers", "Authority" or "Party"
  makes an organisation; "Lane", "Hills", "Central" or a first word such as "Lake" makes
  a place, whatever the recogniser said;
- how the sources use it: a role before it ("spokesperson Ingrid Hale", "incumbent
  Marek Holt", "midfielder Jonah Mbeki") or an age after it marks a person; a score
  after it ("Kestrel Bay 2-1"), "beat"/"against" before it, a named person after its
  possessive ("Kestrel Bay's Dario Weiss"), or "the company"/"the club" around it marks
  an organisation; "in"/"near" before it, or "suburb"/"estate"/"town" after it marks a
  place.

A surname standing alone beside the full name ("Aronsson" next to "Tilde Aronsson") is
the same person and is dropped, as is a name left with digits in it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from newsdesk.entities import fold
from newsdesk.records import EntityRef


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ORG_LAST = _words("""
authority agency association assembly bank board bureau club coatings commission committee
company corporation corp council court department federation foundation group hospital
inc institute league ltd ministry motors office organisation organization parliament party
plastics police railways rovers school service services society steel systems terminals
trust union united university wanderers fc airlines airways logistics energy foods holdings
industries network partners press media news times post herald gazette ledger courier
chronicle daily review""")
PLACE_LAST = _words("""
avenue bay-side boulevard bridge central county district drive estate forest harbour harbor
heights hill hills island islands lake lane mountains mountain park pass province quay
region river road square station street valley way coast""")
PLACE_FIRST = frozenset({"lake", "mount", "mt", "river", "cape", "fort", "north", "south",
                         "east", "west", "upper", "lower"})
ROLE_WORDS = _words("""
candidate spokesperson spokesman spokeswoman incumbent member members midfielder striker
defender goalkeeper centre-back center-back winger forward captain coach manager
coordinator minister secretary director chief officer president governor mayor deputy
leader chairman chairwoman founder professor dr mr mrs ms sir judge senator
representative rep sen lawyer attorney economist analyst resident teacher worker doctor
nurse firefighter scientist researcher actor actress singer author journalist reporter
photographer owner widow husband wife son daughter mother father brother sister
hydrogeologist geologist commissioner inspector sergeant detective constable""")
ORG_NOUNS = ("company", "firm", "group", "club", "team", "side", "operator", "maker",
             "agency", "bank", "insurer", "carrier", "airline", "retailer", "union", "party",
             "regulator", "broadcaster", "charity", "campaign", "newspaper", "developer")
PLACE_NOUNS = ("suburb", "estate", "district", "region", "area", "town", "city", "village",
               "county", "province", "municipality", "neighbourhood", "neighborhood",
               "reservoir", "lake", "river", "valley", "port", "capital", "island")
# Countries are places whatever the recogniser says ("Russia said ..." reads like an
# organisation to it), and their short forms are one name.
COUNTRIES = _words("""
afghanistan albania algeria argentina armenia australia austria azerbaijan bangladesh
belarus belgium bolivia bosnia brazil bulgaria cambodia canada chile china colombia croatia
cuba cyprus czechia denmark ecuador egypt estonia ethiopia finland france georgia germany
ghana greece guatemala haiti honduras hungary iceland india indonesia iran iraq ireland
israel italy jamaica japan jordan kazakhstan kenya kosovo kuwait latvia lebanon libya
lithuania luxembourg malaysia mali mexico moldova mongolia morocco myanmar nepal
netherlands nicaragua niger nigeria norway pakistan palestine panama paraguay peru
philippines poland portugal qatar romania russia rwanda serbia singapore slovakia slovenia
somalia spain sudan sweden switzerland syria taiwan tanzania thailand tunisia turkey uganda
ukraine uruguay uzbekistan venezuela vietnam yemen zambia zimbabwe""")
ALIASES = {"us": "United States", "u.s": "United States", "u.s.": "United States",
           "usa": "United States", "u.s.a": "United States", "u.s.a.": "United States",
           "america": "United States", "united states of america": "United States",
           "uk": "United Kingdom", "u.k": "United Kingdom", "u.k.": "United Kingdom",
           "britain": "United Kingdom", "great britain": "United Kingdom",
           "eu": "European Union", "e.u": "European Union", "e.u.": "European Union",
           "un": "United Nations", "u.n": "United Nations", "u.n.": "United Nations"}
ALIAS_KINDS = {"United States": "place", "United Kingdom": "place",
               "European Union": "org", "United Nations": "org"}
KINDS = ("person", "org", "place")
# The recogniser's label counts as this much evidence; shape rules count as more, so a
# name ending in "Coatings" is an organisation whatever the label said.
PRIOR, SHAPE, CUE, MAX_CUES = 1.5, 5.0, 1.0, 4
_SCORE = re.compile(r"\s+\d+\s*[–-]\s*\d+$")
_DIGIT = re.compile(r"\d")


def clean_name(name: str) -> str:
    """A name fit to show: a trailing score dropped ("Kestrel Bay 2–1" -> "Kestrel Bay"),
    an all-capitals dateline word in title case; "" when digits remain."""
    value = _SCORE.sub("", name).strip()
    value = ALIASES.get(fold(value), value)
    if _DIGIT.search(value):
        return ""
    if value.isupper() and len(value) > 4 and " " not in value:
        value = value.title()
    return value


def _shape(name: str) -> str | None:
    words = fold(name).replace("’", "'").split()
    if not words:
        return None
    if len(words) > 1 and words[-1] in ORG_LAST:
        return "org"
    if len(words) > 1 and (words[-1] in PLACE_LAST or words[0] in PLACE_FIRST):
        return "place"
    return None


_ROLE_SEARCH = {w: re.compile(re.escape(w), re.IGNORECASE) for w in ROLE_WORDS}


@dataclass(frozen=True)
class _Vocabulary:
    """The cue words of the word lists that occur in a text at all (a word that does not
    occur cannot match, so leaving it out of a pattern changes no count, and the
    patterns compile far faster without a hundred role words each)."""

    roles: tuple[str, ...]
    org_nouns: tuple[str, ...]
    place_nouns: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> _Vocabulary:
        """The words of :data:`ROLE_WORDS` (matched ignoring case), :data:`ORG_NOUNS` and
        :data:`PLACE_NOUNS` found in ``text``."""
        if text.isascii():
            lowered = text.lower()
            roles = (w for w in ROLE_WORDS if w in lowered)
        else:  # re's IGNORECASE also matches "ſ" for "s", "K" (Kelvin) for "k" ...
            roles = (w for w in ROLE_WORDS if _ROLE_SEARCH[w].search(text))
        return cls(tuple(sorted(roles)),
                   tuple(w for w in ORG_NOUNS if w in text),
                   tuple(w for w in PLACE_NOUNS if w in text))


def _either(words: tuple[str, ...]) -> str:
    return "|".join(words) or "(?!)"  # no word: a group that never matches


_SAYS = ("said", "says", "told", "added", "wrote", "argued", "insisted")
_AGAINST = ("beat", "defeated", "against", "versus", "vs")  # "beat" also finds "beating"
_SITE_WORDS = ("plant", "factory", "site", "headquarters", "board", "squad", "players", "fans")
_SUPPORT_WORDS = ("shares", "fans", "supporters", "players", "squad")


def _live(name: str, text: str, vocabulary: _Vocabulary) -> tuple[bool, ...]:
    """Which of :func:`_cue_patterns`' patterns (person, org, place, in order, then "the
    <name>") can match in ``text`` at all, from words each needs literally: a pattern
    whose name, comma, possessive or cue word is not in the text matches nothing there,
    so it is neither compiled nor run (most of a page refresh's time went to compiling
    patterns)."""
    if name not in text:
        return (False,) * 15
    comma = f"{name}," in text
    possessive = f"{name}'" in text or f"{name}’" in text
    orgs, places = bool(vocabulary.org_nouns), bool(vocabulary.place_nouns)
    return (bool(vocabulary.roles), comma, "of" in text and "the" in text,
            any(w in text for w in _SAYS),
            True, any(w in text for w in _AGAINST), possessive, orgs, comma and orgs,
            "the" in text and any(w in text for w in _SITE_WORDS),
            any(w in text for w in _SUPPORT_WORDS),
            True, places or "old town" in text or "city centre" in text, comma and places,
            True)


@functools.lru_cache(maxsize=4096)
def _cue_patterns(name: str, vocabulary: _Vocabulary, live: tuple[bool, ...]
                  ) -> tuple[tuple[tuple[str, tuple[re.Pattern[str] | None, ...]], ...],
                             re.Pattern[str] | None]:
    """The compiled patterns :func:`_cues` looks for around ``name``, per kind, and the
    "the <name>" pattern (``None`` for a pattern ``live`` says cannot match), with the
    word lists cut to ``vocabulary``. Kept: a story's names come up again at every
    refresh of its page (too many patterns for the ``re`` module's own cache)."""
    n = re.escape(name)
    poss = r"(?:'s|’s|'|’)"
    orgs, places = _either(vocabulary.org_nouns), _either(vocabulary.place_nouns)
    person = [rf"\b(?i:{_either(vocabulary.roles)})\.?\s+{n}\b", rf"\b{n},\s+\d{{1,3}},",
              rf"\b{n}\s+of\s+the\s+[^.,;]{{0,40}}?\b(?i:party|union|greens|council|club)\b",
              rf"\b{n}\s+(?:{'|'.join(_SAYS)})\b"
              rf".{{0,60}}\b(?:he|she|his|her)\b"]
    org = [rf"\b{n}\s+\d+\s*[–-]\s*\d+",
           rf"\b(?:beat|beating|defeated|against|versus|vs\.?)\s+{n}\b",
           rf"\b{n}{poss}\s+[A-Z][a-z]+\s+[A-Z][a-z]+", rf"\b(?:{orgs})\s+{n}\b",
           rf"\b{n},\s+the\s+[^.,;]{{0,40}}?\b(?:{orgs})\b",
           rf"\bthe\s+{n}\s+(?:{'|'.join(_SITE_WORDS)})\b",
           rf"\b{n}\s+(?:{'|'.join(_SUPPORT_WORDS)})\b"]
    place = [rf"\b(?:in|near|outside|across|around|throughout)\s+(?:the\s+)?{n}\b",
             rf"\b{n}(?:{poss})?\s+(?:{places}|old town|city centre)\b",
             rf"\b{n},\s+(?:a|the)\s+[^.,;]{{0,30}}?\b(?:{places})\b"]
    flags = iter(live)
    kinds = tuple((kind, tuple(re.compile(p) if next(flags) else None for p in patterns))
                  for kind, patterns in (("person", person), ("org", org), ("place", place)))
    return kinds, re.compile(rf"\b[Tt]he\s+{n}\b") if next(flags) else None


def _cues(name: str, text: str, vocabulary: _Vocabulary) -> tuple[Counter[str], int]:
    """Evidence in ``text`` of how the sources use ``name``, and how often it stands
    after "the"."""
    found: Counter[str] = Counter()
    kinds, the = _cue_patterns(name, vocabulary, _live(name, text, vocabulary))
    role = 0
    for kind, patterns in kinds:
        counts = [len(p.findall(text)) if p is not None else 0 for p in patterns]
        if kind == "person":
            role = counts[0]
        found[kind] = min(MAX_CUES, sum(counts))
    # A role before a name ("spokesperson Ingrid Hale") is the surest sign of a person.
    found["person"] = min(MAX_CUES, found["person"] + role)
    return found, len(the.findall(text)) if the is not None else 0


def settle_kind(name: str, label: str, text: str,
                vocabulary: _Vocabulary | None = None) -> str:
    """The kind a name is shown under, from its shape, its use in ``text`` and the
    recogniser's ``label`` (``person``, ``org`` or ``place``). ``vocabulary`` is the
    text's cue words when the caller has them already."""
    if name in ALIAS_KINDS:
        return ALIAS_KINDS[name]
    if fold(name) in COUNTRIES:
        return "place"
    vocabulary = vocabulary or _Vocabulary.of(text)
    scores = dict.fromkeys(KINDS, 0.0)
    if label in scores:
        scores[label] += PRIOR
    shape = _shape(name)
    if shape:
        scores[shape] += SHAPE
        scores["person"] -= SHAPE  # "Foundry Lane" and "Moravec Coatings" are nobody
    cues, after_the = _cues(name, text, vocabulary)
    for kind, count in cues.items():
        scores[kind] += CUE * count
    # Nobody is "the Greywall" or "the Kestrel Bay": an article before a name rules out
    # a person.
    scores["person"] -= CUE * min(MAX_CUES, after_the)
    if " " not in name and not cues["person"]:
        # One word and never used as a person: more likely a town, a club or a firm
        # than a person known by surname alone (the full name would be listed too).
        scores["person"] -= PRIOR
    return max(KINDS, key=lambda kind: (scores[kind], kind == label))


def _common_word(name: str, text: str) -> bool:
    """Whether a one-word name is an ordinary word the sources also write in lower case
    ("Rescue" from "Mountain Rescue said", beside "the rescue")."""
    return " " not in name and re.search(rf"\b{re.escape(name.lower())}\b", text) is not None


_SETTLED: OrderedDict[bytes, dict[tuple[str, str], str]] = OrderedDict()
#: Texts whose settled kinds are remembered: a story's page is refreshed several times
#: in a run (written, then related twice) from the same sources.
SETTLED_TEXTS = 256
_SETTLED_LOCK = threading.Lock()


def _settled_in(text: str) -> dict[tuple[str, str], str]:
    """The kinds already settled for (name, label) pairs in ``text``: a pure function
    of the text, so it is kept for the most recently seen texts."""
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    with _SETTLED_LOCK:  # stories may be written in several threads
        found = _SETTLED.get(key)
        if found is not None:
            _SETTLED.move_to_end(key)
            return found
        found = _SETTLED[key] = {}
        while len(_SETTLED) > SETTLED_TEXTS:
            _SETTLED.popitem(last=False)
        return found


def settle_kinds(entities: Iterable[EntityRef], texts: Iterable[str]) -> list[EntityRef]:
    """``entities`` (most documented first) with clean names and settled kinds; dates
    pass through; ordinary words, fragments of a longer name and a surname standing
    beside the full name are dropped, as are duplicates."""
    text = "\n".join(texts)
    kinds = _settled_in(text)
    vocabulary: _Vocabulary | None = None
    entities = list(entities)
    names = [clean_name(e.name) for e in entities]
    settled: list[EntityRef] = []
    seen: set[str] = set()
    for entity, name in zip(entities, names, strict=True):
        if entity.kind == "date":
            settled.append(entity)
            continue
        folded = fold(name)
        if not name or folded in seen or _common_word(name, text):
            continue
        seen.add(folded)
        kind = kinds.get((name, entity.kind))
        if kind is None:
            vocabulary = vocabulary or _Vocabulary.of(text)
            kind = kinds[(name, entity.kind)] = settle_kind(name, entity.kind, text,
                                                            vocabulary)
        settled.append(EntityRef(name=name, kind=kind, key=f"{kind}:{folded}",
                                 documents=entity.documents, mentions=entity.mentions))
    longer = [fold(e.name) for e in settled if e.kind != "date"]
    surnames = {fold(e.name).split()[-1] for e in settled
                if e.kind == "person" and len(e.name.split()) > 1}

    def fragment(entity: EntityRef) -> bool:
        folded = fold(entity.name)
        if " " not in folded and folded in surnames:
            return True  # "Holt" beside "Marek Holt", whatever it was labelled
        # "Brennick Fire" beside "Brennick Fire and Rescue Service": a cut-off name.
        return entity.kind == "person" and any(
            other != folded and other.startswith(folded + " ") for other in longer)

    return [e for e in settled if e.kind == "date" or not fragment(e)]
