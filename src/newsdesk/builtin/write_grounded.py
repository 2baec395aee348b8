"""The grounded writer: an article assembled from the sources' own sentences.

No language model is involved, so nothing can be invented. The writer

1. collects candidate sentences from every news source (opinion and commentary are
   listed as sources but never speak in the article), keeping only sentences that can
   stand alone in the newsroom's voice (:mod:`newsdesk.writing.candidates`: whole
   sentences, no one's first person, no quotation without its speaker, no pronoun or
   connective pointing back, no page furniture);
2. scores each for centrality: its similarity to the story's centroid, half in embedding
   and half in TF-IDF space, its position in its source (reports put what matters
   first), how many other sources say the same and, where the sources have titles, its
   closeness to them;
3. selects greedily by maximal marginal relevance: central sentences that add something
   the sentences already chosen do not, skipping near-repeats and sentences whose
   figures are all given already, until the sentence or word budget is spent;
4. compresses where it is safe: drops datelines, leading connectives and short
   parentheticals outside quotations, keeping the shorter form only when it stays close
   in meaning to the source sentence;
5. reads the article in order and keeps its references true
   (:mod:`newsdesk.writing.references`): a person's first mention gives the full name,
   a sentence about "the base" needs the base before it, or it is left out;
6. orders and groups: a story whose sources are short becomes a brief (a lead paragraph
   and no subheadings); a longer one gets the lead, then the latest developments, what
   happened, the background and the reactions, each under a heading that names a whole
   person or place (:mod:`newsdesk.writing.headings`). No more than two consecutive
   sentences come from one source;
7. credits the outlet (:mod:`newsdesk.attribution`): the summary always, and the first
   body sentence taken from each outlet ("According to X, ..." / "..., X reported.");
   a sentence that already says who said it keeps its own attribution. An unnamed
   outlet is "one report".

The headline is the plainest of the sources' own headlines that is closest to every
other source (fair to every side the story has), credited to its outlet on the article
(``headline_credit``); without a usable headline, the lead cut to headline length.
Each sentence carries a citation to the exact source sentence; the verifier then checks
the written sentence against it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import numpy as np

from newsdesk.attribution import (
    WordCase,
    can_trail,
    credit_name,
    ends_on_own_credit,
    frame,
    names_own_outlet,
    opening_word,
    word_case,
)
from newsdesk.backends import BackendOptions
from newsdesk.backends.embedder import Embedder
from newsdesk.backends.writer import Writer, WriteRequest
from newsdesk.outlets import is_opinion, outlet_name
from newsdesk.records import Article, Citation, Document, Section, Sentence, SourceRef, iso
from newsdesk.standalone import quotations, quoted_words, speaker_names
from newsdesk.story_features import embedding_text
from newsdesk.text import (
    NUMBER_WORDS,
    content_words,
    names,
    numbers,
    slugify,
    split_sentences,
    stem,
)
from newsdesk.writing.candidates import (
    CREDIT,
    OUTLET_TAIL_WORDS,
    clause_head,
    drop_parentheticals,
    gallery_captions,
    has_own_attribution,
    introduces_embed,
    is_quote,
    light_form,
    outlet_words_after_quote,
    rejection,
)
from newsdesk.writing.grammar import are_sentences, opens_with_common_word
from newsdesk.writing.headings import ROLE_HEADINGS, section_heading, whole_place
from newsdesk.writing.headlines import headline_options, plain_title
from newsdesk.writing.previews import overtaken
from newsdesk.writing.references import (
    ReferenceTracker,
    description_from_elsewhere,
    named_in,
    names_in_text,
    person_names,
)
from newsdesk.writing.similarity import bigrams, centroid_similarity, lexrank, tfidf_matrix

__all__ = ["ROLE_HEADINGS", "Candidate", "GroundedWriter", "role_of"]

NAMED_HEADLINE_BONUS = 0.05  # added to the fairness of a headline from a named outlet
SUMMARY_MAX_WORDS = 40  # a longer sentence is not the line under the headline
REDUNDANT = 0.80      # cosine above which a candidate repeats a chosen sentence
REPEATS_FIGURES = 0.55  # a fairly similar sentence whose figures are all already given
ROUND_FIGURE = 0.01   # a figure this close to one given (and 100 or more) is given
CORROBORATED = 0.65   # cosine above which another source's sentence reports the same fact
COMPRESSED_SIMILARITY = 0.85  # a shortened sentence must stay this close to its source
HEADLINE_SIMILARITY = 0.80    # and a headline cut from a sentence, this close
HEADLINE_WORDS = 20   # longest headline taken from a sentence
MAX_RUN = 2           # consecutive sentences from one source (run_source), at most
FRESH_BONUS = 0.1     # added to a summary candidate's score when it is from the newest reports
OTHER_OUTLET_BONUS = 0.1  # and when it comes from another outlet than the lead
HEADING = -1          # stands for "a heading" where the writer tracks the last source read
OVERSELECT = 3        # candidates chosen per sentence the article has room for
COMPOSE_ROUNDS = 4    # times the body is refilled after sentences that do not fit
GRAMMAR_ROUNDS = 3    # times an article is written again without a non-sentence it chose
_BACKGROUND_WORDS = ("last year", "last month", "previously", "earlier this year",
                     "for decades", "for years", "years ago", "was founded", "dating back",
                     "the first since", "for the first time in", "for the first time since")
_ADDITIVE = re.compile(r"\b(?:also|too|another|as well|likewise)\b", re.IGNORECASE)
# "The committee's Democrats had already felt that ...": a past before another past,
# which the sentence before told; not the first thing a reader meets
_EARLIER_PAST = re.compile(r"\bhad\s+(?:already|long|previously|earlier)\b", re.IGNORECASE)


def leans_on_before(text: str) -> bool:
    """Whether ``text`` adds to something said before ("also", "another") or tells a
    past before another past ("had already"): not the first thing a reader meets."""
    return bool(_ADDITIVE.search(text) or _EARLIER_PAST.search(text))
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ROLE_ORDER = ("latest", "details", "earlier", "background", "reactions")
LATEST_WINDOW = timedelta(hours=30)  # sources this close to the newest one are "the latest"
NEWEST_WINDOW = timedelta(hours=12)  # the lead and headline come from reports this recent


def run_source(outlet: str, document: object) -> object:
    """What counts as one source for :data:`MAX_RUN`: the outlet when the report names
    one (two pages of one outlet are one voice), else the document itself."""
    return outlet.casefold() if outlet else ("document", document)


@dataclass(eq=False)
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
    # a page cut off mid-sentence: the whole main clause it opens with (clause_head), the
    # form the article starts from
    head: str = ""
    concepts: frozenset[str] = field(default_factory=frozenset)

    @property
    def length(self) -> int:
        """Words of the written form."""
        return len((self.written or self.text).split())

    @property
    def source(self) -> object:
        """The source it counts as for :data:`MAX_RUN` (:func:`run_source`)."""
        return run_source(self.outlet, id(self.doc))


def is_background(text: str, story_year: int | None) -> bool:
    """Context from before the story: a past year, or words such as "last year"."""
    lowered = text.lower()
    if any(phrase in lowered for phrase in _BACKGROUND_WORDS):
        return True
    years = [int(y) for y in _YEAR.findall(lowered)]
    return story_year is not None and any(y < story_year for y in years)


def quote_heavy(text: str) -> bool:
    """A sentence that is mostly someone's words: fine in the body under its speaker,
    not as the story's summary or lead."""
    return quoted_words(text) * 2 >= len(text.split())


