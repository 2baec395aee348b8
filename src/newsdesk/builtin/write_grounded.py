"""The grounded writer: an article assembled from the sources' own sentences.

No language model is involved, so nothing can be invented. The writer

1. collects candidate sentences from every source, skipping page furniture (photo
   credits and captions, sign-up, cookie and advertising notices, embedded-tweet and
   web-archive prompts) and sentences that cannot stand alone (too short or long, a
   question, cut off mid-sentence, or opening with a pronoun that needs the sentence
   before it);
2. scores each for centrality: its similarity to the story's centroid, half in embedding
   and half in TF-IDF space, its position in its source (reports put what matters
   first), how many other sources say the same and, where the sources have titles, its
   closeness to them;
3. selects greedily by maximal marginal relevance: central sentences that add something
   the sentences already chosen do not, skipping near-repeats and sentences whose
   figures are all given already, until the sentence or word budget is spent. LexRank
   over the same similarity graph and a reward for covering word pairs that several
   sources share (after Gillick and Favre 2009) are options, off by default: neither
   helped on the tuning data;
4. compresses where it is safe: drops datelines, leading connectives ("But",
   "Meanwhile,") and short parentheticals outside quotations, and keeps the shorter form
   only when it stays close in meaning to the source sentence;
5. orders and groups: the lead, then the latest developments, what happened, the
   background and the reactions, each section under a heading that names its key person,
   place or organisation (the speakers, for reactions);
6. attributes the first sentence it takes from each outlet to that outlet.

Each sentence carries a citation to the exact source sentence; the verifier then checks
the written sentence against it. Sources without an outlet, title or date are handled:
no attribution, a headline taken from the lead, no "latest" split.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from urllib.parse import urlsplit

import numpy as np

from newsdesk.backends import BackendOptions
from newsdesk.backends.embedder import Embedder
from newsdesk.backends.writer import Writer, WriteRequest
from newsdesk.records import Article, Citation, Document, Section, Sentence, SourceRef, iso
from newsdesk.text import (
    STOPWORDS,
    content_words,
    looks_like_instruction,
    names,
    numbers,
    slugify,
    split_sentences,
    words,
)

REDUNDANT = 0.80      # cosine above which a candidate repeats a chosen sentence
REPEATS_FIGURES = 0.55  # a fairly similar sentence whose figures are all already given
CORROBORATED = 0.65   # cosine above which another source's sentence reports the same fact
COMPRESSED_SIMILARITY = 0.85  # a shortened sentence must stay this close to its source
HEADLINE_SIMILARITY = 0.80    # and a headline cut from a sentence, this close
HEADLINE_WORDS = 20   # longest headline taken from a sentence
_BOILERPLATE = re.compile(
    r"(additional reporting|reporting by|editing by|writing by|all rights reserved|"
    r"sign up|subscribe|newsletter|click here|read more|follow us|copyright|©|https?://|"
    r"@\w|this article|photo:|image:|caption|\bfile photo\b|^FILE\b|\bAP Photo\b|"
    r"\bphoto(graph)? (by|credit|courtesy)\b|getty images|\bcookies?\b|privacy policy|"
    r"terms of (use|service)|javascript|your browser|advertisement|continue(s|d)? "
    r"(reading|below)|story continued|article excerpt|your tweets|tweet with a location|"
    r"wayback machine|internet archive|archive-it|web collections|crawl data|"
    r"try again later|is not available right now|interactive transcript|reprints|"
    r"non-commercial use|"
    r"^\d+ of \d+\b)", re.IGNORECASE)
# A picture caption ends with its credit: "(David M Warren / Staff Photographer)".
_CREDIT = re.compile(r"\((?:[^()]*/[^()]*|AP|Associated Press|Reuters|AFP|Getty)\)\s*$")
_DANGLING = frozenset({"They", "He", "She", "It", "This", "These", "Those", "That", "Its",
                       "His", "Her", "Their", "We", "Our", "I", "There", "Here", "Such",
                       "Both", "Neither", "Then", "So", "Thus", "Nor", "Others"})
# Connectives that tie a sentence to the one before it in its source; out of that
# context they mislead, so they are dropped. "But" and "And" need no comma; the others
# do ("Still, ..." is a connective, "Still more ..." is not).
_OPENERS = re.compile(
    r"^(?:(?:But|And)\s+(?=[\w“\"‘'])|(?:Meanwhile|However|But|And|Also|Still|Separately|"
    r"In addition|Additionally|Elsewhere|Instead|Yet|Moreover|Furthermore|Indeed|In fact|"
    r"Now|Of course|At the same time|Nonetheless|Nevertheless|Then|Plus|Again),\s+)")
_ENDS = re.compile(r"[.!][\"”’')]*$")
_PARENTHETICAL = re.compile(r"\s*\(([^()“”\"]{1,80})\)")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_SAID = re.compile(r"\b(said|says|told|added|stated|according to|announced|warned|insisted|"
                   r"wrote|writes|argued|asked|noted|explained|claimed|described)\b",
                   re.IGNORECASE)
# "said X" names the speaker; "told X" names the listener
_SAID_BEFORE = re.compile(r"\b(said|says|added|stated|according to|announced|warned|insisted|"
                          r"wrote|writes|argued|noted|explained|claimed)\s+(\S+\s+){0,3}$",
                          re.IGNORECASE)
_QUOTE_MARK = re.compile(r"[“”\"]")
_BACKGROUND = re.compile(
    r"\b(last (year|month|spring|summer|autumn|winter)|previously|earlier this year|"
    r"for decades|for years|years ago|was founded|dating back|the first since|"
    r"for the first time (in|since))\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
# "HALDEN, Nov 19 (Allied Wire) — ", "SYCAMORE, Ill. --", "CAIRO—", "(CNN) - ": place names
# in capitals (two letters or more, so "A US-led" is no dateline), a dash that is spaced,
# doubled or long (so "US-led" is none either), and a capital after it ("NASA — the
# agency — said" keeps its subject).
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+)*(?:,\s*[A-Z][A-Za-z.]{1,12})?"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{2,40}\))?"
    r"|\([A-Z][\w .]{1,30}\))\s*(?:\s[-–—]{1,2}|--|[—–])\s*(?=[A-Z0-9“\"‘'])")
_OWN_ATTRIBUTION = re.compile(r"\b(said|says|told|according to|reported|announced|wrote|"
                              r"argued|noted|claimed|warned|insisted)\b", re.IGNORECASE)
# A relative clause or age between commas right after the subject:
# "Mikhail Kalashnikov, who died last month aged 94, wrote ..." -> "Mikhail Kalashnikov wrote"
_ASIDE = re.compile(r"^([^,“”\"]{3,60}?),\s+(?:(?:who|which|whose)\b[^,“”\"]{3,90}|\d{1,3}),\s+")

_TRAILING_MODIFIER = re.compile(
    r",\s+(?=(?:the|a|an|who|which|whose|where|when|after|as|while|with|including|"
    r"according|amid|but|and|even|in|on|at|than|[a-z]+ing)\b)")
# Nationality and party adjectives ("Egyptian", "Republican") are capitalised but name
# no one; a heading needs a person, place or organisation.
_ADJECTIVE_NAME = re.compile(r"^[A-Z][a-z]+(?:ian|ean|ese|ish|ern|can|ic)$")

ROLE_HEADINGS = {
    "latest": "The latest",
    "details": "What happened",
    "earlier": "How it unfolded",
    "background": "Background",
    "reactions": "What they said",
    "more": "The details",
}
# Headings that name the section's key person, place or organisation; each reads as a
# phrase whatever the name is.
ROLE_TEMPLATES = {
    "latest": "The latest on {}",
    "details": "{}: what we know",
    "earlier": "{}: how it unfolded",
    "background": "{}: the background",
    "reactions": "What {} said",
    "more": "More on {}",
}
ROLE_ORDER = ("latest", "details", "earlier", "background", "reactions")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_WINDOW = timedelta(hours=30)  # sources this close to the newest one are "the latest"
NEWEST_WINDOW = timedelta(hours=12)  # the lead and headline come from reports this recent


@dataclass
class Candidate:
    """A source sentence the writer may use."""

    doc: Document
    index: int  # position in split_sentences(doc.text): what the citation points at
    text: str   # the source sentence, exactly
    outlet: str
    vector: np.ndarray | None = None
    score: float = 0.0
    latest: bool = True
    rank: int = 0  # position among the document's usable sentences (0 = its first)
    written: str = ""  # the sentence as the article gives it (compressed), sans attribution
    concepts: frozenset[str] = field(default_factory=frozenset)

    @property
    def length(self) -> int:
        """Words of the written form."""
        return len((self.written or self.text).split())


def outlet_name(doc: Document) -> str:
    """The outlet a document is attributed to: its site name, else the host of its URL,
    else ``""`` (no outlet known: nothing is attributed)."""
    return doc.site_name or urlsplit(doc.canonical_url or doc.url).netloc


def strip_dateline(sentence: str) -> str:
    """Drop a wire dateline ("HALDEN, Nov 19 (Allied Wire) — ", "(CNN) - ")."""
    stripped = _DATELINE.sub("", sentence, count=1)
    return stripped[0].upper() + stripped[1:] if stripped else sentence


def strip_opener(sentence: str) -> str:
    """Drop a leading connective ("But", "Meanwhile,") that points at a missing context."""
    stripped = _OPENERS.sub("", sentence, count=1)
    return stripped[0].upper() + stripped[1:] if stripped else sentence


def drop_parentheticals(sentence: str) -> str:
    """Remove short parentheticals that sit outside quotations (pronunciations, party
    labels, picture credits, translations)."""
    quoted = [m.span() for m in _QUOTED.finditer(sentence)]

    def keep_or_drop(match: re.Match[str]) -> str:
        start, end = match.span()
        if start == 0 or any(a <= start < b or a < end <= b for a, b in quoted):
            return match.group(0)
        return ""

    text = _PARENTHETICAL.sub(keep_or_drop, sentence)
    return re.sub(r"\s+([,.;:!?])", r"\1", text).strip()


def compress(sentence: str) -> str:
    """The shortest safe form of a source sentence: dateline, leading connective and
    parentheticals outside quotes removed (see :func:`strip_dateline`,
    :func:`strip_opener`, :func:`drop_parentheticals`)."""
    return drop_parentheticals(strip_opener(strip_dateline(sentence)))


def usable(sentence: str) -> bool:
    """Whether a source sentence can stand in an article on its own."""
    n_words = len(sentence.split())
    if n_words < 7 or n_words > 60:
        return False
    if _BOILERPLATE.search(sentence) or _CREDIT.search(sentence):
        return False
    if looks_like_instruction(sentence):
        return False  # text addressed to a language model is not news
    if sentence.endswith((":", "?")) or not _ENDS.search(sentence):
        return False  # a question, a lead-in, or text cut off mid-sentence
    if not sentence[0].isupper() and sentence[0] not in "“\"‘'(":
        return False
    first = strip_opener(strip_dateline(sentence)).split(maxsplit=1)[0].strip(",")
    if first in _DANGLING:
        return False  # "They sang..." means nothing without the sentence before it
    # unbalanced quotes mean the sentence splitter cut inside a quotation
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
        """Selection weights. The defaults were chosen on the mds-allsides dev split by
        coordinate ascent on ROUGE-2 (see the README); differences under about 0.3
        ROUGE-2 there are noise, and where options tied the simpler setting was kept."""

        centroid_weight: float = 1.0   # similarity to the story's centroid
        embedding_share: float = 0.5   # embedding vs TF-IDF in similarities (1 = embedding)
        lexrank_weight: float = 0.0    # LexRank over the similarity graph
        position_weight: float = 0.3   # early sentences of a source
        title_weight: float = 1.5      # closeness to the sources' titles
        corroboration_weight: float = 0.05  # per other source saying the same (up to 3)
        coverage_weight: float = 0.0   # word pairs shared by sources, not yet covered
        diversity: float = 0.7  # MMR lambda: 1 = pure centrality, 0 = pure novelty
        compress: bool = True   # shorten sentences where safe
        max_words: int = 0      # stop selecting past this many words (0: no word limit)

    options: Options

    def write(self, request: WriteRequest) -> Article | None:
        """See :meth:`Writer.write`."""
        docs = [d for d in request.documents if d.id is not None]
        if not docs:
            return None
        numbers_of = {d.id: i for i, d in enumerate(docs, 1)}
        candidates = self._candidates(docs, request.sentences_per_doc)
        if len(candidates) < 2:  # a summary and a lead at the least
            return None
        vectors = request.embedder.embed_batch([c.text for c in candidates])
        for cand, vec in zip(candidates, vectors, strict=True):
            cand.vector = vec
        self._compress(candidates, request.embedder)
        self._score(candidates, vectors, docs, request.embedder)
        weights = self._mark_concepts(candidates, docs)
        has_updates = not all(c.latest for c in candidates)
        proper = self._proper_words(docs)

        # The lead and summary state the news as it stands now: from the newest sources.
        current = [c for c in candidates if c.latest] or candidates
        newest = max((c.doc.published_at for c in current if c.doc.published_at), default=None)
        freshest = [c for c in current if newest is None or c.doc.published_at is None
                    or newest - c.doc.published_at <= NEWEST_WINDOW]
        lead_pool = [c for c in freshest if c.rank <= 1 and not is_quote(c.text)]
        lead = max(lead_pool or current, key=lambda c: c.score)
        # The summary adds to the lead rather than repeating it.
        summary_pool = [c for pool in (freshest, current) for c in pool
                        if c is not lead and c.rank <= 2 and c.length <= 40
                        and not is_quote(c.text) and _similarity(c, lead) < REDUNDANT]
        fresh_pool = [c for c in summary_pool if c in freshest]
        summary = max(fresh_pool or summary_pool or [c for c in candidates if c is not lead],
                      key=lambda c: (c.doc is not lead.doc, c.score))
        chosen = self._select(candidates, [lead, summary], request.max_sentences - 1, weights)

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
                outlet=cand.outlet, url=cand.doc.canonical_url, number=numbers_of[cand.doc.id]))

        def render(cand: Candidate) -> Sentence:
            text = cand.written
            # A sentence that already names who said it keeps its own attribution; the
            # outlet is named on the first of its sentences that does not.
            if (cand.outlet and cand.outlet not in attributed
                    and not _OWN_ATTRIBUTION.search(text) and not _QUOTE_MARK.match(text)):
                attributed.add(cand.outlet)
                text = attribute(text, cand.outlet, len(attributed), proper)
            return cite(cand, text)

        headline = self._headline(docs, lead, candidates, request.embedder, numbers_of)
        lead_sentence = render(lead)
        outlets = {c.outlet for c in candidates}
        taken: set[str] = set()
        sections = []
        for role, members in sections_src:
            members.sort(key=lambda c: (c.doc.published_at or _EPOCH, c.index))
            sections.append(Section(heading=section_heading(role, members, taken, outlets),
                                    sentences=[render(c) for c in members]))
        summary_sentence = cite(summary, summary.written)

        sources = [SourceRef(number=numbers_of[d.id], doc_id=d.id, outlet=outlet_name(d),
                             title=d.title, url=d.canonical_url, published_at=iso(d.published_at),
                             also_carried_by=request.duplicates.get(d.id, []))
                   for d in docs if d.id is not None]
        return Article(
            story_id=request.story_id, headline=headline, summary=summary_sentence,
            lead=[lead_sentence], sections=sections, slug=slugify(headline.text),
            meta_description=_clip(summary_sentence.text, 155), keywords=self._keywords(docs),
            sources=sources, writer=self.name,
        )

    # -- headline ------------------------------------------------------------------------

    def _headline(self, docs: list[Document], lead: Candidate, candidates: list[Candidate],
                  embedder: Embedder, numbers_of: dict[int | None, int]) -> Sentence:
        """The title of the lead's source, unless it is a question or a feature line;
        then the most central plain title. Sources without titles: the news as the most
        central early sentence states it, cut to headline length."""
        def plain(title: str) -> bool:
            return bool(title) and not title.rstrip().endswith("?") and len(title.split()) <= 16

        chosen = lead.doc
        if not plain(chosen.title):
            titled = [d for d in docs if plain(d.title)]
            if not titled:
                return self._headline_from_text(lead, candidates, embedder, numbers_of)
            vectors = embedder.embed_batch([d.title for d in titled])
            target = lead.vector if lead.vector is not None else vectors.mean(axis=0)
            chosen = titled[int(np.argmax(vectors @ target))]
        return Sentence(text=chosen.title.strip(), citation=Citation(
            doc_id=chosen.id or 0, sentence_index=-1, source_text=chosen.title,
            outlet=outlet_name(chosen), url=chosen.canonical_url, number=numbers_of[chosen.id]))

    def _headline_from_text(self, lead: Candidate, candidates: list[Candidate],
                            embedder: Embedder, numbers_of: dict[int | None, int]) -> Sentence:
        """The lead cut to headline length; failing that, another early, central
        sentence. A cut is kept only while it stays close in meaning to its sentence."""
        early = sorted((c for c in candidates if c.rank <= 2 and not is_quote(c.text)),
                       key=lambda c: -c.score)[:5]
        pool = [lead, *(c for c in early if c is not lead)]
        options = [(c, h) for c in pool for h in headline_options(c.written)
                   if 5 <= len(h.split()) <= HEADLINE_WORDS]
        if options:
            vectors = embedder.embed_batch([h for _, h in options])
            for (cand, text), vec in zip(options, vectors, strict=True):
                assert cand.vector is not None
                if float(vec @ cand.vector) >= HEADLINE_SIMILARITY:
                    return self._cite_headline(cand, text, numbers_of)
        return self._cite_headline(lead, headline_options(lead.written)[0], numbers_of)

    @staticmethod
    def _cite_headline(cand: Candidate, text: str, numbers_of: dict[int | None, int]
                       ) -> Sentence:
        assert cand.doc.id is not None
        return Sentence(text=text, citation=Citation(
            doc_id=cand.doc.id, sentence_index=cand.index, source_text=cand.text,
            outlet=cand.outlet, url=cand.doc.canonical_url, number=numbers_of[cand.doc.id]))

    # -- candidates and scores -------------------------------------------------------------

    def _candidates(self, docs: list[Document], per_doc: int) -> list[Candidate]:
        newest = max((d.published_at for d in docs if d.published_at), default=None)
        found = []
        for doc in docs:
            outlet = outlet_name(doc)
            latest = (newest is None or doc.published_at is None
                      or newest - doc.published_at <= LATEST_WINDOW)
            # A caption is a paragraph that ends with a picture credit; the credit is
            # a sentence of its own after splitting, so the paragraph is what tells.
            captions = {s for line in doc.text.split("\n") if _CREDIT.search(line.strip())
                        for s in split_sentences(line)}
            rank = 0
            for index, text in enumerate(split_sentences(doc.text)[:per_doc]):
                if usable(text) and text not in captions:
                    found.append(Candidate(doc=doc, index=index, text=text, outlet=outlet,
                                           latest=latest, rank=rank))
                    rank += 1
        return found

    def _compress(self, candidates: list[Candidate], embedder: Embedder) -> None:
        """Set each candidate's written form: compressed where that keeps its meaning."""
        light = [strip_opener(strip_dateline(c.text)) for c in candidates]
        for cand, text in zip(candidates, light, strict=True):
            cand.written = text
        if not self.options.compress:
            return
        shorter = [(c, s) for c, t in zip(candidates, light, strict=True)
                   if (s := drop_parentheticals(t)) != t and len(s.split()) >= 5]
        if not shorter:
            return
        vectors = embedder.embed_batch([s for _, s in shorter])
        for (cand, text), vec in zip(shorter, vectors, strict=True):
            assert cand.vector is not None
            if float(vec @ cand.vector) >= COMPRESSED_SIMILARITY:
                cand.written = text

    def _score(self, candidates: list[Candidate], vectors: np.ndarray, docs: list[Document],
               embedder: Embedder) -> None:
        opts = self.options
        share = opts.embedding_share
        terms = tfidf_matrix([c.text for c in candidates])
        similarity = share * (vectors @ vectors.T) + (1 - share) * (terms @ terms.T)
        centrality = (share * _centroid_similarity(vectors)
                      + (1 - share) * _centroid_similarity(terms))
        lex = lexrank(similarity) if opts.lexrank_weight else np.zeros(len(candidates))
        titles = [d.title for d in docs if d.title.strip()]
        if opts.title_weight and titles:
            title_vectors = embedder.embed_batch(titles)
            closeness = (vectors @ title_vectors.T).max(axis=1)
        else:
            closeness = np.zeros(len(candidates))
        embedded = vectors @ vectors.T
        doc_ids = np.array([id(c.doc) for c in candidates])
        for i, cand in enumerate(candidates):
            others = doc_ids != doc_ids[i]
            sources = {int(d) for d in doc_ids[others][embedded[i][others] >= CORROBORATED]}
            cand.score = (opts.centroid_weight * float(centrality[i])
                          + opts.lexrank_weight * float(lex[i])
                          + opts.position_weight / (1 + cand.rank)
                          + opts.title_weight * float(closeness[i])
                          + opts.corroboration_weight * min(len(sources), 3))

    @staticmethod
    def _mark_concepts(candidates: list[Candidate], docs: list[Document]) -> dict[str, int]:
        """Give each candidate the word pairs it shares with other sources (or, from a
        single source, that its source repeats); returns each pair's weight, the number
        of sources that use it."""
        per_doc = [Counter(bigrams(d.text)) for d in docs]
        spread: Counter[str] = Counter()
        for counts in per_doc:
            spread.update(counts.keys())
        single = len(docs) == 1
        for cand in candidates:
            pairs = set(bigrams(cand.text))
            if single:
                cand.concepts = frozenset(p for p in pairs if per_doc[0][p] >= 2)
            else:
                cand.concepts = frozenset(p for p in pairs if spread[p] >= 2)
        return {p: spread[p] for c in candidates for p in c.concepts}

    def _select(self, candidates: list[Candidate], fixed: list[Candidate],
                budget: int, weights: dict[str, int]) -> list[Candidate]:
        """Maximal marginal relevance with concept coverage: central sentences that add
        something new, until ``budget`` sentences or ``max_words`` words."""
        opts = self.options
        chosen: list[Candidate] = []
        taken = [c.vector for c in fixed if c.vector is not None]
        pool = [c for c in candidates if all(c is not f for f in fixed)]
        lam = opts.diversity
        chosen_numbers: set[str] = set().union(*(numbers(c.text) for c in fixed))
        covered: set[str] = set().union(*(c.concepts for c in fixed))
        top_gain = max((sum(weights.get(p, 0) for p in c.concepts) for c in pool), default=0)
        used = sum(c.length for c in fixed)
        while pool and len(chosen) < budget and not (opts.max_words and used >= opts.max_words):
            matrix = np.vstack(taken)
            best, best_value = None, -1e9
            for cand in pool:
                assert cand.vector is not None
                overlap = float((matrix @ cand.vector).max())
                if overlap >= REDUNDANT or (overlap >= REPEATS_FIGURES and numbers(cand.text)
                                            and numbers(cand.text) <= chosen_numbers):
                    continue
                value = lam * cand.score - (1 - lam) * overlap
                if opts.coverage_weight and top_gain:
                    gain = sum(weights.get(p, 0) for p in cand.concepts - covered)
                    value += opts.coverage_weight * gain / top_gain
                if value > best_value:
                    best, best_value = cand, value
            if best is None:
                break
            chosen.append(best)
            chosen_numbers |= numbers(best.text)
            covered |= best.concepts
            used += best.length
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


