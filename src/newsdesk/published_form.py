"""Checks on a sentence as published, frame included, before its facts are compared
with the source.

A sentence can repeat its source word for word and still mislead once published: a
fragment cut at an abbreviation, a frame that credits the wrong outlet, a columnist's
"I" or "my" in the newsroom's voice, a quotation whose speaker was left behind, or a
quotation credited to someone the source does not give as its speaker. Each finding is
a short reason; any finding makes the sentence unsupported.
"""

from __future__ import annotations

from newsdesk.attribution import credits_match, unframe
from newsdesk.records import Sentence
from newsdesk.segment import is_complete
from newsdesk.standalone import (
    QUOTE_WORDS as QUOTE_WORDS_MIN,
)
from newsdesk.standalone import (
    has_speaker,
    quoted_words,
    speaker_names,
    unquoted,
    voice_problem,
)
from newsdesk.text import match_tokens, names


def _normalised(text: str) -> str:
    return " ".join(match_tokens(text))


def form_problems(sentence: Sentence) -> list[str]:
    """Why the published sentence cannot stand as it is (empty: no problem). The
    headline is held to the frame and voice checks only: a headline is not a sentence."""
    text = sentence.text.strip()
    problems: list[str] = []
    credit = unframe(text)
    source = sentence.citation.source_text
    framed_by_source = bool(credit.credited) and _normalised(text) in _normalised(source)
    if credit.credited and not framed_by_source and \
            not credits_match(credit.credited, sentence.citation.outlet):
        given = sentence.citation.outlet or "an unnamed outlet"
        problems.append(f"credited to {credit.credited}, but the source is {given}")
    if not sentence.headline and not (is_complete(text) and is_complete(credit.claim)):
        problems.append("not a whole sentence")
    voice = voice_problem(credit.claim)
    if voice:
        problems.append("first-person text in the newsroom's voice" if voice == "first_person"
                        else "text addressed to the reader in the newsroom's voice")
    if (not sentence.headline and quoted_words(credit.claim) >= QUOTE_WORDS_MIN
            and not has_speaker(credit.claim)):
        problems.append("a quotation without its speaker")
    return problems


def speakers(text: str) -> set[str]:
    """Words of the names ``text`` gives as speaking (see
    :func:`newsdesk.standalone.speaker_names`), lower-cased."""
    people = names(unquoted(text))
    return {w for p in speaker_names(text, people) for w in match_tokens(p) if w != "s"}


def speaker_problems(claim: str, evidence: str) -> list[str]:
    """A quotation credited to someone the evidence does not give as its speaker."""
    if quoted_words(claim) < QUOTE_WORDS_MIN:
        return []
    said_by = speakers(claim)
    if not said_by:
        return []
    in_evidence = speakers(evidence)
    if said_by & in_evidence:
        return []
    return [f"quotation credited to {' '.join(sorted(said_by))}, "
            f"whom the source does not give as its speaker"]