def role_of(candidate: Candidate, has_updates: bool, story_year: int | None = None) -> str:
    """Which section a sentence belongs in."""
    if is_quote(candidate.text):
        return "reactions"
    if is_background(candidate.text, story_year):
        return "background"
    if not has_updates:
        return "details"
    return "latest" if candidate.latest else "earlier"


_ACCORDING_TO = re.compile(r"\baccording\s+to\b", re.IGNORECASE)


def opening_case(text: str, case: WordCase) -> WordCase:
    """``case`` with the first word of ``text`` known as a common word where the sources
    cannot tell, when the sentence must take its credit at its head (it cannot close on
    "..., X reported.": it ends on a quotation or on its own credit) and the word reads
    as a common one in it (:func:`opens_with_common_word`): a word the sources never
    write inside a sentence (not "According to BBC News, Social media services ...,
    Facebook says."), or one they write in lower case that a name follows ("senior US
    officials", where "Job Corps" keeps its capital)."""
    word = opening_word(text)  # the word frame() would lower-case
    first = word.lower()
    if (not first or first in case.proper
            or (can_trail(text) and not ends_on_own_credit(text))
            or not opens_with_common_word(text, word, written_lower=first in case.lower)):
        return case
    return replace(case, common_opening=frozenset({first}))


def summary_line(text: str, outlet: str, who: Callable[[], str], case: WordCase) -> str:
    """The summary sentence ``text`` with its outlet's credit (``who()`` names it, and
    registers an unnamed outlet as "one report"), at its head when the sentence ends on
    its own credit ("According to Reuters, ..., officials said.").

    An outlet without a name adds nothing to a sentence that ends on its own credit (not
    "According to one report, ..., reports said."): that sentence stands as written, and
    the outlet is credited on its first body sentence that does not credit itself. Nor
    does a sentence that credits its outlet itself take a frame ("..., a source tells
    CNBC.", not "..., a source tells CNBC, CNBC reported.")."""
    if not outlet and ends_on_own_credit(text):
        return text
    if names_own_outlet(text, outlet):
        return text  # "..., a source familiar with the proposal tells CNBC."
    # "..., according to Burbio, a data service ..., USA TODAY reported.", not two
    # "according to"s in one sentence
    inner_source = _ACCORDING_TO.search(text) is not None and not ends_on_own_credit(text)
    return frame(text, who(), trailing=inner_source or not has_own_attribution(text),
                 case=opening_case(text, case))


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
        brief_sentences: int = 4  # at most this many body sentences: a brief, no subheadings

    options: Options

    def write(self, request: WriteRequest) -> Article | None:
        """See :meth:`Writer.write`. Every sentence the article gives (summary, lead,
        sections) must read as a clause (:func:`newsdesk.writing.grammar.are_sentences`):
        a source "sentence" that is a caption or page furniture is left out and the
        article written again without it, up to :data:`GRAMMAR_ROUNDS` times; what is
        still not a sentence after that is dropped (the summary: no article)."""
        excluded: set[tuple[int, int]] = set()
        for _round in range(GRAMMAR_ROUNDS):
            result = self._write(request, excluded)
            if result is None:
                return None
            article, written = result
            given = [article.summary, *article.lead,
                     *(s for section in article.sections for s in section.sentences)]
            keys = [(s.citation.doc_id, s.citation.sentence_index) for s in given]
            clauses = are_sentences([written.get(k, s.citation.source_text)
                                     for k, s in zip(keys, given, strict=True)])
            bad = {k for k, clause in zip(keys, clauses, strict=True) if not clause}
            if not bad:
                return article
            excluded |= bad
        if (article.summary.citation.doc_id, article.summary.citation.sentence_index) in bad:
            return None
        article.keep_body(lambda s: (s.citation.doc_id, s.citation.sentence_index) not in bad)
        return article

    def _write(self, request: WriteRequest, excluded: set[tuple[int, int]]
               ) -> tuple[Article, dict[tuple[int, int], str]] | None:
        """The article, from every candidate sentence but the ``excluded`` ones (document
        id, sentence index), and each of its sentences as written, without the frame
        (by document id and sentence index)."""
        docs = [d for d in request.documents if d.id is not None]
        news = [d for d in docs if not is_opinion(d)]
        if not news:
            return None
        numbers_of = {d.id: i for i, d in enumerate(docs, 1)}
        candidates = self._candidates(news, request.sentences_per_doc, excluded)
        # a preview ("will testify Tuesday") that a later report tells as done
        # ("testified on Tuesday") is not told beside it
        reports = [(d.published_at, d.text) for d in news]
        candidates = [c for c in candidates
                      if not overtaken(c.text, c.doc.published_at, reports)] or candidates
        if not candidates:
            return None
        vectors = request.embedder.embed_batch([c.text for c in candidates])
        for cand, vec in zip(candidates, vectors, strict=True):
            cand.vector = vec
        self._compress(candidates, request.embedder)
        self._score(candidates, vectors, news, request.embedder)
        weights = self._mark_concepts(candidates, news)
        has_updates = not all(c.latest for c in candidates)
        people = person_names(n for d in news for n in request.people.get(d.id or 0, []))
        # and those named further down than the recogniser reads
        for doc in news:
            people += names_in_text(named_in(doc), people)
        named = dict.fromkeys(n for d in news for n in request.places.get(d.id or 0, []))
        places = [p for p in named if whole_place(p, [d.text for d in news])]
        tracker = ReferenceTracker(people)

        # The summary and the lead state the news as it stands now: from the newest
        # sources, the summary from another outlet than the lead where one can.
        current = [c for c in candidates if c.latest] or candidates
        newest = max((c.doc.published_at for c in current if c.doc.published_at), default=None)
        freshest = [c for c in current if newest is None or c.doc.published_at is None
                    or newest - c.doc.published_at <= NEWEST_WINDOW]
        ranked = sorted(candidates, key=lambda c: -c.score)
        lead_pool = [c for c in freshest if c.rank <= 1 and not quote_heavy(c.text)]
        summary, lead = self._summary_and_lead(lead_pool, freshest, current, ranked, tracker)
        if summary is None:
            # Short reports that give one sentence a reader can take alone between them
            # (an excerpt cut off mid-sentence, a teaser, a column): a one-sentence brief.
            summary = self._lone_summary(ranked, tracker)
            if summary is None:
                return None
        story_year = newest.year if newest else None
        # reports without an outlet name, in the order first credited: by report, not by
        # feed (one feed of unnamed items carries many outlets' reports, and two of them
        # are two reports: "one report", then "another report")
        unnamed: list[int] = []

        def who(cand: Candidate) -> str:
            if not cand.outlet and id(cand.doc) not in unnamed:
                unnamed.append(id(cand.doc))
            return credit_name(cand.outlet, unnamed.index(id(cand.doc))
                               if not cand.outlet else 0)

        def cite(cand: Candidate, text: str) -> Sentence:
            assert cand.doc.id is not None
            return Sentence(text=text, citation=Citation(
                doc_id=cand.doc.id, sentence_index=cand.index, source_text=cand.text,
                outlet=cand.outlet, url=cand.doc.canonical_url, number=numbers_of[cand.doc.id]))

        credited: set[int] = set()
        frames = 0  # body sentences framed so far: leading and trailing frames alternate
        # the source of the sentence read just before (HEADING: none since a heading)
        previous: int | None = None

        def render(cand: Candidate) -> Sentence:
            # The outlet is named on the first of its sentences that does not say who
            # said it already, and again whenever the article comes back to it after
            # another outlet's sentence (else a reader takes it for the other outlet's
            # reporting) or opens a section (a credit does not carry past a heading); an
            # outlet without a name is "one report" or "another report", so that no
            # source's words read as the newsroom's own.
            nonlocal frames, previous
            text = cand.written
            switched = previous is not None and previous != id(cand.doc)
            previous = id(cand.doc)
            # A quotation with its speaker needs no outlet, unless the words after the
            # verb of saying describe the moment in the outlet's own terms ("...,” Conway
            # told reporters in a bizarre hours-long effort to ..."): then the outlet
            # closes the sentence.
            described = outlet_words_after_quote(text) > OUTLET_TAIL_WORDS
            if ((id(cand.doc) not in credited or switched)
                    and (described or (not has_own_attribution(text)
                                       and not text.startswith(("“", '"', "‘", "'"))))):
                credited.add(id(cand.doc))
                frames += 1
                text = frame(text, who(cand), trailing=described or frames % 2 == 0,
                             case=opening_case(text, case))
            return cite(cand, text)

        case = word_case(d.text for d in news)
        # The summary stands under the headline as the story's own line: it always names
        # the outlet it comes from, even when it names its speaker too.
        # (at its head when the sentence ends on its own credit: "..., officials said.")
        summary_text = summary_line(summary.written, summary.outlet, lambda: who(summary), case)
        summary_sentence = cite(summary, summary_text)
        layout: list[tuple[str, list[Candidate]]] = [("lead", [])]  # a one-sentence brief
        if lead is not None:
            # More than the budget is chosen: some will not read well at their place.
            ranked_body = self._select(candidates, [lead, summary],
                                       OVERSELECT * (request.max_sentences - 1), weights,
                                       word_limit=OVERSELECT * self.options.max_words)
            layout = self._compose(lead, summary, ranked_body, request.max_sentences - 1,
                                   candidates=candidates, has_updates=has_updates,
                                   story_year=story_year, tracker=tracker)
        told = {id(c.doc) for c in [summary, *(c for _, m in layout for c in m)]}
        headline, credit = self._headline(news, lead or summary, candidates, request.embedder,
                                          numbers_of,
                                          known=request.vectors,
                                          told=[d for d in news if id(d) in told],
                                          opening=[summary, *layout[0][1]])
        lead_sentences = [render(c) for c in layout[0][1]]
        sections: list[Section] = []
        taken: set[str] = set()
        for role, members in layout[1:]:
            previous = HEADING
            texts = [c.written for c in members]
            said = [p for c in members if is_quote(c.text)
                    for p in speaker_names(c.written, people)]
            sections.append(Section(
                heading=section_heading(role, texts, said, people=people, places=places,
                                        taken=taken, sources=[d.text for d in news]),
                sentences=[render(c) for c in members]))
        sources = [SourceRef(number=numbers_of[d.id], doc_id=d.id, outlet=outlet_name(d),
                             title=d.title, url=d.canonical_url, published_at=iso(d.published_at),
                             also_carried_by=request.duplicates.get(d.id, []))
                   for d in docs if d.id is not None]
        written = {(c.doc.id or 0, c.index): c.written
                   for c in [summary, *(c for _, members in layout for c in members)]}
        return Article(
            story_id=request.story_id, headline=headline, summary=summary_sentence,
            lead=lead_sentences, sections=sections, slug=slugify(headline.text),
            meta_description=_clip(summary_sentence.text, 155), keywords=self._keywords(news),
            sources=sources, writer=self.name, headline_credit=credit,
            kind="brief" if not sections else "article",
        ), written

    # -- choosing what the article says ---------------------------------------------------

    @staticmethod
    def _lone_summary(ranked: list[Candidate], tracker: ReferenceTracker) -> Candidate | None:
        """The sentence of a one-sentence brief: the most central one that reads on its
        own as the first a reader meets (no "also", not mostly a quotation), a short one
        first. The tracker's state is advanced for it."""
        pool = [c for c in ranked if not leans_on_before(c.written) and not quote_heavy(c.text)]
        for cand in sorted(pool, key=lambda c: c.length > SUMMARY_MAX_WORDS):
            text = _resolve(tracker.copy(), cand)
            if text is not None:
                cand.written = text
                tracker.accept(text)
                return cand
        return None

    @staticmethod
    def _summary_and_lead(lead_pool: list[Candidate], freshest: list[Candidate],
                          current: list[Candidate], ranked: list[Candidate],
                          tracker: ReferenceTracker
                          ) -> tuple[Candidate | None, Candidate | None]:
        """The summary (read first, right under the headline) and the lead: each must
        read on its own at its place; the summary adds to the lead rather than repeat it.
        Both trackers' state is advanced for the two chosen."""
        def readable(cand: Candidate, probe: ReferenceTracker) -> str | None:
            return _resolve(probe, cand)

        # The first sentences a reader meets must not lean on others: "also", "again",
        # "another" add to something said before, "had already" tells a past before it.
        everything = ranked
        opening = [c for c in ranked if not leans_on_before(c.written)] or ranked
        lead_pool = [c for c in lead_pool if c in opening]
        current = [c for c in current if c in opening] or current
        freshest = [c for c in freshest if c in opening]
        ranked = opening
        leads = sorted(lead_pool or current, key=lambda c: -c.score) + ranked
        for lead in dict.fromkeys(leads):
            pool = [c for group in (freshest, current, ranked) for c in group
                    if c is not lead and c.rank <= 2 and c.length <= SUMMARY_MAX_WORDS
                    and not quote_heavy(c.text) and _similarity(c, lead) < REDUNDANT]
            pool = pool or [c for c in ranked if c is not lead and _similarity(c, lead) < REDUNDANT]
            fresh = {id(c) for c in pool if c in freshest}
            # the most central sentence, with a nudge towards the newest reports and
            # towards another outlet than the lead's
            order = sorted(dict.fromkeys(pool), key=lambda c: -(
                c.score + FRESH_BONUS * (id(c) in fresh)
                + OTHER_OUTLET_BONUS * (c.doc is not lead.doc)))
            for summary in order:
                # The stronger opening is read first, under the headline: the best
                # opening sentence is the summary when it is short enough to stand there
                # and the other, as the lead, is news from the newest reports too.
                swap = lead.length <= SUMMARY_MAX_WORDS and id(summary) in fresh
                # ... unless the other opens its report and the best does not: a
                # report's first sentence states its news ("Sanders won the primary"),
                # a later one its detail ("Sanders had been leading ...")
                if swap and lead.index > 0 and summary.index == 0:
                    swap = False
                pair = (lead, summary) if swap else (summary, lead)
                for first, second in (pair, pair[::-1]):
                    probe = tracker.copy()
                    first_text = readable(first, probe)
                    if first_text is None:
                        continue
                    probe.accept(first_text)
                    second_text = readable(second, probe)
                    if second_text is None:
                        continue
                    first.written, second.written = first_text, second_text
                    tracker.accept(first_text)
                    tracker.accept(second_text)
                    return first, second
        # Short sources that all say much the same: any two sentences that read well in
        # this order, the best first, make a brief.
        for summary in ranked:
            probe = tracker.copy()
            summary_text = readable(summary, probe)
            if summary_text is None:
                continue
            probe.accept(summary_text)
            for lead in everything:
                if lead is summary or lead.text == summary.text:
                    continue
                lead_text = readable(lead, probe)
                if lead_text is not None:
                    summary.written, lead.written = summary_text, lead_text
                    tracker.accept(summary_text)
                    tracker.accept(lead_text)
                    return summary, lead
        return None, None

    def _compose(self, lead: Candidate, summary: Candidate, ranked: list[Candidate],
                 budget: int, *, candidates: list[Candidate], has_updates: bool,
                 story_year: int | None,
                 tracker: ReferenceTracker) -> list[tuple[str, list[Candidate]]]:
        """The body's layout (see :meth:`_layout`) filled from ``ranked`` (best first)
        up to ``budget`` sentences and ``max_words`` words (summary and lead included):
        a sentence that does not read well at its place is replaced by the next best."""
        words = summary.length + lead.length
        selected: list[Candidate] = []
        remaining = list(ranked)
        layout: list[tuple[str, list[Candidate]]] = [("lead", [lead])]
        for _round in range(COMPOSE_ROUNDS):
            used = words + sum(c.length for c in selected)
            for cand in list(remaining):
                if len(selected) >= budget or (self.options.max_words
                                               and used >= self.options.max_words):
                    break
                selected.append(cand)
                remaining.remove(cand)
                used += cand.length
            body = sorted(selected, key=lambda c: (c.doc.published_at or _EPOCH, c.index))
            attempt = tracker.copy()
            layout = self._layout(lead, body, summary, candidates=candidates,
                                  has_updates=has_updates,
                                  story_year=story_year, tracker=attempt)
            placed = {id(c) for _, members in layout for c in members}
            if all(id(c) in placed for c in selected) or not remaining:
                break
            selected = [c for c in selected if id(c) in placed]
        return layout

    def _layout(self, lead: Candidate, body: list[Candidate], summary: Candidate, *,
                candidates: list[Candidate], has_updates: bool, story_year: int | None,
                tracker: ReferenceTracker
                ) -> list[tuple[str, list[Candidate]]]:
        """The body in reading order: ``("lead", [...])`` first, then ``(role, members)``
        per section (none for a brief). Sentences are grouped by role and ordered by
        time, then read in that order: a sentence whose references do not hold at its
        place is left out (a surname is expanded to the full name where its source
        gives it), and so is one that would make a run of more than :data:`MAX_RUN`
        sentences from one source."""
        if len(body) + 1 <= self.options.brief_sentences:
            planned: list[tuple[str, list[Candidate]]] = [
                ("lead", follow_on([lead, *_in_source_order(body)]))]
        else:
            by_role: dict[str, list[Candidate]] = {role: [] for role in ROLE_ORDER}
            for cand in body:
                by_role[role_of(cand, has_updates, story_year)].append(cand)
            planned = [("lead", [lead]), *self._balance(by_role)]
        read: list[Candidate] = [summary, lead]
        layout: list[tuple[str, list[Candidate]]] = []
        preceding = {(id(c.doc), c.index + 1): c for c in candidates}
        def lengthens_run(cand: Candidate) -> bool:
            tail = read[-MAX_RUN:]
            return len(tail) == MAX_RUN and all(c.source == cand.source for c in tail)

        for role, members in planned:
            kept = [lead] if role == "lead" else []
            # a sentence that would make a run from one source waits for another
            # source's sentence to come between, within its section
            waiting: list[Candidate] = []
            for cand in [m for m in members if m is not lead]:
                waiting.append(cand)
                while item := next((c for c in waiting if not lengthens_run(c)), None):
                    waiting.remove(item)
                    for placed in self._place(item, tracker, preceding, read):
                        kept.append(placed)
                        read.append(placed)
            if kept:
                layout.append((role, kept))
        # the rule holds over the whole reading order, whatever placed a sentence
        reading = [summary]
        for index, (role, members) in enumerate(layout):
            kept = []
            for cand in members:
                tail = reading[-MAX_RUN:]
                if cand is not lead and len(tail) == MAX_RUN and \
                        all(c.source == cand.source for c in tail):
                    continue
                kept.append(cand)
                reading.append(cand)
            layout[index] = (role, kept)
        layout = [(role, members) for role, members in layout if members]
        sentences = sum(len(m) for _, m in layout)
        if len(layout) > 1 and sentences <= self.options.brief_sentences:
            layout = [("lead", [c for _, members in layout for c in members])]
        return layout

    @staticmethod
    def _place(cand: Candidate, tracker: ReferenceTracker,
               preceding: dict[tuple[int, int], Candidate], read: list[Candidate]
               ) -> list[Candidate]:
        """What placing ``cand`` next puts in the article: the sentence itself when its
        references hold; else, when the sentence just before it in its source is a
        candidate not yet read and introduces what it refers to, both (the referent
        comes along); else nothing."""
        before = preceding.get((id(cand.doc), cand.index))
        after_own = bool(read) and read[-1].doc is cand.doc and read[-1].index == cand.index - 1
        text = tracker.resolve(cand.written, named_in(cand.doc)) if after_own else \
            _resolve(tracker, cand)
        if text is not None:
            cand.written = text
            tracker.accept(text)
            return [cand]
        if before is None or any(c is before for c in read) or \
                (len(read) >= 1 and read[-1].doc is cand.doc):
            return []
        trial = tracker.copy()
        first = trial.resolve(before.written, named_in(before.doc))
        if first is None:
            return []
        trial.accept(first)
        second = trial.resolve(cand.written, named_in(cand.doc))
        if second is None:
            return []
        before.written, cand.written = first, second
        tracker.accept(first)
        tracker.accept(second)
        return [before, cand]

    # -- headline --------------------------------------------------------------------------

    def _headline(self, docs: list[Document], lead: Candidate, candidates: list[Candidate],
                  embedder: Embedder, numbers_of: dict[int | None, int],
                  *, known: dict[int, np.ndarray] | None = None,
                  told: list[Document] | None = None,
                  opening: list[Candidate] | None = None) -> tuple[Sentence, str]:
        """The headline and the outlet it is credited to.

        Among the sources' own headlines that read as plain news (see
        :func:`newsdesk.writing.headlines.plain_title`), the one whose weakest
        closeness to another source's report is highest: the headline every side of
        the story would recognise, not one outlet's framing. Outlets with a name get a
        small bonus (:data:`NAMED_HEADLINE_BONUS`). Sources without a usable headline:
        the lead cut to headline length. A report is its title and lead as clustering
        embedded them (``known``, by document id; embedded here when missing).

        The headline says what the article says: the title of a report the article
        does not tell (``told``: the reports it quotes) is a candidate only when it is
        as close to the article's opening (``opening``: summary and lead) as the
        closest title of a told report ("Seven claims about India fact-checked" over a
        story of protests promised what the page did not have).
        """
        texts = [d.text for d in docs]
        titled = [d for d in docs if plain_title(d.title, texts)]
        told_ids = {id(d) for d in told or docs}
        if not titled:
            # (from the reports the article tells: another page of the story may be
            # a web archive's notice, "The goal is to fix all broken links on the web")
            return self._headline_from_text(
                lead, [c for c in candidates if id(c.doc) in told_ids] or candidates,
                embedder, numbers_of)
        titles = embedder.embed_batch([d.title.strip() for d in titled])
        reports = document_vectors(docs, embedder, known or {})
        vectors = [c.vector for c in opening or [] if c.vector is not None]
        if vectors and any(id(d) in told_ids for d in titled):
            centre = np.mean(vectors, axis=0)
            near = titles @ (centre / max(float(np.linalg.norm(centre)), 1e-9))
            bar = max(float(near[i]) for i, d in enumerate(titled) if id(d) in told_ids)
            keep = [i for i, d in enumerate(titled) if id(d) in told_ids or near[i] >= bar]
            titled, titles = [titled[i] for i in keep], titles[keep]

        def fairness(i: int) -> float:
            doc = titled[i]
            others = [j for j, d in enumerate(docs) if d is not doc]
            closeness = [float(titles[i] @ reports[j]) for j in others] or [1.0]
            # a named outlet is only a nudge: a plain headline from a feed without a
            # name beats a named outlet's framing ("... a yawner of a scandal")
            return (min(closeness) + 0.25 * float(np.mean(closeness))
                    + NAMED_HEADLINE_BONUS * bool(outlet_name(doc)))

        best = max(range(len(titled)), key=fairness)
        chosen = titled[best]
        outlet = outlet_name(chosen)
        return Sentence(text=chosen.title.strip(), citation=Citation(
            doc_id=chosen.id or 0, sentence_index=-1, source_text=chosen.title,
            outlet=outlet, url=chosen.canonical_url,
            number=numbers_of[chosen.id]), headline=True), credit_name(outlet, 0)

    def _headline_from_text(self, lead: Candidate, candidates: list[Candidate],
                            embedder: Embedder, numbers_of: dict[int | None, int]
                            ) -> tuple[Sentence, str]:
        """The lead cut to headline length; failing that, another early, central
        sentence. A cut is kept only while it stays close in meaning to its sentence, and
        never cuts away who said it. The headline is read first: a sentence that opens
        with a description of something it does not name ("The company disclosed the
        data theft ...", "Published online, the video shows ...") is no headline while
        another sentence can be one."""
        early = sorted((c for c in candidates if c.rank <= 2 and not is_quote(c.text)),
                       key=lambda c: -c.score)[:5]
        pool = [lead, *(c for c in early if c is not lead)]
        first = ReferenceTracker([])
        standing = [c for c in pool if not first.points_back(c.written)] or [
            c for c in sorted(candidates, key=lambda c: -c.score)
            if not is_quote(c.text) and not first.points_back(c.written)][:1]
        pool = standing or pool
        lead = pool[0]
        # a cut that drops the sentence's credit ("..., a judiciary spokesman said")
        # would state a claim as the newsroom's own
        options = [(c, h) for c in pool for h in headline_options(c.written)
                   if 5 <= len(h.split()) <= HEADLINE_WORDS
                   and (has_own_attribution(h) or not has_own_attribution(c.written))]
        if options:
            vectors = embedder.embed_batch([h for _, h in options])
            for (cand, text), vec in zip(options, vectors, strict=True):
                assert cand.vector is not None
                if float(vec @ cand.vector) >= HEADLINE_SIMILARITY:
                    return self._cite_headline(cand, text, numbers_of)
        return self._cite_headline(lead, headline_options(lead.written)[0], numbers_of)

    @staticmethod
    def _cite_headline(cand: Candidate, text: str, numbers_of: dict[int | None, int]
                       ) -> tuple[Sentence, str]:
        assert cand.doc.id is not None
        return Sentence(text=text, citation=Citation(
            doc_id=cand.doc.id, sentence_index=cand.index, source_text=cand.text,
            outlet=cand.outlet, url=cand.doc.canonical_url,
            number=numbers_of[cand.doc.id]), headline=True), credit_name(cand.outlet, 0)

    # -- candidates and scores -------------------------------------------------------------

    def _candidates(self, docs: list[Document], per_doc: int,
                    excluded: set[tuple[int, int]] | None = None) -> list[Candidate]:
        newest = max((d.published_at for d in docs if d.published_at), default=None)
        found = []
        for doc in docs:
            outlet = outlet_name(doc)
            latest = (newest is None or doc.published_at is None
                      or newest - doc.published_at <= LATEST_WINDOW)
            # A caption is a paragraph that ends with a picture credit; the credit is
            # a sentence of its own after splitting, so the paragraph is what tells.
            sentences = split_sentences(doc.text)
            captions = {s for line in doc.text.split("\n") if CREDIT.search(line.strip())
                        for s in split_sentences(line)} | gallery_captions(sentences)
            rank = 0
            for index, text in enumerate(sentences[:per_doc]):
                if text in captions or introduces_embed(sentences, index) or \
                        (doc.id or 0, index) in (excluded or ()):
                    continue
                head = ""
                problem = rejection(text)
                if problem == "incomplete" and index == len(sentences) - 1:
                    head = clause_head(text) or ""  # the page stops mid-sentence
                if problem is None or head:
                    found.append(Candidate(doc=doc, index=index, text=text, outlet=outlet,
                                           latest=latest, rank=rank, head=head))
                    rank += 1
        return found

    def _compress(self, candidates: list[Candidate], embedder: Embedder) -> None:
        """Set each candidate's written form: compressed where that keeps its meaning."""
        light = [light_form(c.head or c.text) for c in candidates]
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
        centrality = (share * centroid_similarity(vectors)
                      + (1 - share) * centroid_similarity(terms))
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
                budget: int, weights: dict[str, int], word_limit: int = 0) -> list[Candidate]:
        """Maximal marginal relevance with concept coverage: central sentences that add
        something new, best first, until ``budget`` sentences or ``word_limit`` words
        (0: no limit)."""
        opts = self.options
        chosen: list[Candidate] = []
        taken = [c.vector for c in fixed if c.vector is not None]
        pool = [c for c in candidates if all(c is not f for f in fixed)]
        lam = opts.diversity
        chosen_numbers: set[str] = set().union(*(numbers(c.text) for c in fixed))
        # words quoted already: two outlets' versions of one quotation ("all speed and
        # urgency" / "all speed and all urgency") read as a misquote side by side, and
        # a fairly similar sentence quoting a phrase again ("final extension" / "final
        # extension of the pause") tells one thing twice
        chosen_quotes = [(c.vector, quotations(c.text)) for c in fixed]
        quotes_of = {id(c): quotations(c.text) for c in pool}
        figures_of = {id(c): numbers(c.text) for c in pool}
        # what each sentence says, word by word: "Nine witnesses will testify at five
        # hearings between Tuesday and Thursday" and "..., with nine witnesses set to
        # testify between Tuesday and Thursday" say one thing whatever their vectors say
        said = [said_words(c.text) for c in fixed]
        said_of = {id(c): said_words(c.text) for c in pool}
        covered: set[str] = set().union(*(c.concepts for c in fixed))
        top_gain = max((sum(weights.get(p, 0) for p in c.concepts) for c in pool), default=0)
        used = sum(c.length for c in fixed)
        while pool and len(chosen) < budget and not (word_limit and used >= word_limit):
            matrix = np.vstack(taken)
            best, best_value = None, -1e9
            for cand in pool:
                assert cand.vector is not None
                overlap = float((matrix @ cand.vector).max())
                figures = figures_of[id(cand)]
                if overlap >= REDUNDANT or (overlap >= REPEATS_FIGURES and figures
                                            and figures_given(figures, chosen_numbers)):
                    continue
                quoted = quotes_of[id(cand)]
                if any(quoted.shares_run(q) or (quoted.shares_phrase(q) and v is not None
                                                and float(v @ cand.vector) >= REPEATS_FIGURES)
                       for v, q in chosen_quotes):
                    continue
                if any(repeats(said_of[id(cand)], other) for other in said):
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
            chosen_numbers |= figures_of[id(best)]
            chosen_quotes.append((best.vector, quotes_of[id(best)]))
            said.append(said_of[id(best)])
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
    def _keywords(docs: list[Document]) -> list[str]:
        name_counts = Counter(n for d in docs for n in set(names(f"{d.title}. {d.text}")))
        outlets = {outlet_name(d) for d in docs}
        top_names = [n for n, c in name_counts.most_common(12) if c > 1 and n not in outlets][:6]
        word_counts = Counter(w for d in docs for w in set(content_words(d.title + " " + d.text)))
        top_words = [w for w, c in word_counts.most_common(30)
                     if len(w) > 3 and not any(w in n.lower() for n in top_names)][:4]
        return top_names + top_words


