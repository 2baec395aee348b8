"""Section headings: a short phrase for what a section holds.

A heading names a person or a place only when the name is whole: a person's full name
as a named-entity recogniser gave it ("Toni Preckwinkle", never "Gen" or "North"), a
place the recogniser found ("Hanoi"), written as the section's sentences write it.
Reactions are headed by who spoke ("What Kim Jong Un and Donald Trump said"). With no
such name, the role's plain heading ("What happened", "What they said") is used.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

ROLE_HEADINGS = {
    "latest": "The latest",
    "details": "What happened",
    "earlier": "How it unfolded",
    "background": "Background",
    "reactions": "What they said",
    "more": "More details",
}
# Each reads as a phrase whatever the (whole) name is.
ROLE_TEMPLATES = {
    "latest": "The latest on {}",
    "details": "{}: what happened",
    "earlier": "{}: how it unfolded",
    "background": "{}: the background",
    "reactions": "What {} said",
    "more": "More on {}",
}
MAX_NAME_WORDS = 4
# Words of an institution's name, never of a person's.
_INSTITUTION = frozenset("""
Fire Police Rescue Service Services Department Council Agency Authority Office Ministry
Court Board Commission Committee Party Union Association University College School Hospital
Club Company Corporation Group Bank Fund Institute Foundation Center Centre Museum Army Navy
""".split())
# Capitalised at a sentence start, never part of a name ("However Manafort").
_NOT_NAME_WORDS = frozenset("""
However Meanwhile But And Also Still Yet Then Now Later Earlier Instead Indeed Thus So
The A An In On At For From With By After Before During While When As If Although Since
Mr Mrs Ms Dr Sen Rep Gov President
""".split())


# Compass words stand alone in "the North", "the South's military": never a heading.
_DIRECTIONS = frozenset({"North", "South", "East", "West", "Northern", "Southern", "Eastern",
                         "Western", "Central", "Midwest", "Northeast", "Northwest",
                         "Southeast", "Southwest"})


def whole_place(name: str, texts: Sequence[str]) -> bool:
    """Whether ``name`` is a place heading can carry: letters only (no "U.S" cut from
    "U.S."), not a compass word, written in the sentences as a name of its own, not as
    the start of a longer one ("South" in "South Korea"), and never counted like a
    thing ("a Maserati")."""
    words = name.split()
    if not words or name in _DIRECTIONS or not all(w.isalpha() and len(w) > 1 for w in words):
        return False
    alone = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])(?![.’']?\s*[A-Z])(?!\.[A-Za-z])")
    # "opened fire on a Maserati": a thing the sources count, a make or a product, is
    # no place ("More on Maserati")
    # (not "a Texas man": a place that qualifies a noun)
    counted = re.compile(rf"\b[Aa]n?\s+{re.escape(name)}(?:[,.;:!?]|\s+(?:and|or|on|in|at|"
                         rf"with|that|which|was|is|had|has)\b)")
    return any(alone.search(t) for t in texts) and not any(counted.search(t) for t in texts)


def with_article(name: str, texts: Sequence[str]) -> str:
    """The name as the sources write it when it ends there: "the Vatican" when "the
    Vatican" is at least as common as a bare "Vatican" ("the Vatican's" counts, "the
    Vatican Museums" does not)."""
    pattern = re.compile(rf"(?<![\w-])(the\s+)?{re.escape(name)}(?![\w-])(?!\s+[A-Z])",
                         re.IGNORECASE)
    counts = Counter(bool(m.group(1)) for t in texts for m in pattern.finditer(t)
                     if t[m.start() + len(m.group(1) or ""):].startswith(name))
    return f"the {name}" if counts[True] and counts[True] >= counts[False] else name


def _phrase(template: str, name: str) -> str:
    text = template.format(name)
    return text[0].upper() + text[1:]


def _mentions(name: str, text: str) -> bool:
    """Whether ``text`` names the person or place: the whole name, or for a person of
    two or more words their surname."""
    if re.search(rf"\b{re.escape(name)}\b", text):
        return True
    words = name.split()
    return len(words) >= 2 and bool(re.search(rf"\b{re.escape(words[-1])}\b", text))


def _first_and_last(name: str) -> tuple[str, str]:
    words = name.split()
    return words[0].lower(), words[-1].lower()


def section_heading(role: str, texts: Sequence[str], speakers: Iterable[str], *,
                    people: Sequence[str], places: Sequence[str], taken: set[str],
                    sources: Sequence[str] = ()) -> str:
    """The heading of a section whose sentences are ``texts`` (in order).

    ``speakers``: full names of the people quoted in the section; ``people`` and
    ``places``: whole names the recogniser found in the story's sources; ``taken``:
    names used by earlier headings, not repeated (and updated here); ``sources``: the
    story's source texts, which tell whether a place takes "the"."""
    def a_name(name: str) -> bool:
        words = name.split()
        return (1 <= len(words) <= MAX_NAME_WORDS
                and all(len(w) > 1 and w[0].isupper() and w not in _NOT_NAME_WORDS
                        for w in words))

    def fits(name: str) -> bool:
        return name not in taken and a_name(name)

    def person(name: str) -> bool:
        # a recogniser's "Brennick Fire" (of "Brennick Fire and Rescue") is no person
        return len(name.split()) >= 2 and not _INSTITUTION.intersection(name.split())

    if role == "reactions":
        # every speaker of the section, or none: "What Larry Kudlow said" over a quote
        # of Donald Trump's misleads, even when an earlier heading named Trump
        said: list[str] = []
        for n in dict.fromkeys(speakers):
            # one person under two forms ("Randy W. Lambach", "Randy Lambach") is named once
            if a_name(n) and person(n) and all(_first_and_last(n) != _first_and_last(m)
                                                for m in said):
                said.append(n)
        if 1 <= len(said) <= 2:
            taken.update(said)
            return ROLE_TEMPLATES["reactions"].format(" and ".join(said))
        return ROLE_HEADINGS["reactions"]
    counts: Counter[str] = Counter()
    for name in [*[p for p in people if person(p)],
                 *[p for p in places if whole_place(p, texts)]]:
        if fits(name):
            counts[name] = sum(_mentions(name, t) for t in texts)
    # a section is about a name that two of its sentences give, not one aside ("More on
    # Donald Trump" over his remark and a sentence about the protest it was about)
    needed = 1 if len(texts) == 1 else 2
    ranked = [n for n, c in counts.most_common() if c >= needed]
    if not ranked:
        return ROLE_HEADINGS[role]
    taken.add(ranked[0])
    name = ranked[0] if ranked[0] in people else with_article(ranked[0], [*sources, *texts])
    return _phrase(ROLE_TEMPLATES[role], name)
