"""The audit's grammar check: a published sentence must have a finite verb.

A photo caption ("Universal Pictures Benicio Del Toro as 'The Wolfman.'"), a page's
furniture ("Crawls of supported sites.") or a piece of an appositive ("CKY, now known as
CTV Winnipeg, beginning in the early 1990s.") can be a whole "sentence" of its source,
start to end, and pass every check that compares it with the source; it is still not
a sentence. The regular-expression rules cannot tell a noun phrase from a clause, so
this check reads the sentence's core (the newsroom's attribution frame removed: ", one
report said" has a verb of its own) with spaCy's small English tagger and parser
(:mod:`newsdesk.spacy_pipeline`; the writer reads with the same pipeline, by rules of its
own).

A core has a finite verb when a word is tagged as one (past tense, present tense or a
modal); when its root is a verb other than a bare "-ing" form or a bare infinitive (an
imperative, "Timetable for the eclipse" as the tagger reads it); when a root the tagger
took for a noun or an infinitive has a subject ("Hurdles to a deal remain", "Other
sectors continue to ...": the parser finds the subject); or when a past participle
follows a noun, a pronoun, a number or a comma ("Iowans crammed into ...", "Turner, 48,
called ...": the tagger often takes a past tense for a participle there, and a
participle of that shape without its auxiliary is one); or when the root is a plural
noun between a noun and a preposition (not "of"), a determiner or a name ("The dispute
centres on pay", "Trump boards Air Force One": a verb the tagger took for a noun).
Headlines are not checked: a headline is not a sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsdesk.spacy_pipeline import tagger_and_parser

_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _finite(doc: Any) -> bool:
    tokens = list(doc)
    for index, token in enumerate(tokens):
        if token.tag_ in _FINITE_TAGS:
            return True
        if token.dep_ == "ROOT" and (
                (token.pos_ in {"VERB", "AUX"} and token.tag_ not in {"VB", "VBG"}) or
                ((token.tag_.startswith("NN") or token.tag_ == "VB") and any(
                    child.dep_.startswith(("nsubj", "csubj")) for child in token.children))):
            return True
        if token.dep_ == "ROOT" and token.tag_ == "NNS" and 0 < index < len(tokens) - 1 and \
                tokens[index - 1].tag_.startswith("NN") and (
                    tokens[index + 1].tag_ in {"DT", "NNP", "CD", "PRP$", "RP", "TO"} or
                    (tokens[index + 1].tag_ == "IN" and tokens[index + 1].lower_ != "of")):
            return True  # "The dispute centres on pay": a verb read as a plural noun
        if token.tag_ == "VBN" and index:
            before = tokens[index - 1]
            if before.tag_.startswith(("NN", "PRP", "CD")) or before.text == ",":
                return True
    return False


def without_finite_verb(cores: Sequence[str]) -> list[bool]:
    """For each sentence core, whether it has no finite verb (see the module docstring)."""
    if not cores:
        return []
    return [not _finite(doc) for doc in tagger_and_parser().pipe(list(cores), batch_size=64)]