def document_vectors(docs: list[Document], embedder: Embedder,
                     known: dict[int, np.ndarray]) -> np.ndarray:
    """Each document's vector: the one clustering made of its title and lead when
    ``known`` has it (computed once per document), otherwise embedded the same way."""
    missing = [d for d in docs if d.id not in known]
    computed = dict(zip((id(d) for d in missing), embedder.embed_batch(
        [embedding_text(d.title, d.text) for d in missing]), strict=True)) if missing else {}
    return np.stack([known[d.id] if d.id in known else computed[id(d)] for d in docs])


def _in_source_order(cands: list[Candidate]) -> list[Candidate]:
    """``cands`` with each source's sentences in the order its source gives them, at the
    places its sentences held: "Trump is expected to take two steps ..." before "One,
    an executive order ...", whichever ranked higher."""
    by_doc: dict[int, list[Candidate]] = {}
    for cand in cands:
        by_doc.setdefault(id(cand.doc), []).append(cand)
    queues = {doc: sorted(group, key=lambda c: c.index) for doc, group in by_doc.items()}
    return [queues[id(cand.doc)].pop(0) for cand in cands]


# "The bill was called the Dream Act ...": a description that its source's sentence
# before it gave the referent of
_DESCRIBED = re.compile(r"^The\s+[a-z]")


