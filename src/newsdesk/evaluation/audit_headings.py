"""The sentence audit's heading rule (``malformed_heading``, documented in
newsdesk.evaluation.audit): is a section heading built from a broken span?"""

from __future__ import annotations

import re

from newsdesk.evaluation.audit_text import PERSON_TITLES, TITLE_ABBREVIATIONS, VERBISH, plain

_TEMPLATES = ((re.compile(r"^The latest on (?P<x>.+)$"), True),
              (re.compile(r"^(?P<x>.+): (?:what we know|how it unfolded|the background)$"),
               False),
              (re.compile(r"^What (?P<x>.+) said$"), True),
              (re.compile(r"^More on (?P<x>.+)$"), True))
_WHEN = frozenset("""
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
June July August September October November December
""".split())
_HEADING_OPENERS = {"what", "more", "the", "how", "why", "who", "where", "when"}
_ADJECTIVE = re.compile(r"(?:ian|ean|ese|ish|can|ic|ern)$")


def _slots(heading: str) -> list[tuple[str, bool]]:
    for pattern, in_phrase in _TEMPLATES:
        match = pattern.match(heading)
        if match:
            # "What Ada Moss and Rand Okafor said": two names, each judged alone
            return [(name.strip(), in_phrase) for name in match.group("x").split(" and ")]
    runs: list[list[str]] = []
    previous_capital = False
    for index, token in enumerate(heading.split()):
        capital = token[:1].isupper() and not (index == 0 and
                                               token.lower() in _HEADING_OPENERS)
        if capital and previous_capital:
            runs[-1].append(token)
        elif capital:
            runs.append([token])
        previous_capital = capital and not token.endswith((":", ","))
    return [(" ".join(run).strip(":,"), False) for run in runs]


def _uses(name: str, sources: list[str]) -> list[tuple[str, str]]:
    """(word before, what follows) for each mention of ``name`` in the sources."""
    found = []
    pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
    for text in sources:
        for match in pattern.finditer(plain(text)):
            before = text[:match.start()].split()[-1:] or [""]
            found.append((before[0], text[match.end():match.end() + 40]))
    return found


def _follows(after: str) -> str:
    """How a mention continues: 'punct', 'possessive', 'verb', 'time' (a day or a
    month), 'capital' or 'noun'."""
    if not after or re.match(r"\s*[.,;:!?()\[\]\"”—–-]", after) or re.match(r"\s*$", after):
        return "punct"
    if re.match(r"['’]s\b", after):
        return "possessive"
    word = after.split(maxsplit=1)[0].strip(".,;:\"”") if after.split() else ""
    if word in _WHEN:
        return "time"  # "Obama Wednesday said": the name ends before the day
    if word[:1].isupper():
        return "capital"
    return "verb" if VERBISH.match(word) else "noun"


def heading_problems(heading: str, sources: list[str]) -> list[str]:
    """Why a section heading is built from a broken span (see the audit's rules)."""
    reasons = []
    if heading.count("“") != heading.count("”") or heading.count('"') % 2 or \
            heading.count("(") != heading.count(")"):
        reasons.append("unbalanced quotation marks or parentheses")
    for name, in_phrase in _slots(heading):
        if not name:
            continue
        last = name.split()[-1].rstrip(".")
        uses = _uses(name, sources)
        kinds = [_follows(after) for _, after in uses]
        # a surname that is also a title ("Bob Lord") stands as a whole name in the
        # sources: followed by its verb, its possessive or a comma ("said Bob Lord,
        # chief security officer"), not by a title's full stop ("Gen. Farid Karimi")
        whole = len(name.split()) >= 2 and any(
            k in {"verb", "possessive"} or (k == "punct" and after.lstrip().startswith(","))
            for (_, after), k in zip(uses, kinds, strict=True))
        if (last.lower() in TITLE_ABBREVIATIONS or last.lower() in PERSON_TITLES) and \
                not whole:
            reasons.append(f"{name!r} ends on a title, not a name")
        elif kinds and all(k == "capital" for k in kinds):
            nxt = uses[0][1].split()[0].strip(".,;:\"”")
            reasons.append(f"{name!r} is cut from a longer name: the sources write "
                           f"'{name} {nxt}'")
        elif _ADJECTIVE.search(last) and (
                (kinds and all(k in {"noun", "capital"} for k in kinds)) or
                (not kinds and re.search(r"(?:ian|ean|ese|ish)$", last))):
            reasons.append(f"{name!r} is an adjective standing as a name")
        elif in_phrase and not name.lower().startswith("the "):
            # "the Chicago Sun-Times" says nothing about "Chicago": only uses where the
            # name ends count
            with_article = sum(1 for (before, after), kind in zip(uses, kinds, strict=True)
                               if before.lower() == "the" and kind not in {"noun", "capital"})
            bare = sum(1 for (before, after), kind in zip(uses, kinds, strict=True)
                       if before.lower() != "the" and kind not in {"noun", "capital"})
            if with_article and with_article >= bare:
                reasons.append(f"missing article: the sources write 'the {name}'")
    return reasons
