"""Whether a source "sentence" is a sentence: it has a finite verb in a main clause.

A page's sentence splitter hands the writer whatever stands between two full stops: a
photo caption ("Universal Pictures Benicio Del Toro as 'The Wolfman.'"), a line of page
furniture ("Crawls of supported sites."), a date line of a list ("18 August, 1988,
during his acceptance speech ..."). Each is a whole "sentence" of its source, so no
comparison with the source finds anything wrong with it, and the word rules cannot tell
a noun phrase from a clause. Read with spaCy's small English tagger and parser (the
packaged pipeline whose recogniser finds names), a clause has a word whose morphology
is finite (a past or present tense, a modal); or a verb at its root that is neither a
bare "-ing" form nor a bare infinitive (an imperative is the page talking to its reader,
"Watch the video", or a noun the tagger took for one: "Timetable for the eclipse"); or
a root with a subject that the tagger took for a noun or an infinitive ("remain" in
"Hurdles to a deal remain", "continue" in "Other sectors continue to ..."; the parser
still finds the subject); or a past participle right after its subject
(a noun, a pronoun, a number or the comma closing an appositive: the tagger often reads
"Iowans crammed into ..." or "Turner, 48, called ..." that way).

Two shapes have a finite verb and are still no statement: a sentence whose only clause
is subordinate ("November 1989, as the Berlin Wall was crumbling", "Last week, when the
storm hit the coast": one subject, in a clause opened by "as", "when", "because" ... at
the start or after the opening phrase's comma), and one that opens on a bare verb with
no subject ("Forget the con artists, and think of it as ..."), the page or a critic
telling the reader what to do; a quotation is left to the quotation rules.

The writer asks about the few sentences it has chosen for an article, not every
candidate (see :class:`newsdesk.builtin.write_grounded.GroundedWriter`); answers are
cached by text, since a story is written again as its sources arrive.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

from newsdesk.spacy_pipeline import tagger_and_parser

_SUBJECT_TAGS = ("NN", "PRP", "CD")
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_answers_lock = threading.Lock()


def _verb_read_as_plural(token: Any) -> bool:
    """A root the tagger took for a plural noun between a noun and what follows a verb
    ("The dispute centres on pay", "Trump boards Air Force One ..."): a verb. A caption's
    plural stands first or before "of" ("Crawls of supported sites")."""
    if token.dep_ != "ROOT" or token.tag_ != "NNS" or token.i == 0 or \
            token.i + 1 >= len(token.doc):
        return False
    before, after = token.doc[token.i - 1], token.doc[token.i + 1]
    return before.tag_.startswith("NN") and (
        (after.tag_ in {"IN", "RP", "TO"} and after.lower_ != "of") or
        after.tag_ in {"DT", "NNP", "CD", "PRP$"})


# Words that make a clause subordinate: "as the Berlin Wall was crumbling" needs a
# main clause to hang from.
_SUBORDINATORS = frozenset("""
as when while because although though if since whereas unless until after before once
""".split())
# what ends a sentence's opening phrase before a subordinate clause
_OPENING_BREAK = frozenset({",", "—", "–"})


def _only_subordinate(doc: Any) -> bool:
    """A date line or a phrase with only a subordinate clause in it: "November 1989, as
    the Berlin Wall was crumbling" (the parser makes the subordinate verb the root),
    "Last week, when the storm hit the coast" (a noun root without a subject). The
    small parser often misreads a long sentence, so only a sentence with a single
    subject counts (a main clause would bring its own)."""
    roots = [t for t in doc if t.dep_ == "ROOT"]
    subjects = [t for t in doc if t.dep_ in _SUBJECTS or t.dep_ == "expl"]
    if len(roots) != 1 or len(subjects) > 1 or doc.text.rstrip().endswith("?"):
        return False
    root = roots[0]
    # the subordinator opens the sentence or follows its opening phrase's comma
    # ("Civilians cheer as soldiers drive past": a main clause the parser misread)
    marked = [c for c in root.children if c.dep_ == "mark" and c.lower_ in _SUBORDINATORS
              and (c.i == 0 or doc[c.i - 1].text in _OPENING_BREAK)]
    if root.pos_ in {"VERB", "AUX"}:
        return bool(marked) and bool(subjects) and marked[0].i < subjects[0].i
    if root.pos_ not in {"NOUN", "PROPN", "NUM"}:
        return False
    clauses = [c for c in root.children if c.dep_ == "advcl" and any(
        (m.dep_ == "mark" or m.tag_ == "WRB") and m.i > 0 and
        doc[m.i - 1].text in _OPENING_BREAK for m in c.children)]
    inside = {t.i for c in clauses for t in c.subtree}
    finite = [t.i for t in doc if "Fin" in t.morph.get("VerbForm")]
    return bool(clauses) and bool(finite) and all(i in inside for i in finite) and \
        all(t.i in inside for t in subjects)


def _imperative(doc: Any) -> bool:
    """A bare verb first, with no subject: the page telling its reader what to do
    ("Forget the con artists, and think of it as ...", a critic's voice), even when a
    clause inside it has a finite verb."""
    if doc.text.lstrip()[:1] in {"“", '"', "‘", "'"}:
        return False  # someone's words, with or without their speaker: not this rule's
    first = next((t for t in doc if not t.is_punct), None)
    return first is not None and first.dep_ == "ROOT" and first.tag_ == "VB" and \
        not any(c.dep_ in _SUBJECTS or c.dep_ == "expl" for c in first.children)


def _is_clause(doc: Any) -> bool:
    if _only_subordinate(doc) or _imperative(doc):
        return False
    previous = None
    for token in doc:
        form = token.morph.get("VerbForm")
        if "Fin" in form or "Mod" in token.morph.get("VerbType"):
            return True
        if token.dep_ == "ROOT" and token.pos_ in {"VERB", "AUX"} and "Ger" not in form \
                and token.tag_ not in {"VBG", "VB"}:
            return True
        if token.dep_ == "ROOT" and (token.tag_.startswith("NN") or token.tag_ == "VB") and \
                any(child.dep_ in _SUBJECTS for child in token.children):
            return True  # "Hurdles remain", the tagger taking the verb for a noun
        if _verb_read_as_plural(token):
            return True
        if "Part" in form and "Past" in token.morph.get("Tense") and previous is not None \
                and (previous.tag_.startswith(_SUBJECT_TAGS) or previous.text == ","):
            return True
        previous = token
    return False


_answers: dict[str, bool] = {}


def are_sentences(texts: Sequence[str]) -> list[bool]:
    """For each text, whether it reads as a clause (has a finite verb), not a caption or
    a piece of one."""
    with _answers_lock:
        known = {t: _answers[t] for t in texts if t in _answers}
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        read = tagger_and_parser().pipe(missing, batch_size=32)
        known.update((text, _is_clause(doc)) for text, doc in zip(missing, read, strict=True))
        with _answers_lock:
            if len(_answers) > 50_000:
                _answers.clear()
            _answers.update((t, known[t]) for t in missing)
    return [known[t] for t in texts]


# Punkt's orthographic flag for a word seen in lower case inside a sentence
_ORTHO_MID_LOWER = 1 << 5
# adjectives that name a party as well as a quality: capitalised, they may be the name
_PARTY_WORDS = frozenset({"democratic", "republican", "conservative", "liberal", "labour",
                          "labor", "green", "socialist", "communist", "progressive",
                          "libertarian", "independent", "national", "federal"})


@cache
def _english_orthography() -> dict[str, int]:
    import punkt

    return dict(punkt.load_model("english").ortho_context)


def opens_with_common_word(text: str, word: str, written_lower: bool = False) -> bool:
    """Whether ``text`` opens with ``word`` (as the caller reads its first word), a
    common word that only its place at the head of the sentence capitalises ("Social
    media services ...", "Senior US officials ..."): the tagger does not read it as a
    proper noun, and the story's sources write it in lower case inside a sentence
    (``written_lower``) or, where they never write it there, Punkt's English model
    (learnt from a large body of news text) has seen it in lower case inside sentences.
    A word that also names a party ("Democratic") keeps its capital."""
    if not word.isalpha() or word.lower() in _PARTY_WORDS:
        return False
    if not written_lower and not _english_orthography().get(word.lower(), 0) & \
            _ORTHO_MID_LOWER:
        return False
    doc = tagger_and_parser()(text)
    return len(doc) > 0 and doc[0].tag_ not in ("NNP", "NNPS")