def _resolve(tracker: ReferenceTracker, cand: Candidate) -> str | None:
    """``cand`` as it reads at the tracker's point of the article (see
    :meth:`ReferenceTracker.resolve`), or ``None``; also ``None`` for a sentence that
    opens with a description its own source gave in other words in an earlier sentence
    (see :func:`description_from_elsewhere`)."""
    source = named_in(cand.doc)
    if cand.index > 0 and description_from_elsewhere(cand.written, source):
        return None  # (a report's first sentence has no sentence before it to point at)
    return tracker.resolve(cand.written, source)


def follow_on(cands: list[Candidate]) -> list[Candidate]:
    """``cands`` with a sentence that opens with a description ("The bill ...") moved
    to just after the sentence before it in its source, when that one is read earlier:
    another outlet's sentence between them may give the description another referent
    (a 2017 bill between "16 years of attempts to pass legislation" and "The bill was
    called the Dream Act ... it failed again and again")."""
    ordered = list(cands)
    for cand in list(ordered):
        if not _DESCRIBED.match(cand.written or cand.text):
            continue
        at = ordered.index(cand)
        before = next((i for i, c in enumerate(ordered[:at])
                       if c.doc is cand.doc and c.index == cand.index - 1), None)
        if before is not None and before != at - 1:
            ordered.pop(at)
            ordered.insert(before + 1, cand)
    return ordered


