"""Previews that later reports overtook.

A story often gathers a report written before its event ("Two aides are preparing to
testify Tuesday", "Nine witnesses will testify") and one written after it ("A White
House official testified on Tuesday"). Side by side in one article the preview tells
the reader that something is still to come which the next sentence says has happened.
A sentence that announces an action in the future is left out when a report published
later in the same story tells that action in the past tense.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from newsdesk.standalone import unquoted

# "will testify", "is set to propose", "are preparing to vote", "plans to sign",
# "is expected to announce", "will formally sign", "nine witnesses set to testify": the
# verb of the announced action
_FUTURE = re.compile(
    r"\b(?:will|(?:is|are)\s+(?:preparing|planning)\s+to|(?:(?:is|are)\s+)?(?:set|expected|"
    r"scheduled|poised|slated|due)\s+to|plans?\s+to)\s+(?:\w+ly\s+)?(?P<verb>[a-z]{3,})\b")
# past tenses that do not follow the -ed rule, for the verbs news previews use most
_IRREGULAR = {
    "meet": "met", "hold": "held", "give": "gave", "speak": "spoke", "begin": "began",
    "take": "took", "win": "won", "make": "made", "leave": "left", "go": "went",
    "send": "sent", "fly": "flew", "choose": "chose", "sell": "sold", "buy": "bought",
    "bring": "brought", "seek": "sought", "lead": "led", "run": "ran", "tell": "told",
    "say": "said", "set": "set", "put": "put", "cut": "cut", "hit": "hit", "rise": "rose",
    "fall": "fell", "drive": "drove", "write": "wrote", "sing": "sang", "swear": "swore",
}
# Verbs whose future says nothing about one event ("will be", "will have", "will not").
_NOT_ACTIONS = frozenset("""
be have not also still continue likely need want try get keep remain become
""".split())
# "the proposed rule", "a signed copy": a participle used as an adjective
_DETERMINER = re.compile(r"(?:\b(?:the|a|an|this|that|its|their|his|her)\s+)$", re.IGNORECASE)


def past_forms(verb: str) -> set[str]:
    """The past tense of ``verb`` as news writes it ("testify" -> "testified", "vote" ->
    "voted", "plan" -> "planned", "meet" -> "met")."""
    if verb in _IRREGULAR:
        return {_IRREGULAR[verb]}
    if verb.endswith("e"):
        return {verb + "d"}
    if verb.endswith("y") and verb[-2:-1] not in set("aeiou"):
        return {verb[:-1] + "ied"}
    vowels = set("aeiou")
    if (verb[-1] not in vowels | set("wxy") and verb[-2] in vowels
            and verb[-3] not in vowels):
        # "plan" -> "planned", "audit" -> "audited": whether the consonant doubles
        # depends on the stress, which spelling does not show
        return {verb + "ed", verb + verb[-1] + "ed"}
    return {verb + "ed"}


def announced_actions(text: str) -> set[str]:
    """The verbs of actions ``text`` announces for the future, outside its quotations."""
    return {m.group("verb") for m in _FUTURE.finditer(unquoted(text))
            if m.group("verb") not in _NOT_ACTIONS}


@lru_cache(maxsize=64)
def _outside_quotes(report: str) -> str:
    # a story's reports are read once per sentence that announces something
    return unquoted(report)


def tells_in_past(text: str, verb: str) -> bool:
    """Whether ``text`` (outside quotations) tells ``verb`` as done: a past-tense form
    that is not an adjective after a determiner ("the proposed rule")."""
    plain = _outside_quotes(text)
    for form in past_forms(verb):
        for match in re.finditer(rf"\b{form}\b", plain, re.IGNORECASE):
            if not _DETERMINER.search(plain[:match.start()]):
                return True
    return False


def overtaken(text: str, published: datetime | None,
              later_reports: Iterable[tuple[datetime | None, str]]) -> bool:
    """Whether the sentence ``text`` of a report published at ``published`` announces
    an action that a report published later (``later_reports``: publication time and
    text of the story's reports) tells as done."""
    actions = announced_actions(text)
    if not actions or published is None:
        return False
    return any(when is not None and when > published and tells_in_past(body, verb)
               for when, body in later_reports for verb in actions)
