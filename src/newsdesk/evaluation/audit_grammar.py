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

A finite verb is not enough when it is all subordinate: a photo list's date line "November
1989, as the Berlin Wall was crumbling" or "Last week, when the storm hit" has a clause
that waits for a main one. The check counts a core whose one subject belongs to a clause
opened by a subordinating word (as, when, while, because, if, after, ...) at its start
or after its opening phrase's comma or dash, with no main clause beside it (questions
aside). The small parser misreads long sentences, so a core with two or more subjects
is taken to have a main clause.
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


_SUBORDINATING = frozenset("""
as when while because although though if since whereas unless until after before once
""".split())
_OPENING_PUNCT = frozenset({",", "—", "–"})


def _opens_clause(word: Any) -> bool:
    """A subordinating word at the start of the core or after its opening phrase."""
    return (word.lower_ in _SUBORDINATING or word.tag_ == "WRB") and (
        word.i == 0 or word.doc[word.i - 1].text in _OPENING_PUNCT)


def _subordinate_only(doc: Any) -> bool:
    tokens = list(doc)
    subjects = [t for t in tokens if t.dep_.startswith(("nsubj", "csubj")) or t.dep_ == "expl"]
    roots = [t for t in tokens if t.dep_ == "ROOT"]
    if len(subjects) != 1 or len(roots) != 1 or doc.text.rstrip().endswith("?"):
        return False
    subject, root = subjects[0], roots[0]
    clause = subject.head  # the verb whose subject it is
    opener = [w for w in clause.children if w.dep_ in {"mark", "advmod"} and _opens_clause(w)
              and w.i < subject.i]
    if not opener:
        return False
    if clause.i == root.i:
        return True  # the parser took the subordinate verb for the root
    # a clause hanging from a root that is a bare noun phrase ("Last week, when ...")
    return clause.dep_ == "advcl" and clause.head.i == root.i and \
        root.pos_ in {"NOUN", "PROPN", "NUM"}


def _commands(doc: Any) -> bool:
    """Whether the core opens on a bare verb with no subject: the writer telling the
    reader what to do ("Forget the con artists, and think of it as ...")."""
    words = [t for t in doc if not t.is_punct]
    if not words or doc.text.lstrip()[:1] in {"“", '"', "‘", "'"}:
        return False  # a quotation: whose words they are is another rule's question
    verb = words[0]
    return verb.dep_ == "ROOT" and verb.tag_ == "VB" and not any(
        c.dep_.startswith(("nsubj", "csubj")) or c.dep_ == "expl" for c in verb.children)


def grammar_findings(cores: Sequence[str]) -> list[dict[str, list[str]]]:
    """For each sentence core, what its reading finds, by defect class: ``fragment``
    (no finite verb, or only a subordinate clause: see the module docstring) and
    ``uncredited_quote`` (a command to the reader, someone's voice with no speaker);
    empty when it reads as a statement."""
    found: list[dict[str, list[str]]] = []
    for doc in tagger_and_parser().pipe(list(cores), batch_size=64):
        if _commands(doc):
            found.append({"uncredited_quote": [
                "a command to the reader (a bare verb with no subject): a critic's or an "
                "author's voice, with no speaker"]})
        elif not _finite(doc):
            found.append({"fragment": ["no finite verb: a caption, a label or a piece of "
                                       "a sentence, not a sentence"]})
        elif _subordinate_only(doc):
            found.append({"fragment": ["only a subordinate clause, with no main clause: a "
                                       "date line or a piece of a sentence"]})
        else:
            found.append({})
    return found
