"""The grounded writer: an article assembled from the sources' own sentences.

No language model is involved, so nothing can be invented: each sentence of the article
is a source sentence, chosen for centrality and novelty, placed in a section by its role
(what happened, new developments, background, reactions), and attributed to the outlet
that reported it. Each carries a citation to the exact source sentence; the verifier
then checks the rewritten sentence against it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from newsdesk.backends import BackendOptions
from newsdesk.backends.writer import Writer, WriteRequest
from newsdesk.records import Article, Citation, Document, Section, Sentence, SourceRef, iso
from newsdesk.text import content_words, names, numbers, slugify, split_sentences

REDUNDANT = 0.80      # cosine above which a candidate repeats a chosen sentence
REPEATS_FIGURES = 0.55  # a fairly similar sentence whose figures are all already given
CORROBORATED = 0.65   # cosine above which another outlet's sentence reports the same fact
_BOILERPLATE = re.compile(
    r"(additional reporting|reporting by|editing by|writing by|all rights reserved|"
    r"sign up|subscribe|newsletter|click here|read more|follow us|copyright|©|https?://|"
    r"@\w|this article|photo:|image:|caption)", re.IGNORECASE)
_DANGLING = frozenset({"They", "He", "She", "It", "This", "These", "Those", "That", "Its",
                       "His", "Her", "Their", "We", "Our", "I", "There", "Here", "Such",
                       "Both", "Neither", "Then", "So", "Thus", "Nor", "Others"})
_OPENERS = re.compile(r"^(Meanwhile|However|But|And|Also|Still|Separately|In addition|"
                      r"Additionally|Elsewhere|Instead|Yet|Moreover|Furthermore),\s+")
_SAID = re.compile(r"\b(said|says|told|added|stated|according to|announced|warned|insisted|"
                   r"wrote|writes|argued|asked|noted|explained|claimed|described)\b",
                   re.IGNORECASE)
_QUOTE_MARK = re.compile(r"[“”\"]")
_BACKGROUND = re.compile(
    r"\b(last (year|month|spring|summer|autumn|winter)|previously|earlier this year|"
    r"for decades|for years|years ago|was founded|dating back|the first since|"
    r"for the first time (in|since))\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{1,40},?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+)?(?:\([^)]{2,40}\)\s*)?"
    r"[—–-]{1,2}\s+")
_OWN_ATTRIBUTION = re.compile(r"\b(said|says|told|according to|reported|announced|wrote|"
                              r"argued|noted|claimed|warned|insisted)\b", re.IGNORECASE)

ROLE_HEADINGS = {
    "latest": "The latest",
    "details": "What happened",
    "earlier": "How it unfolded",
    "background": "Background",
    "reactions": "What they said",
    "more": "The details",
}
ROLE_ORDER = ("latest", "details", "earlier", "background", "reactions")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_WINDOW = timedelta(hours=30)  # sources this close to the newest one are "the latest"
NEWEST_WINDOW = timedelta(hours=12)  # the lead and headline come from reports this recent


@dataclass
class Candidate:
    """A source sentence the writer may use."""

    doc: Document
    index: int
    text: str
    outlet: str
    vector: np.ndarray | None = None
    score: float = 0.0
    latest: bool = True


def outlet_name(doc: Document) -> str:
    """The outlet a document is attributed to."""
    return doc.site_name or doc.canonical_url.split("/")[2]


def strip_dateline(sentence: str) -> str:
    """Drop a wire dateline ("HALDEN, Nov 19 (Allied Wire) — ") from a sentence."""
    stripped = _DATELINE.sub("", sentence, count=1)
    return stripped[0].upper() + stripped[1:] if stripped else sentence


def usable(sentence: str) -> bool:
    """Whether a source sentence can stand in an article on its own."""
    n_words = len(sentence.split())
    if n_words < 7 or n_words > 60:
        return False
    if _BOILERPLATE.search(sentence) or sentence.endswith((":", "?")):
        return False
    if not sentence[0].isupper() and sentence[0] not in "“\"‘'":
        return False
    if sentence.split(maxsplit=1)[0].strip(",") in _DANGLING:
        return False  # "They sang..." means nothing without the sentence before it
    # unbalanced quotes mean punkt split inside a quotation
    return not (sentence.count("“") != sentence.count("”") or sentence.count('"') % 2)


def is_quote(text: str) -> bool:
    """A sentence that reports someone's words."""
    return bool(_QUOTE_MARK.search(text) and _SAID.search(text))


def is_background(text: str, story_year: int | None) -> bool:
    """Context from before the story: a past year, or words such as "last year"."""
    if _BACKGROUND.search(text):
        return True
    return story_year is not None and any(int(y) < story_year for y in _YEAR.findall(text))


def role_of(candidate: Candidate, has_updates: bool, story_year: int | None = None) -> str:
    """Which section a sentence belongs in."""
    if is_quote(candidate.text):
        return "reactions"
    if is_background(candidate.text, story_year):
        return "background"
    if not has_updates:
        return "details"
    return "latest" if candidate.latest else "earlier"