#: Share of the shorter sentence's words (of at least REPEAT_MIN_WORDS) found in the
#: other at which two sentences tell one fact.
REPEAT_SHARE = 0.8
REPEAT_MIN_WORDS = 5


def said_words(text: str) -> set[str]:
    """The stems of a sentence's content words, numbers written out or not."""
    return {stem(w) for w in content_words(text) if w not in NUMBER_WORDS} | numbers(text)


def figures_given(found: set[str], given: set[str]) -> bool:
    """Whether every figure of ``found`` (as :func:`numbers`) is among ``given``, the same
    or a round version of it: "some 2,700 pages" gives no figure that "2,702 pages" has
    not, nor "9.2 million" beside "9.21 million" (within 1%, for figures of 100 or more
    or with decimals: 95 and 96 are two counts, 2017 and 2024 two years)."""
    def close(a: str, b: str) -> bool:
        try:
            x, y = float(a), float(b)
        except ValueError:
            return False
        if _YEAR.fullmatch(a) or _YEAR.fullmatch(b):
            return False
        return (min(x, y) >= 100 or "." in a + b) and abs(x - y) <= ROUND_FIGURE * max(x, y)
    return all(f in given or any(close(f, g) for g in given) for f in found)


def repeats(one: set[str], other: set[str]) -> bool:
    """Whether two sentences (as :func:`said_words`) tell the same fact: nearly every
    word of the shorter is in the longer."""
    shorter = min(len(one), len(other))
    return shorter >= REPEAT_MIN_WORDS and len(one & other) >= REPEAT_SHARE * shorter


def _similarity(a: Candidate, b: Candidate) -> float:
    assert a.vector is not None and b.vector is not None
    return float(a.vector @ b.vector)


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"

