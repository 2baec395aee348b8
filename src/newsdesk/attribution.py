"""Crediting a sentence to the outlet that reported it, and reading the credit back.

The writer frames a source sentence as the outlet's reporting ("According to Reuters,
..." or "..., Reuters reported."); the verifier takes the frame off again to check the
claim and to check that the credited outlet is the one the citation points at. Both
directions live here so that they cannot drift apart.

A frame never changes the sentence's own words except the case of its first word, and
only for a closed list of function words ("The", "A", "In", ...): a name keeps its
capital ("According to BBC News, Donald Trump ..."). A sentence that ends with an
abbreviation keeps its full stop ("... Port St. Lucie, Fla., USA TODAY reported.").
An outlet without a name is credited as "one report" ("another report" for a second).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from newsdesk.segment import ABBREVIATIONS, TITLES
from newsdesk.standalone import unquoted

#: First words that may be lower-cased behind "According to X,": articles, prepositions,
#: determiners and quantifiers, which are never names.
LOWERABLE = frozenset("""
The A An In On At For From With By After Before During Since Until Under Over About Nearly
Almost More Most Some Many Several Few All Each Every Once When While As Amid Despite There
Today Yesterday Tomorrow Earlier Later Last Next Former
Without Within Among Between Through Two Three Four Five Six Seven Eight Nine Ten Dozens
Hundreds Thousands Millions Officials Authorities Police Investigators Researchers Scientists
Experts Lawmakers Senators Democrats' Republicans' Voters Residents Protesters Critics
""".split())
# (lower-cased even before a capitalised word: "the Senate", "former Secretary of State")
_ARTICLES = frozenset({"the", "a", "an", "in", "on", "at", "for", "from", "with", "by",
                       "after", "before", "during", "since", "under", "over", "about",
                       "former"})
UNKNOWN_FIRST = "one report"
UNKNOWN_OTHER = "another report"
_LEADING = re.compile(r"^According to (?P<who>[^,]{1,90}), ")
_TRAILING = re.compile(r", (?P<who>[^,]{1,90}?) reported\.$"
                       r"|, (?P<unnamed>one report|another report) said\.$")
# a word after a lower-case word or a comma: not the first of its sentence
_MID_SENTENCE_WORD = re.compile(r"(?<=[a-z,;] )([A-Za-z][a-z]+)\b")
_QUOTE_OR_BRACKET_END = re.compile(r"[”\"’')\]]$")
# the next word is capitalised: "Job" in "Job Openings", "Donald" in "Donald Hale"
_NEXT_CAPITALISED = re.compile(r"(?:'s|’s)?\s+[A-Z]")


@dataclass(frozen=True)
class Credit:
    """A frame read back from a published sentence."""

    claim: str  # the sentence without the frame, first letter restored
    credited: str  # the outlet named by the frame ("" when there is no frame)


def credit_name(outlet: str, unnamed_before: int) -> str:
    """How an outlet is named in a frame: its name, or "one report" / "another report"
    when it has none (``unnamed_before``: unnamed outlets already credited)."""
    if outlet:
        return outlet
    return UNKNOWN_FIRST if unnamed_before == 0 else UNKNOWN_OTHER


def _ends_with_abbreviation(text: str) -> bool:
    last = text.rstrip(".").rsplit(maxsplit=1)[-1].lstrip("(“\"‘'").lower() if text else ""
    return bool(re.fullmatch(r"(?:[a-z]\.)*[a-z]", last)) or last in ABBREVIATIONS | TITLES


def can_trail(text: str) -> bool:
    """Whether "..., X reported." can close the sentence: it ends with a plain full
    stop, not with a quotation, a bracket, a question or an exclamation."""
    stripped = text.rstrip()
    return stripped.endswith(".") and not _QUOTE_OR_BRACKET_END.search(stripped[:-1])


@dataclass(frozen=True)
class WordCase:
    """What the sources say about the case of words: ``lower`` are written in lower
    case mid-sentence and never capitalised there ("former", "now"); ``proper`` are
    capitalised mid-sentence (names: "Donald", "American", "New")."""

    lower: frozenset[str] = frozenset()
    proper: frozenset[str] = frozenset()
    #: capitalised mid-sentence only inside a longer name and never in lower case
    #: ("World" of "World Health Organization"): whether "World leaders" opens with a
    #: name cannot be told
    name_only: frozenset[str] = frozenset()
    #: the first word of the sentence at hand, read as a common word by its grammar
    #: where the sources cannot tell ("Senior US officials ...": "senior", even before
    #: a name)
    common_opening: frozenset[str] = frozenset()


def word_case(texts: Iterable[str]) -> WordCase:
    """Learn :class:`WordCase` from source texts.

    A word capitalised only as part of a longer capitalised name ("the Labor
    Department's Job Openings and Labor Turnover Survey") and written in lower case
    elsewhere ("job openings rose") is a common word: it is lower-cased behind a frame
    where no capitalised word follows it ("According to NPR, job openings ..."), while
    a word capitalised on its own ("American officials") stays a name."""
    lower: set[str] = set()
    alone: set[str] = set()  # capitalised with no capitalised word after it
    in_name: set[str] = set()  # capitalised and followed by another capitalised word
    for text in texts:
        for match in _MID_SENTENCE_WORD.finditer(text):
            word = match.group(1)
            if not word[0].isupper():
                lower.add(word.lower())
            elif _NEXT_CAPITALISED.match(text, match.end()):
                in_name.add(word.lower())
            else:
                alone.add(word.lower())
    return WordCase(frozenset(lower - alone), frozenset(alone | (in_name - lower)),
                    frozenset(in_name - lower - alone))


# when a credit was given: "on Monday", "late Thursday", "Sunday night", "in a statement"
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday)"
_WHEN = (rf"(?:\s+(?:on\s+)?(?:(?:late|early|last|this)\s+)?{_DAY}"
         r"(?:\s+(?:morning|afternoon|evening|night))?)?"
         r"(?:\s+in\s+an?\s+(?:statement|interview))?")
# "..., according to multiple reports.", "..., officials said.", "..., the Sun-Times
# reported Sunday.", "..., Rudy Giuliani, told The Wall Street Journal late Thursday.":
# the sentence's own credit
_OWN_TRAILING_CREDIT = re.compile(
    r",\s+(?:according\s+to\s+[^,]{2,80}"
    rf"|(?:[^,]{{2,60}}?\s+)?(?:said|says|reported|reports|told\s+[^,]{{1,60}}?){_WHEN})"
    r"[.!?][”\"’']?$")


def ends_on_own_credit(text: str) -> bool:
    """Whether ``text`` ends on its own credit ("..., officials said.", "..., according to
    multiple reports.", "..., the Sun-Times reported Sunday.", "..., his lawyer told The
    Ledger late Thursday.")."""
    return bool(_OWN_TRAILING_CREDIT.search(text))


def names_own_outlet(text: str, outlet: str) -> bool:
    """Whether ``text`` credits ``outlet`` itself, outside quotation marks: "..., a source
    familiar with the proposal tells CNBC.", "..., she told The Hill.", "according to
    Reuters", "CNBC has learned ...". A frame would credit it twice ("... tells CNBC,
    CNBC reported.")."""
    if not outlet.strip():
        return False
    name = r"\s+".join(re.escape(w) for w in outlet.split())
    plain = unquoted(text)
    return bool(re.search(rf"\b(?:tells?|told|according\s+to|confirmed\s+to|obtained\s+by|"
                          rf"reviewed\s+by|seen\s+by|provided\s+to)\s+(?:the\s+)?{name}\b",
                          plain)
                or re.search(rf"\b{name}\s+(?:has\s+|have\s+|first\s+)?(?:learned|reported|"
                             rf"reports|confirmed|obtained|reviewed)\b", plain))


def opening_word(text: str) -> str:
    """The first word of ``text`` as :func:`frame` reads it for its case (its own
    punctuation after it dropped, a quotation mark before it kept)."""
    return text.partition(" ")[0].rstrip(",;:")


def frame(text: str, who: str, trailing: bool, case: WordCase | None = None) -> str:
    """``text`` credited to ``who`` ("Reuters", "one report"): "..., who reported." when
    ``trailing`` and :func:`can_trail`, else "According to who, ...".

    Behind "According to", the first word is lower-cased only when it is a function
    word (:data:`LOWERABLE`) or the sources write it in lower case (``case``); a name
    keeps its capital. A first word whose case cannot be told that way (unknown to the
    sources, or capitalised there only inside a longer name: "World leaders" beside
    "World Health Organization") takes the trailing form instead where the sentence
    allows it."""
    verb = "said" if who in (UNKNOWN_FIRST, UNKNOWN_OTHER) else "reported"
    if trailing and can_trail(text):
        body = text.rstrip()
        if not _ends_with_abbreviation(body):
            body = body[:-1]
        return f"{body}, {who} {verb}."
    first, _, rest = text.partition(" ")
    bare = opening_word(text)
    known = case or WordCase()
    acronym = len(bare) > 1 and bare.isupper()
    # a word that opens a name ("President Trump", "Health and Human Services") keeps
    # its capital: lower-case only a function word, or a word the sources write in lower
    # case when no capitalised word follows it closely
    near_name = any(w[:1].isupper() for w in rest.split()[:2])
    lowerable = bare in LOWERABLE or (bare.lower() in known.lower and not near_name)
    if not acronym and (bare.lower() in known.common_opening or (
            lowerable and not (rest[:1].isupper() and bare.lower() not in _ARTICLES))):
        first = first[0].lower() + first[1:]
    elif not acronym and (bare.lower() not in known.proper
                          or (bare.lower() in known.name_only and not near_name)) and \
            can_trail(text) and not trailing and not ends_on_own_credit(text):
        # (a sentence that ends on its own credit keeps the frame at its head: not
        # "..., according to multiple reports, one report said.")
        return frame(text, who, trailing=True, case=case)
    return f"According to {who}, {first} {rest}".rstrip()


def unframe(text: str) -> Credit:
    """The claim inside a framed sentence and the outlet the frame credits."""
    match = _LEADING.match(text)
    if match:
        claim = text[match.end():]
        opening = len(claim) - len(claim.lstrip("“\"‘'("))
        claim = claim[:opening] + claim[opening:opening + 1].upper() + claim[opening + 1:]
        return Credit(claim, match.group("who"))
    match = _TRAILING.search(text)
    if match:
        claim = text[:match.start()]
        if not _ends_with_abbreviation(claim):
            claim += "."
        return Credit(claim, match.group("who") or match.group("unnamed"))
    return Credit(text, "")


def credits_match(credited: str, outlet: str) -> bool:
    """Whether the outlet a frame names is the one the citation gives (an unnamed
    outlet is "one report" or "another report")."""
    if not credited:
        return True
    if not outlet:
        return credited in (UNKNOWN_FIRST, UNKNOWN_OTHER)
    return credited == outlet
