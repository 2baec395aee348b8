"""Sentence verification: find the evidence, check every fact against it, score it.

For each written sentence (the claim; the outlet attribution the writer added is set
aside first, and a claim of several sentences is checked sentence by sentence):

1. **Evidence.** The claim is first checked against the source sentence it cites; that
   is all the grounded writer's sentences need. When it fails there and the full text
   of the cited document is known (``documents``), the document's sentences are ranked
   by embedding cosine plus the share of the claim's content words they hold; the best
   one, joined by the one that adds the most of the claim's still-missing content
   words, is the evidence (support may come from two sentences combined). The better
   of the two results stands; the evidence is recorded on the verdict.
2. **Checks.** Every number, money amount and percentage (however written: "€1.2bn" =
   "1.2 billion euros", "13 per cent" = "13%"), every month, weekday and relative day,
   every word of every name and every quoted passage (verbatim up to case and
   punctuation) must appear in the source: the cited sentence, or the cited document
   when it is known (a sentence may take a name from one paragraph and a figure from
   another; the score weighs such splicing). The cosine of claim and evidence must
   reach ``min_similarity`` and the share of the claim's content words found in the
   evidence ``min_token_support``.
3. **Score.** A consistency score in [0, 1], a logistic function of: the cosine of
   claim and best evidence, the content words of the claim found nowhere in the source
   in any form, the longest run of words copied verbatim from the source (as a share of
   the claim), how often the claim's copied runs jump between source sentences, and the
   numbers the source does not give. The weights (``WEIGHTS``, ``BIAS``) and the
   ``threshold`` were fitted on the val split of the consistency-newssumm pairs
   (FRANK, XSumFaith, CLIFF) with ``newsdesk eval verify --fit``: logistic regression
   for the weights, the threshold for the best balanced accuracy over all val pairs.
4. **Status.** ``contradicted`` when the evidence gives a different value in the same
   slot as the claim (the rule is in :func:`conflicts`), otherwise ``supported`` when
   every check passes and the score reaches ``threshold``, otherwise ``unsupported``.
   The write stage keeps only supported sentences.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from newsdesk.attribution import unframe
from newsdesk.backends import BackendOptions
from newsdesk.backends.embedder import Embedder
from newsdesk.backends.verifier import Verifier
from newsdesk.published_form import form_problems, speaker_problems
from newsdesk.records import Sentence, Verdict, VerdictStatus
from newsdesk.standalone import clause_ends, opens_qualification
from newsdesk.text import (
    MONTHS,
    STOPWORDS,
    WEEKDAYS,
    Quantity,
    dates,
    match_tokens,
    names,
    normalize_quotes,
    quantities,
    quotes,
    split_sentences,
    stem,
)

#: Weights of the consistency score (a logistic function of the features below, in
#: their natural units), fitted on val by ``newsdesk eval verify --fit``.
WEIGHTS: dict[str, float] = {
    "similarity": 3.4306,  # cosine of claim and best evidence sentence
    "novel_words": -0.2456,  # content words found nowhere in the source, in any form
    "longest_copy": 1.3465,  # longest run copied verbatim from the source, share of claim
    "jumps": -1.1154,  # switches between source sentences, per claim word
    "numbers_missing": -1.8297,  # numbers, amounts, percentages not in the source
}
BIAS = -2.7606
#: Cosine from which the best evidence sentence counts as making the same statement as
#: the claim, so that a different value in it is a contradiction, not another fact.
CONTRADICTION_SIMILARITY = 0.6
#: Candidate sentences considered as the second half of a two-sentence evidence.
PAIR_CANDIDATES = 8
#: How much a sentence's share of the claim's content words adds to its cosine when
#: ranking evidence: wording catches exact facts that a sentence embedding blurs.
LEXICAL_WEIGHT = 0.5
# Extracted text sometimes runs sentences together ("two months.It will"); split there.
_RUN_TOGETHER = re.compile(r"(?<=[a-z0-9%)\]\"”’'])([.!?][\"”’']?)(?=[A-Z\"“‘])")
_SLOT_WORDS = frozenset({"the", "a", "an", "of", "in", "on", "at", "to", "by", "for", "from",
                         "and", "with", "about", "some", "nearly", "almost", "around", "over",
                         "than", "more", "least"})


def strip_attribution(text: str, outlet: str) -> str:
    """The claim without the "According to <outlet>, ..." / "..., <outlet> reported." frame."""
    if not outlet:
        return text
    escaped = re.escape(outlet)
    text = re.sub(rf"^According to {escaped},\s*", "", text)
    text = re.sub(rf",\s*{escaped} reported\.$", ".", text)
    text = re.sub(rf"^{escaped} reported that\s*", "", text)
    return text[:1].upper() + text[1:] if text else text


def evidence_sentences(text: str) -> list[str]:
    """The sentences of a source document, as candidates for evidence."""
    return split_sentences(_RUN_TOGETHER.sub(r"\1 ", text))


def _content(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if t not in STOPWORDS and len(t) > 1 and not t.isdigit()]


def name_words(name: str) -> list[str]:
    """The words a name must be matched by, lower-cased, possessive "'s" removed."""
    return [w for w in match_tokens(name) if w != "s"]


# -- source text, prepared once per document ---------------------------------------------


@dataclass
class Source:
    """The sentences of one source text with what the checks look up in them."""

    sentences: list[str]
    tokens: list[list[str]] = field(default_factory=list)
    stems: list[set[str]] = field(default_factory=list)
    quantities: list[list[Quantity]] = field(default_factory=list)
    all_tokens: list[str] = field(default_factory=list)
    sentence_of: list[int] = field(default_factory=list)
    vectors: np.ndarray | None = None

    def __post_init__(self) -> None:
        for index, sentence in enumerate(self.sentences):
            tokens = match_tokens(sentence)
            self.tokens.append(tokens)
            self.stems.append({stem(t) for t in tokens})
            self.quantities.append(quantities(sentence))
            self.all_tokens.extend(tokens)
            self.sentence_of.extend([index] * len(tokens))
        self.token_set = set(self.all_tokens)
        self.stem_set = {stem(t) for t in self.all_tokens}
        self.prefixes = {t[:5] for t in self.all_tokens if len(t) >= 6}
        self.positions: dict[str, list[int]] = {}
        for i, token in enumerate(self.all_tokens):
            self.positions.setdefault(token, []).append(i)
        self.all_quantities = [q for qs in self.quantities for q in qs]
        self.lowered = normalize_quotes(" ".join(self.sentences)).lower()
        self.joined = f" {' '.join(self.all_tokens)} "

    def knows(self, word: str) -> bool:
        """Whether the word, or a form of it, occurs anywhere in this source."""
        return (word in self.token_set or stem(word) in self.stem_set
                or (len(word) >= 6 and word[:5] in self.prefixes))

    def copied_runs(self, tokens: Sequence[str]) -> list[tuple[int, int, int]]:
        """Greedy left-to-right tiling of ``tokens`` by the longest runs found verbatim
        in this source: (claim position, length, source position), length 0 = not found."""
        runs, i = [], 0
        while i < len(tokens):
            best_length, best_at = 0, -1
            for j in self.positions.get(tokens[i], ()):
                k = 0
                while (i + k < len(tokens) and j + k < len(self.all_tokens)
                       and tokens[i + k] == self.all_tokens[j + k]):
                    k += 1
                if k > best_length:
                    best_length, best_at = k, j
            runs.append((i, best_length, best_at))
            i += max(best_length, 1)
        return runs


# -- one claim sentence against one source ------------------------------------------------


@dataclass
class Finding:
    """What checking one claim sentence against a source found."""

    score: float
    similarity: float
    support: float
    features: dict[str, float]
    missing: list[str]
    conflicts: list[str]
    evidence: list[str]
    checks: dict[str, bool]

    @property
    def passed(self) -> bool:
        """Every check passed (the score check included)."""
        return all(self.checks.values())


@dataclass
class Assessment:
    """The verdict on one written sentence and its continuous consistency score."""

    verdict: Verdict
    score: float
    features: dict[str, float] = field(default_factory=dict)


def conflicts(claim: str, evidence: str, missing_quantities: list[Quantity],
              missing_dates: set[str], missing_names: list[str]) -> list[str]:
    """Facts of the claim that the evidence states differently, in the same slot.

    The caller passes the claim's numbers, dates and names that its source lacks, and
    only when the best evidence sentence makes the same statement as the claim (cosine
    of at least ``CONTRADICTION_SIMILARITY``). The rule: such a fact is *contradicted*
    when the evidence has a different value of the same kind standing in the same
    place, that is next to the same neighbouring word. For a number, the first content
    word after it ("1,850 dockworkers" against "18,500 dockworkers") or the one before
    it, and the two values must share their unit (both percentages, the same currency,
    or both plain counts). For a month or weekday, another month or weekday in the
    evidence after the same word ("on Monday" against "on Tuesday"). For a name,
    another name in the evidence after the same word, neither name a part of the other
    ("at Port Calder" against "at Port Meridian"; "Johnston" is no conflict with "Allan
    Johnston"). Anything else that is missing is merely
    unsupported.
    """
    found: list[str] = []
    claim_tokens = match_tokens(claim)
    for quantity in missing_quantities:
        slot = _neighbours(claim, quantity.start, quantity.end)
        for other in quantities(evidence):
            if other.unit != quantity.unit or other.matches(quantity):
                continue
            if slot & _neighbours(evidence, other.start, other.end):
                found.append(f"number {quantity.text} where the source says {other.text}")
                break
    evidence_tokens = match_tokens(evidence)
    for kind in (MONTHS, WEEKDAYS):
        for date in sorted(missing_dates & set(kind)):
            before = _word_before(claim_tokens, date)
            for stated in kind:
                if stated != date and stated in evidence_tokens and \
                        _word_before(evidence_tokens, stated) == before:
                    found.append(f"date {date} where the source says {stated}")
                    break
    evidence_names = names(evidence)
    for name in missing_names:
        words = name_words(name)
        if not words:
            continue
        before = _word_before(claim_tokens, words[0])
        for given in evidence_names:
            given_words = name_words(given)
            if given_words and not set(given_words) <= set(words) and \
                    not set(words) <= set(given_words) and \
                    _word_before(evidence_tokens, given_words[0]) == before and before:
                found.append(f"name {name} where the source says {given}")
                break
    return found


def _word_before(tokens: Sequence[str], word: str) -> str:
    if word in tokens:
        index = list(tokens).index(word)
        return tokens[index - 1] if index > 0 else ""
    return ""


def _neighbours(text: str, start: int, end: int) -> set[str]:
    """The first content word after a number and the word before it, as its slot."""
    after = [w for w in match_tokens(text[end:end + 40]) if w not in _SLOT_WORDS][:1]
    before = [w for w in match_tokens(text[max(0, start - 40):start])
              if w not in _SLOT_WORDS][-1:]
    return {f"after:{w}" for w in after} | {f"before:{w}" for w in before}


class AlignmentVerifier(Verifier):
    """Evidence retrieval, exact checks of facts and a fitted consistency score."""

    name = "alignment"

    class Options(BackendOptions):
        """Decision thresholds (see the ``verify.*`` settings)."""

        #: Consistency score at or above which a claim counts as supported; chosen for
        #: balanced accuracy on the val split (see the module docstring).
        threshold: float = 0.2073
        #: Floor on the cosine between a claim and its evidence.
        min_similarity: float = 0.3
        #: Floor on the share of a claim's content words found in its evidence.
        min_token_support: float = 0.3
        #: Check the sentence as published before its facts (whole sentence, the outlet
        #: its frame credits, no first person or "you", quotations with their speaker;
        #: see newsdesk.published_form). Off only to measure the consistency judgement
        #: alone on benchmark summaries.
        published_form: bool = True

    options: Options

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self.weights = dict(WEIGHTS)
        self.bias = BIAS

    def verify(self, sentences: list[Sentence], embedder: Embedder,
               documents: dict[int, str] | None = None) -> list[Verdict]:
        """See :meth:`Verifier.verify`. ``documents`` maps document ids to their full
        text; a sentence whose cited document is among them may be supported by any one
        or two sentences of it, not only by the sentence it cites."""
        return [a.verdict for a in self.assess(sentences, embedder, documents)]

    def assess(self, sentences: Sequence[Sentence], embedder: Embedder,
               documents: dict[int, str] | None = None) -> list[Assessment]:
        """Verdicts with their consistency scores, one per sentence in order.

        Raises:
            ModelError: the embedder cannot be loaded.
        """
        if not sentences:
            return []
        claims = [[s.text] if s.headline else split_sentences(unframe(s.text).claim) or [s.text]
                  for s in sentences]
        cited = [Source([s.citation.source_text]) if s.citation.source_text.strip() else None
                 for s in sentences]
        vectors = _Vectors(embedder)
        vectors.add([part for parts in claims for part in parts])
        vectors.add([c.sentences[0] for c in cited if c is not None])
        results: list[list[Finding] | None] = []
        for parts, source in zip(claims, cited, strict=True):
            results.append(None if source is None else
                           [self._find(part, vectors, source) for part in parts])
        texts = documents or {}
        retry = [i for i, found in enumerate(results)
                 if (found is None or not all(f.passed for f in found))
                 and sentences[i].citation.doc_id in texts]
        prepared: dict[int, Source] = {}
        for i in retry:
            doc_id = sentences[i].citation.doc_id
            if doc_id not in prepared:
                candidates = evidence_sentences(texts[doc_id])
                source_text = sentences[i].citation.source_text.strip()
                if source_text and source_text not in candidates:
                    candidates.append(source_text)
                prepared[doc_id] = Source(candidates)
        vectors.add([s for source in prepared.values() for s in source.sentences])
        for i in retry:
            found = [self._find(part, vectors, prepared[sentences[i].citation.doc_id])
                     for part in claims[i]]
            previous = results[i]
            if previous is None or _overall(found) > _overall(previous):
                results[i] = found
        assessments = [self._conclude(found) for found in results]
        if not self.options.published_form:
            return assessments
        for sentence, assessment, parts in zip(sentences, assessments, claims, strict=True):
            problems = form_problems(sentence)
            for part in parts:
                problems += speaker_problems(part, " ".join(assessment.verdict.evidence)
                                             or sentence.citation.source_text)
            if problems:
                verdict = assessment.verdict
                verdict.checks["form"] = False
                verdict.missing = problems + verdict.missing
                if verdict.status == "supported":
                    verdict.status = "unsupported"
        return assessments

    def _conclude(self, found: list[Finding] | None) -> Assessment:
        if not found:
            return Assessment(Verdict(status="unsupported", similarity=0.0,
                                      checks={"evidence": False},
                                      missing=["no source text to check against"],
                                      verifier=self.name), 0.0)
        checks: dict[str, bool] = {}
        for finding in found:
            for key, value in finding.checks.items():
                checks[key] = checks.get(key, True) and value
        contradictions = [c for f in found for c in f.conflicts]
        status: VerdictStatus = ("contradicted" if contradictions
                                 else "supported" if all(checks.values()) else "unsupported")
        worst = min(found, key=lambda f: f.score)
        evidence = list(dict.fromkeys(e for f in found for e in f.evidence))
        verdict = Verdict(status=status, similarity=round(min(f.similarity for f in found), 4),
                          checks=checks, missing=contradictions + [m for f in found
                                                                   for m in f.missing],
                          verifier=self.name, evidence=evidence)
        return Assessment(verdict, round(worst.score, 6), worst.features)

    def _find(self, claim: str, vectors: _Vectors, source: Source) -> Finding:
        claim_tokens = match_tokens(claim)
        content = _content(claim_tokens)
        stems = [stem(w) for w in content]
        source_vectors = vectors.of(source)
        cosines = source_vectors @ vectors.get(claim)
        begun = _sentences_begun(claim_tokens, source)  # copied from their opening words
        for i, head in _heads_copied(claim_tokens, source, begun):
            # the claim is this sentence's main clause, word for word, without what
            # only adds to it ("Hurdles to a final deal remain, including ..."): the
            # clause is the evidence it is compared with
            cosines[i] = max(float(cosines[i]), float(vectors.get(head) @ vectors.get(claim)))
        wording = np.array([sum(s in sentence for s in stems) / len(stems) if stems else 0.0
                            for sentence in source.stems])
        rank = cosines + LEXICAL_WEIGHT * wording
        first = int(np.argmax(rank))
        chosen = [first]
        covered = {s for s in stems if s in source.stems[first]}
        best_gain, second = 0, -1
        for j in np.argsort(-rank)[:PAIR_CANDIDATES]:
            if int(j) != first:
                gain = len({s for s in stems if s not in covered and s in source.stems[j]})
                if gain > best_gain:
                    best_gain, second = gain, int(j)
        if second >= 0:
            chosen.append(second)
        evidence = " ".join(source.sentences[i] for i in chosen)
        evidence_stems = set().union(*(source.stems[i] for i in chosen))

        similarity = float(cosines.max())
        support = sum(s in evidence_stems for s in stems) / len(stems) if stems else 1.0
        novel = [w for w in content if not source.knows(w)]
        runs = [r for r in source.copied_runs(claim_tokens) if r[1] > 0]
        longest = max((r[1] for r in runs), default=0) / max(1, len(claim_tokens))
        anchors = [r for r in runs if r[1] >= 2 or claim_tokens[r[0]] not in STOPWORDS]
        jumps = sum(source.sentence_of[a[2]] != source.sentence_of[b[2]]
                    for a, b in pairwise(anchors))

        # The facts are looked up in the whole source: the cited sentence, or the cited
        # document when it is known (a summary sentence may take a name from one
        # paragraph and a figure from another; the score weighs such splicing).
        unknown_quantities = [q for q in quantities(claim)
                              if not any(q.matches(o) for o in source.all_quantities)]
        unknown_dates = dates(claim) - dates(source.lowered)
        unknown_names = [n for n in dict.fromkeys(names(claim))
                         if not all(w in source.token_set for w in name_words(n))]
        # Verbatim up to case, punctuation and spacing: "decade," matches "decade".
        unknown_quotes = [q for q in quotes(claim)
                          if f" {' '.join(match_tokens(q))} " not in source.joined]
        features = {
            "similarity": similarity, "novel_words": float(len(novel)), "longest_copy": longest,
            "jumps": jumps / max(1, len(claim_tokens)),
            "numbers_missing": float(len(unknown_quantities)),
        }
        score = _logistic(self.bias + sum(self.weights[k] * v for k, v in features.items()))
        missing = [f"number {q.text}" for q in unknown_quantities]
        missing += [f"date {d}" for d in sorted(unknown_dates)]
        missing += [f"name {n}" for n in unknown_names]
        missing += [f"quote “{q}”" for q in unknown_quotes]
        qualifier = _qualifier_dropped(claim_tokens, source, begun)
        if qualifier:
            missing.append(f"leaves off the source's qualification “{qualifier}”")
        checks = {
            "similarity": similarity >= self.options.min_similarity,
            "wording": support >= self.options.min_token_support,
            "numbers": not unknown_quantities,
            "dates": not unknown_dates,
            "names": not unknown_names,
            "quotes": not unknown_quotes,
            "qualification": qualifier is None,
            "score": score >= self.options.threshold,
        }
        if not checks["similarity"]:
            missing.append(f"similarity {similarity:.2f} < {self.options.min_similarity}")
        if not checks["wording"]:
            missing.append(f"word support {support:.2f} < {self.options.min_token_support}")
        if not checks["score"]:
            missing.append(f"consistency score {score:.2f} < {self.options.threshold}")
        same_statement = float(cosines[first]) >= CONTRADICTION_SIMILARITY
        found_conflicts = conflicts(claim, evidence, unknown_quantities, unknown_dates,
                                    unknown_names) if same_statement else []
        return Finding(score=score, similarity=similarity, support=support, features=features,
                       missing=missing, conflicts=found_conflicts,
                       evidence=[source.sentences[i] for i in chosen], checks=checks)


def _qualifier_dropped(claim_tokens: list[str], source: Source, begun: list[int]
                       ) -> str | None:
    """The qualification a claim leaves off when it copies a source sentence word for
    word (one of ``begun``) up to "unless ...", "-- but only if ...", "if ...": its first
    words, else ``None``."""
    for i in begun:
        sentence = source.sentences[i]
        for gap in re.finditer(r"[\s,;:—–-]+", sentence):
            if match_tokens(sentence[:gap.start()]) == claim_tokens:
                rest = sentence[gap.end():]
                # after a colon or semicolon what follows explains or goes on, it does
                # not make the clause conditional ("one principle: if you sue, ...")
                if not re.search(r"[:;]", gap.group(0)) and opens_qualification(rest):
                    words = rest.rstrip(" .!?").split()
                    return " ".join(words[:6]) + (" ..." if len(words) > 6 else "")
                break
    return None


def _heads_copied(claim_tokens: list[str], source: Source, begun: list[int]
                  ) -> list[tuple[int, str]]:
    """The source sentences (of ``begun``) whose main clause the claim copies word for
    word, up to a point where what follows only adds to it
    (:func:`newsdesk.standalone.clause_ends`), with that clause: ``(sentence index,
    clause)``."""
    found = []
    for i in begun:
        sentence = source.sentences[i]
        for end in clause_ends(sentence):
            head = sentence[:end].rstrip(" ,;:")
            if match_tokens(head) == claim_tokens:
                found.append((i, head + "."))
                break
    return found


def _sentences_begun(claim_tokens: list[str], source: Source) -> list[int]:
    """The source sentences that open with every word of the claim, in order, and go
    on past it."""
    size = len(claim_tokens)
    return [i for i, tokens in enumerate(source.tokens)
            if size and len(tokens) > size and tokens[:size] == claim_tokens]


def _overall(found: list[Finding]) -> tuple[bool, float]:
    return all(f.passed for f in found), min(f.score for f in found)


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


class _Vectors:
    """Embeddings of every text seen in one verify call, each text embedded once."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.cache: dict[str, np.ndarray] = {}

    def add(self, texts: Sequence[str]) -> None:
        new = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if new:
            for text, vector in zip(new, self.embedder.embed_batch(new), strict=True):
                self.cache[text] = vector

    def get(self, text: str) -> np.ndarray:
        if text not in self.cache:
            self.add([text])
        return self.cache[text]

    def of(self, source: Source) -> np.ndarray:
        if source.vectors is None:
            self.add(source.sentences)
            source.vectors = np.stack([self.cache[s] for s in source.sentences])
        return source.vectors