# -- similarity and centrality --------------------------------------------------------------


def stem(word: str) -> str:
    """A light suffix-stripping stem, enough to match "protesters"/"protester"."""
    for suffix, keep in (("'s", 0), ("ies", 0), ("ing", 5), ("ed", 4), ("es", 4), ("s", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep and not word.endswith("ss"):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def bigrams(text: str) -> list[str]:
    """Adjacent word pairs (stemmed) that are not both stop words: the "concepts" whose
    coverage the selection rewards."""
    tokens = [stem(w) for w in words(text)]
    return [f"{a} {b}" for a, b in pairwise(tokens)
            if not (a in STOPWORDS and b in STOPWORDS)]


def tfidf_matrix(texts: list[str]) -> np.ndarray:
    """Unit-length TF-IDF rows (sublinear tf, IDF over ``texts``) of stemmed content words."""
    docs = [Counter(stem(w) for w in content_words(t)) for t in texts]
    vocabulary: dict[str, int] = {}
    for counts in docs:
        for term in counts:
            vocabulary.setdefault(term, len(vocabulary))
    matrix = np.zeros((len(texts), max(len(vocabulary), 1)), dtype=np.float32)
    df = np.zeros(matrix.shape[1], dtype=np.float32)
    for row, counts in enumerate(docs):
        for term, count in counts.items():
            matrix[row, vocabulary[term]] = 1.0 + math.log(count)
            df[vocabulary[term]] += 1
    matrix *= np.log((len(texts) + 1) / (df + 1)) + 1.0
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.asarray(matrix / np.maximum(norms, 1e-9), dtype=np.float32)


def _centroid_similarity(vectors: np.ndarray) -> np.ndarray:
    centroid = vectors.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    return np.asarray(vectors @ centroid)


def lexrank(similarity: np.ndarray, threshold: float = 0.1, damping: float = 0.85,
            iterations: int = 100) -> np.ndarray:
    """Continuous LexRank (Erkan and Radev 2004): PageRank over the similarity graph with
    edges below ``threshold`` removed, scaled so the most central sentence scores 1."""
    n = len(similarity)
    weights = np.where(similarity > threshold, similarity, 0.0)
    np.fill_diagonal(weights, 0.0)
    degree = weights.sum(axis=1, keepdims=True)
    transition = np.where(degree > 0, weights / np.maximum(degree, 1e-12), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        updated = (1 - damping) / n + damping * transition.T @ rank
        if float(np.abs(updated - rank).sum()) < 1e-8:
            rank = updated
            break
        rank = updated
    return np.asarray(rank / max(float(rank.max()), 1e-12))


# -- headings and headlines ---------------------------------------------------------------


def _similarity(a: Candidate, b: Candidate) -> float:
    assert a.vector is not None and b.vector is not None
    return float(a.vector @ b.vector)


def _bare_name(name: str) -> str:
    return re.sub(r"['’]s?$", "", name).strip()


def speakers(text: str) -> list[str]:
    """Who is speaking in a sentence: names outside its quotation marks that stand next
    to a verb of saying ("..., said Mark McDonald", "Nutter told reporters")."""
    plain = _QUOTED.sub(" ", text)
    found = []
    for name in names(plain):
        at = plain.find(name)
        before, after = plain[max(0, at - 25):at], plain[at + len(name):at + len(name) + 40]
        # "said Mark McDonald, spokesman ..." / "Mark McDonald, a spokesman, said"
        if _SAID_BEFORE.search(before) or _SAID.match(after.lstrip(" ,")) or re.match(
                r"^,[^,.]{0,30},?\s+" + _SAID.pattern, after, re.IGNORECASE):
            found.append(_bare_name(name))
    return found


def section_heading(role: str, members: list[Candidate], taken: set[str],
                    outlets: set[str]) -> str:
    """A short heading naming the section's key person, place or organisation (for
    reactions, who spoke), in a phrase that fits the section's role. Names used by an
    earlier heading are not repeated; with no name to give, the role's plain label."""
    def usable_name(name: str) -> bool:
        return (bool(name) and name not in taken and name not in outlets
                and len(name.split()) <= 4 and len(name) >= 3
                and not _ADJECTIVE_NAME.match(name)
                # "Occupy L" from "Occupy L.A.": an initial cut from its full stop
                and all(len(w) > 1 for w in name.split()))

    if role == "reactions":
        said = Counter(n for c in members if is_quote(c.text)
                       for n in dict.fromkeys(speakers(c.text)))
        people = [n for n, _ in said.most_common() if usable_name(n)][:2]
        if people:
            taken.update(people)
            joined = " and ".join(people)
            return ROLE_TEMPLATES["reactions"].format(
                joined if len(joined.split()) <= 6 else people[0])
    counts: dict[str, float] = {}
    for order, cand in enumerate(members):
        for name in dict.fromkeys(_bare_name(n) for n in names(cand.written or cand.text)):
            # names in more of the section's sentences first, full names before single
            # words; ties go to the earlier
            bonus = 0.5 if " " in name and not counts.get(name) else 0.0
            counts[name] = counts.get(name, 0.0) + 1.0 + bonus - order * 0.01
    ranked = [n for n in sorted(counts, key=lambda n: -counts[n]) if usable_name(n)]
    if not ranked:
        return ROLE_HEADINGS[role]
    taken.add(ranked[0])
    return ROLE_TEMPLATES[role].format(ranked[0])


def headline_options(sentence: str) -> list[str]:
    """Ways to state a sentence as a headline, longest first: without its final full
    stop and a leading aside ("X, who ..., did Y" -> "X did Y"), then cut before each
    trailing modifier that follows a comma (", the first ...", ", according to ...",
    ", clearing ...")."""
    text = _ASIDE.sub(r"\1 ", sentence, count=1).rstrip().rstrip(".").strip()
    options = [text]
    for match in reversed(list(_TRAILING_MODIFIER.finditer(text))):
        prefix = text[:match.start()].rstrip()
        balanced = prefix.count("“") == prefix.count("”") and prefix.count('"') % 2 == 0
        if len(prefix.split()) >= 5 and balanced:
            options.append(prefix)
    return options


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