class GroundedWriter(Writer):
    """Extractive multi-source composer with attribution and per-sentence citations."""

    name = "grounded"

    class Options(BackendOptions):
        """Selection weights."""

        position_weight: float = 0.15
        corroboration_weight: float = 0.05
        diversity: float = 0.7  # MMR lambda: 1 = pure centrality, 0 = pure novelty

    options: Options

    def write(self, request: WriteRequest) -> Article | None:
        """See :meth:`Writer.write`."""
        docs = [d for d in request.documents if d.id is not None]
        if not docs:
            return None
        numbers = {d.id: i for i, d in enumerate(docs, 1)}
        candidates = self._candidates(docs, request.sentences_per_doc)
        if len(candidates) < 3:
            return None
        vectors = request.embedder.embed_batch([c.text for c in candidates])
        for cand, vec in zip(candidates, vectors, strict=True):
            cand.vector = vec
        self._score(candidates, vectors)
        has_updates = not all(c.latest for c in candidates)
        proper = self._proper_words(docs)

        # The lead and summary state the news as it stands now: from the newest sources.
        current = [c for c in candidates if c.latest] or candidates
        newest = max((c.doc.published_at for c in current if c.doc.published_at), default=None)
        freshest = [c for c in current if newest is None or c.doc.published_at is None
                    or newest - c.doc.published_at <= NEWEST_WINDOW]
        lead_pool = [c for c in freshest if c.index <= 1 and not is_quote(c.text)]
        lead = max(lead_pool or current, key=lambda c: c.score)
        summary_pool = [c for pool in (freshest, current) for c in pool
                        if c is not lead and c.index <= 2 and len(c.text.split()) <= 40
                        and not is_quote(c.text)]
        fresh_pool = [c for c in summary_pool if c in freshest]
        summary = max(fresh_pool or summary_pool or [c for c in candidates if c is not lead],
                      key=lambda c: (c.outlet != lead.outlet, c.score))
        chosen = self._select(candidates, [lead, summary], request.max_sentences - 1)

        story_year = newest.year if newest else None
        by_role: dict[str, list[Candidate]] = {role: [] for role in ROLE_ORDER}
        for cand in chosen:
            by_role[role_of(cand, has_updates, story_year)].append(cand)
        sections_src = self._balance(by_role)

        attributed: set[str] = set()

        def cite(cand: Candidate, text: str) -> Sentence:
            assert cand.doc.id is not None
            return Sentence(text=text, citation=Citation(
                doc_id=cand.doc.id, sentence_index=cand.index, source_text=cand.text,
                outlet=cand.outlet, url=cand.doc.canonical_url, number=numbers[cand.doc.id]))

        def render(cand: Candidate) -> Sentence:
            text = strip_dateline(_OPENERS.sub("", cand.text))
            text = text[0].upper() + text[1:]
            # A sentence that already names who said it keeps its own attribution; the
            # outlet is named on the first of its sentences that does not.
            if (cand.outlet not in attributed and not _OWN_ATTRIBUTION.search(text)
                    and not _QUOTE_MARK.match(text)):
                attributed.add(cand.outlet)
                text = attribute(text, cand.outlet, len(attributed), proper)
            return cite(cand, text)

        headline = self._headline(docs, lead, request, numbers)
        lead_sentence = render(lead)
        sections = []
        for role, members in sections_src:
            members.sort(key=lambda c: (c.doc.published_at or _EPOCH, c.index))
            sections.append(Section(heading=ROLE_HEADINGS[role],
                                    sentences=[render(c) for c in members]))
        summary_sentence = cite(summary, strip_dateline(_OPENERS.sub("", summary.text)))

        sources = [SourceRef(number=numbers[d.id], doc_id=d.id, outlet=outlet_name(d),
                             title=d.title, url=d.canonical_url, published_at=iso(d.published_at),
                             also_carried_by=request.duplicates.get(d.id, []))
                   for d in docs if d.id is not None]
        return Article(
            story_id=request.story_id, headline=headline, summary=summary_sentence,
            lead=[lead_sentence], sections=sections, slug=slugify(headline.text),
            meta_description=_clip(summary_sentence.text, 155), keywords=self._keywords(docs),
            sources=sources, writer=self.name,
        )

    def _headline(self, docs: list[Document], lead: Candidate, request: WriteRequest,
                  numbers: dict[int | None, int]) -> Sentence:
        """The title of the lead's source, unless it is a question or a feature line;
        then the most central plain title among the latest sources."""
        def plain(title: str) -> bool:
            return bool(title) and not title.rstrip().endswith("?") and len(title.split()) <= 16

        chosen = lead.doc
        if not plain(chosen.title):
            latest = [d for d in docs if plain(d.title)]
            if latest:
                vectors = request.embedder.embed_batch([d.title for d in latest])
                target = lead.vector if lead.vector is not None else vectors.mean(axis=0)
                chosen = latest[int(np.argmax(vectors @ target))]
        return Sentence(text=chosen.title.strip(), citation=Citation(
            doc_id=chosen.id or 0, sentence_index=-1, source_text=chosen.title,
            outlet=outlet_name(chosen), url=chosen.canonical_url, number=numbers[chosen.id]))

    # -- selection -----------------------------------------------------------------------

    def _candidates(self, docs: list[Document], per_doc: int) -> list[Candidate]:
        newest = max((d.published_at for d in docs if d.published_at), default=None)
        found = []
        for doc in docs:
            outlet = outlet_name(doc)
            latest = (newest is None or doc.published_at is None
                      or newest - doc.published_at <= LATEST_WINDOW)
            for index, text in enumerate(split_sentences(doc.text)[:per_doc]):
                if usable(text):
                    found.append(Candidate(doc=doc, index=index, text=text, outlet=outlet,
                                           latest=latest))
        return found

    def _score(self, candidates: list[Candidate], vectors: np.ndarray) -> None:
        centroid = vectors.mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
        centrality = vectors @ centroid
        similarity = vectors @ vectors.T
        outlets = np.array([c.outlet for c in candidates])
        for i, cand in enumerate(candidates):
            others = similarity[i][outlets != cand.outlet]
            corroboration = int((others >= CORROBORATED).sum())
            position = self.options.position_weight / (1 + cand.index)
            cand.score = (float(centrality[i]) + position
                          + self.options.corroboration_weight * min(corroboration, 3))

    def _select(self, candidates: list[Candidate], fixed: list[Candidate],
                budget: int) -> list[Candidate]:
        """Maximal marginal relevance: central sentences that add something new."""
        chosen: list[Candidate] = []
        taken = [c.vector for c in fixed if c.vector is not None]
        pool = [c for c in candidates if all(c is not f for f in fixed)]
        lam = self.options.diversity
        chosen_numbers: set[str] = set().union(*(numbers(c.text) for c in fixed))
        while pool and len(chosen) < budget:
            matrix = np.vstack(taken)
            best, best_value = None, -1e9
            for cand in pool:
                assert cand.vector is not None
                overlap = float((matrix @ cand.vector).max())
                if overlap >= REDUNDANT or (overlap >= REPEATS_FIGURES and numbers(cand.text)
                                            and numbers(cand.text) <= chosen_numbers):
                    continue
                value = lam * cand.score - (1 - lam) * overlap
                if value > best_value:
                    best, best_value = cand, value
            if best is None:
                break
            chosen.append(best)
            chosen_numbers |= numbers(best.text)
            assert best.vector is not None
            taken.append(best.vector)
            pool.remove(best)
        return chosen

    @staticmethod
    def _balance(by_role: dict[str, list[Candidate]]) -> list[tuple[str, list[Candidate]]]:
        """2-4 non-empty sections, none of a single sentence when it can be helped."""
        sections = [(role, list(by_role[role])) for role in ROLE_ORDER if by_role[role]]

        def fold_smallest() -> None:
            index = min(range(len(sections)), key=lambda i: len(sections[i][1]))
            _role, members = sections.pop(index)
            sections[max(0, index - 1)][1].extend(members)

        # A one-sentence section reads as an afterthought: fold it into its neighbour.
        while len(sections) > 2 and min(len(m) for _, m in sections) == 1:
            fold_smallest()
        while len(sections) > 4:
            fold_smallest()
        if len(sections) == 1 and len(sections[0][1]) >= 4:
            role, members = sections[0]
            half = (len(members) + 1) // 2
            sections = [(role, members[:half]), ("more", members[half:])]
        return sections

    @staticmethod
    def _proper_words(docs: list[Document]) -> set[str]:
        """Words the sources capitalise mid-sentence (names): never lower-cased."""
        seen: set[str] = set()
        for doc in docs:
            seen.update(re.findall(r"(?<=[a-z,;] )([A-Z][\w'’-]+)", doc.text))
        return seen

    @staticmethod
    def _keywords(docs: list[Document]) -> list[str]:
        name_counts = Counter(n for d in docs for n in set(names(f"{d.title}. {d.text}")))
        outlets = {outlet_name(d) for d in docs}
        top_names = [n for n, c in name_counts.most_common(12) if c > 1 and n not in outlets][:6]
        word_counts = Counter(w for d in docs for w in set(content_words(d.title + " " + d.text)))
        top_words = [w for w, c in word_counts.most_common(30)
                     if len(w) > 3 and not any(w in n.lower() for n in top_names)][:4]
        return top_names + top_words


def attribute(text: str, outlet: str, turn: int, proper: set[str]) -> str:
    """Attribute a sentence to its outlet, alternating two natural forms.

    The first word is lower-cased after "According to ..." unless the sources use it
    as a name (capitalised mid-sentence) or it is an acronym.
    """
    first, _, rest = text.partition(" ")
    if turn % 2 == 0 and text.endswith(".") and not _QUOTE_MARK.search(text[-3:]):
        return f"{text[:-1]}, {outlet} reported."
    bare = first.rstrip(",;:")
    acronym = len(bare) > 1 and bare.isupper()
    if bare not in proper and not acronym and bare != "I":
        first = first[0].lower() + first[1:]
    return f"According to {outlet}, {first} {rest}".rstrip()


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
