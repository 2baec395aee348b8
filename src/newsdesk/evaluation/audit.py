"""The sentence audit: a reader's checks on a published article, as pure functions.

The audit is a measuring instrument, kept apart from the writer and the verifier: it
uses none of their code, so a rule the writer gets wrong is not repeated here. It reads
an article as a reader sees it (headline, summary, lead, sections with headings; every
sentence with its citation: the outlet, the cited source sentence, the source
document's text and, where the site's labels give it, the outlet's side) and reports
findings. A finding has a defect class, where it is (headline, summary, lead, section
N, heading N), the sentence and the reason. A sentence gets at most one finding per
class; its reason lists every rule it broke.

"The frame" is the newsroom's attribution to the cited outlet: "According to X, ...",
"X reported that ...", "As X reported, ...", "..., X reported." or "..., according to
X." (newsdesk.evaluation.audit_text.split_frame). "The core" is the sentence without
it. Words are compared up to case, punctuation and spacing.

fragment: not a whole sentence.
  - the sentence (not the headline) ends without . ! ? (closing quotes allowed);
  - the core ends on a title abbreviation ("Sen.", "Gen.") or on initials ("A.G", "J.")
    other than the few that end sentences (U.S., U.K., D.C., ...) and roman numerals;
  - the core is found in its source and stops where the source sentence goes on
    without punctuation ("... publisher A.G" / "A.G. Sulzberger"), or starts in the
    middle of a source sentence: after a word with no punctuation between (a frame
    wrapped around a piece of a sentence) or after a title abbreviation or initial;
  - a dateline is left in or glued on ("New YorkFacebook announced ...", "new York -
    Consumer prices ...", "(CNN) - ...");
  - a page's lead-in in capitals ("RESEARCHERS AROUND THE world ..."), a section label
    ("Why it matters: ..."), a lead-in of up to 8 words without a verb of saying before
    a colon and a sentence of 6 or more words ("Protestors storm the Legislative Council:
    Hundreds of ...") or two sentences run together ("the U.S.Officials said");
  - the sentence starts lower-case, or the core does after a suffix frame; the core
    opens with a relative pronoun (which, who, whose) or, after "According to X,", with
    and/or/but;
  - quotation marks or parentheses are unbalanced (a quotation cut between sentences);
  - the core (not the headline's) has no finite verb: a caption, a page's furniture or a
    piece of an appositive ("Universal Pictures Benicio Del Toro as 'The Wolfman.'",
    "CKY, now known as CTV Winnipeg, beginning in the early 1990s."). The one rule
    that reads with a model: spaCy's small English tagger and parser
    (newsdesk.evaluation.audit_grammar).

lowercased_name: a proper name lower-cased, mostly behind the frame. Evidence comes from
  the sources (the harness gives every stored document; by default the article's own
  sources): a word they capitalise in mid-sentence and never write lower-case
  ("donald", "paul's", "twitter"); a lower-case word that they capitalise in
  mid-sentence before the same next word and never write lower-case before it ("new
  York", "health and Human Services"), or that begins a full name they give ("donald
  Trump"); a title abbreviation lower-cased before a name ("sen. Bernie Sanders").

uncredited_quote: someone's words without their speaker. Unless the core credits a
  speaker (a verb of saying or naming with its subject or speaker: "Smith said", "said
  the senator", "he told reporters", "which said", "..., saying", "what he called";
  "according to" or "per" someone; "Name: ..." before a quotation):
  - first-person words outside quotation marks (I, my, we, our, us ...: "... on which
    my future hangs."; not the roman numeral in "World War I");
  - second-person words outside quotation marks (you, your: "you'd be surprised ...");
  - a quotation of 4 or more words that opens the core or makes up half its words
    (a short quoted phrase inside the outlet's own reporting is not flagged);
  - the cited source sentence credits its words to a speaker (a leading "Smith said
    that", "According to police,", a trailing ", officials said." or ", according to
    police.", an aside ", he said,") and the published sentence keeps the words but
    drops the credit, so they read as the outlet's or the newsroom's;
  - the core opens with a quotation credited to its speaker and goes on for more than
    10 words after the verb of saying ('"...," Conway told reporters Friday morning in
    a bizarre hours-long effort to discredit ...'): those words are the outlet's account,
    so the outlet must be named, by the frame or by the sentence just before from the
    same source.

no_antecedent: a reference the article has not introduced.
  - the core opens (or opens after a short introductory phrase and comma) with he, she,
    they, it, this, that, these, those, his, her, their or its, with a quantifier
    standing for a group named before ("All were defeated", "Both of them said"), or
    credits a quotation to he, she or they ('"...," he said.'); not "this week"-like
    time words or an
    expletive "it" ("It is unclear whether ..."). Accepted when the article's previous
    sentence is the source sentence just before the cited one in the same document
    (the referent travels with it); for he, she, his and her also when that source
    sentence (the title, for a document's first sentence) and the article's previous
    sentence name the same person or thing. "It" and "they" from another context are
    not accepted: the audit cannot tell that two outlets' sentences mean one thing;
  - the core opens with "the plan", "the company", "the bill" and similar nouns that
    point back, and the article has not used that noun (nor a word of the same act:
    "ruled" or "ruling" for "the decision", "voted" for "the vote") before nor named
    anything the source's preceding sentence names;
  - a text the reader was never shown: "the article", "the piece", "the column", "the
    opening sentence" (media criticism lifted out of its page), unless named where it
    is mentioned ("the op-ed in The Washington Post") or mentioned before;
  - a person's first mention by surname only (not in the headline) when the sources
    give a full name: "Paul said" with "Rand Paul" in the sources and no "Rand Paul"
    or title with the surname ("Sen. Paul") earlier in the article. A surname used as
    a modifier ("the Trump administration") is not a mention, nor is a plural group
    name ("Senate Republicans" gives no surname "Republicans"), nor a word after an
    article and an adjective ("a great American", where a recogniser had read "African
    American" as a person), nor a word ending like an adjective (-ic, -ian, -ese, -ish)
    before a lower-case noun ("Islamic law").

verbatim_run: 3 or more consecutive sentences of the summary and body (reading order)
  whose cores each appear word for word in their sources, all from one outlet (or one
  document, where the outlet is not named).

malformed_heading: a section heading built from a broken span. Its name slot (the X of
  "More on X", "X: what we know", "What X said", ...; other headings: their capitalised
  runs) ends on a title ("Iranian Gen", "What President said"; not a surname the
  sources write as a whole name, followed by its verb, possessive or a comma: "said Bob
  Lord, chief security officer");
  is an adjective the
  sources only use before a noun ("Eastern European"); is cut from a longer name (the
  sources always follow it with another capitalised word: "More on North"); or, inside
  a phrase, lacks the article the sources give it ("What State Department said").
  Unbalanced quotation marks or parentheses also make a heading malformed.

unattributed_one_sided: the headline or the summary is taken from one outlet whose side
  is left or right (known from the site's labels) and does not name that outlet (for the
  headline, the credit line the page shows beside it counts: ``Article.headline_credit``);
  or the first body sentence taken from such an outlet, or the first under a heading,
  neither names the outlet nor
  says who gives it ("according to" or a verb of saying outside its quotations, its
  asides between dashes or brackets and any clause of its own: "President Trump — who
  ... claimed that ... — wanted to ..." does not). An outlet without a name is named
  by "one report" or "another report" in a frame. Taken from: at least 60% of its
  content words are in the cited source sentence (or the source's title). Without a
  known side this class is not checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsdesk.evaluation import audit_rules as rules
from newsdesk.evaluation.audit_grammar import grammar_findings
from newsdesk.evaluation.audit_headings import heading_problems
from newsdesk.evaluation.audit_text import (
    CaseEvidence,
    case_evidence,
    content_words,
    names_speaker_of_sentence,
    norm,
    split_frame,
)

if TYPE_CHECKING:
    from newsdesk.records import Article, Sentence

DEFECTS = ("fragment", "lowercased_name", "uncredited_quote", "no_antecedent",
           "verbatim_run", "malformed_heading", "unattributed_one_sided")
ONE_SIDED = {"left", "right"}
TAKEN_FROM = 0.6  # share of content words found in the cited source


@dataclass
class AuditSentence:
    """A published sentence and what it cites."""

    text: str
    outlet: str = ""
    source_sentence: str = ""
    source_text: str = ""
    source_id: str = ""
    source_title: str = ""
    side: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The sentence and its citation, for a dump (the source text left out)."""
        return {"text": self.text, "outlet": self.outlet, "side": self.side,
                "source_id": self.source_id, "source_sentence": self.source_sentence}


@dataclass
class AuditSection:
    """A section: its heading and sentences."""

    heading: str
    sentences: list[AuditSentence]


@dataclass
class AuditArticle:
    """A published article as the audit reads it. ``sources`` are the texts of the
    story's documents (default: the cited documents)."""

    headline: AuditSentence
    summary: AuditSentence
    lead: list[AuditSentence]
    sections: list[AuditSection]
    sources: list[str] = field(default_factory=list)
    #: the outlet the page credits the headline to, shown beside it ("" when none)
    headline_credit: str = ""

    def placed(self) -> Iterator[tuple[str, AuditSentence]]:
        """(where, sentence) in reading order: headline, summary, lead, sections."""
        yield "headline", self.headline
        yield "summary", self.summary
        for sentence in self.lead:
            yield "lead", sentence
        for number, section in enumerate(self.sections, 1):
            for sentence in section.sentences:
                yield f"section {number}", sentence

    def source_texts(self) -> list[str]:
        """The sources' texts: ``sources``, else every cited document's text once."""
        if self.sources:
            return self.sources
        return list(dict.fromkeys(s.source_text for _, s in self.placed() if s.source_text))


@dataclass
class Finding:
    """One defect: its class, where it is, the sentence (or heading) and why."""

    defect: str
    where: str
    sentence: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """The finding as a dict."""
        return {"defect": self.defect, "where": self.where, "sentence": self.sentence,
                "reason": self.reason}


@dataclass
class AuditReport:
    """The findings of one article and what was read."""

    findings: list[Finding]
    sentences: int
    verbatim_sentences: int

    def counts(self) -> Counter[str]:
        """Findings per defect class."""
        return Counter(f.defect for f in self.findings)


def is_verbatim(sentence: AuditSentence) -> bool:
    """Whether the sentence's core (4 words or more) stands word for word in its source."""
    core = norm(split_frame(sentence.text, sentence.outlet).core)
    return len(core.split()) >= 4 and f" {core} " in f" {norm(sentence.source_text)} "


def same_source(one: AuditSentence, other: AuditSentence) -> bool:
    """Whether two sentences come from one source: one outlet (two pages of an outlet
    are one voice), or one document where the outlet is not named."""
    if one.outlet and other.outlet:
        return one.outlet.casefold() == other.outlet.casefold()
    return not one.outlet and not other.outlet and one.source_id == other.source_id


def verbatim_runs(sentences: list[AuditSentence], length: int = 3) -> list[list[int]]:
    """Index runs of ``length`` or more consecutive verbatim sentences from one source
    (:func:`same_source`)."""
    runs: list[list[int]] = []
    current: list[int] = []
    for index, sentence in enumerate(sentences):
        same = current and same_source(sentences[current[-1]], sentence)
        if is_verbatim(sentence) and (same or not current):
            current.append(index)
            continue
        if len(current) >= length:
            runs.append(current)
        current = [index] if is_verbatim(sentence) else []
    if len(current) >= length:
        runs.append(current)
    return runs


def one_sided(sentence: AuditSentence, credit: str = "", body: bool = False) -> str | None:
    """Why a headline, a summary or (``body``) the first body sentence from a source
    reads as one side's framing, or None (see the module docstring). ``credit``: the
    outlet the page names beside it (the headline's credit line)."""
    if sentence.side not in ONE_SIDED:
        return None
    if not sentence.outlet:
        # an outlet without a name is credited as "one report" / "another report"
        if not body or split_frame(sentence.text).frame:
            return None
    elif sentence.outlet.lower() in sentence.text.lower() or \
            credit.strip().lower() == sentence.outlet.lower():
        return None
    if body and names_speaker_of_sentence(split_frame(sentence.text, sentence.outlet).core):
        return None
    own = content_words(sentence.text)
    source = content_words(sentence.source_sentence) | content_words(sentence.source_title)
    if not own or len(own & source) < TAKEN_FROM * len(own):
        return None
    return (f"taken from {sentence.outlet or 'an unnamed outlet'} (rated {sentence.side}) "
            f"and shown without attribution to it")


def audit_article(article: AuditArticle, corpus: CaseEvidence | None = None) -> AuditReport:
    """Every finding of one article, in reading order. ``corpus``: how a wider set of
    source texts (every stored document) writes words, the evidence for lower-cased
    names; by default the article's own sources. Full names always come from the
    article's own sources."""
    evidence = case_evidence(article.source_texts())
    case = corpus or evidence
    findings: list[Finding] = []

    def add(defect: str, where: str, text: str, reasons: list[str]) -> None:
        if reasons:
            findings.append(Finding(defect, where, text, "; ".join(reasons)))

    earlier: list[AuditSentence] = []
    introduced: set[str] = set()
    told: set[str] = set()  # the sources of the summary and body sentences read so far
    placed = list(article.placed())
    sentences = [i for i, (where, _) in enumerate(placed) if where != "headline"]
    unsentences = dict(zip(sentences, grammar_findings(
        [split_frame(placed[i][1].text, placed[i][1].outlet).core for i in sentences]),
        strict=True))
    for index, (where, sentence) in enumerate(placed):
        headline = where == "headline"
        add("fragment", where, sentence.text, rules.fragment(
            sentence.text, outlet=sentence.outlet, source=sentence.source_text,
            headline=headline) + unsentences.get(index, {}).get("fragment", []))
        add("lowercased_name", where, sentence.text,
            rules.lowercased_names(sentence.text, case, sentence.outlet,
                                   sentence.source_sentence))
        previous = earlier[-1] if earlier and placed[index - 1][0] != "headline" else None
        add("uncredited_quote", where, sentence.text, rules.uncredited_quote(
            sentence.text, outlet=sentence.outlet, source_sentence=sentence.source_sentence)
            + rules.uncredited_description(
                sentence.text, outlet=sentence.outlet,
                continues_outlet=previous is not None and bool(sentence.source_id)
                and previous.source_id == sentence.source_id)
            + unsentences.get(index, {}).get("uncredited_quote", []))
        add("no_antecedent", where, sentence.text, rules.no_antecedent(
            sentence, earlier, evidence, introduced, headline=headline, case=case))
        if where in {"headline", "summary"}:
            reason = one_sided(sentence, article.headline_credit if headline else "")
            add("unattributed_one_sided", where, sentence.text, [reason] if reason else [])
        elif sentence.source_id not in told or where != placed[index - 1][0]:
            # the first sentence from a source after the summary, or the first under a
            # heading (a credit given before the heading does not carry past it)
            reason = one_sided(sentence, body=True)
            add("unattributed_one_sided", where, sentence.text, [reason] if reason else [])
        if not headline:
            told.add(sentence.source_id)
        earlier.append(sentence)

    body = [s for where, s in article.placed() if where != "headline"]
    wheres = [where for where, _ in article.placed() if where != "headline"]
    for run in verbatim_runs(body):
        first = body[run[0]]
        add("verbatim_run", wheres[run[0]], first.text, [
            f"{len(run)} consecutive sentences copied word for word from "
            f"{first.outlet or 'one source'} ({', '.join(wheres[i] for i in run)})"])

    texts = article.source_texts()
    for number, section in enumerate(article.sections, 1):
        add("malformed_heading", f"heading {number}", section.heading,
            heading_problems(section.heading, texts))

    order = {d: i for i, d in enumerate(DEFECTS)}
    places = {where: i for i, (where, _) in enumerate(article.placed())}
    findings.sort(key=lambda f: (places.get(f.where, len(places)), order[f.defect]))
    return AuditReport(findings, len(body) + 1, sum(1 for s in body if is_verbatim(s)))


# -- from the pipeline's records ---------------------------------------------------------


def _sentence(record: Sentence, texts: dict[int, str], sides: dict[int, str | None],
              titles: dict[int, str]) -> AuditSentence:
    doc = record.citation.doc_id
    return AuditSentence(text=record.text, outlet=record.citation.outlet,
                         source_sentence=record.citation.source_text,
                         source_text=texts.get(doc, ""), source_id=str(doc),
                         source_title=titles.get(doc, ""), side=sides.get(doc))


def from_record(article: Article, texts: dict[int, str],
                sides: dict[int, str | None] | None = None,
                titles: dict[int, str] | None = None) -> AuditArticle:
    """An :class:`AuditArticle` from a stored article: ``texts`` maps the story's
    document ids to their text, ``sides`` to the outlet's side where known, ``titles``
    to the document's title."""
    sides = sides or {}
    titles = titles or {}

    def convert(record: Sentence) -> AuditSentence:
        return _sentence(record, texts, sides, titles)

    return AuditArticle(
        headline=convert(article.headline), summary=convert(article.summary),
        lead=[convert(s) for s in article.lead],
        sections=[AuditSection(s.heading, [convert(x) for x in s.sentences])
                  for s in article.sections],
        sources=list(dict.fromkeys(t for t in texts.values() if t)),
        headline_credit=article.headline_credit)


def class_totals(defects_per_article: Iterable[Iterable[str]]
                 ) -> tuple[dict[str, int], dict[str, int]]:
    """Over many audited articles, each given as the defect classes of its findings:
    (findings per class, articles with a finding of that class), every class of
    :data:`DEFECTS` present."""
    counts: Counter[str] = Counter()
    articles: Counter[str] = Counter()
    for defects in defects_per_article:
        found = Counter(defects)
        counts.update(found)
        articles.update(found.keys())
    return {d: counts[d] for d in DEFECTS}, {d: articles[d] for d in DEFECTS}


def findings_by_sentence(report: AuditReport) -> dict[tuple[str, str], list[Finding]]:
    """Findings keyed by (where, sentence text), for laying them beside each sentence."""
    keyed: dict[tuple[str, str], list[Finding]] = {}
    for finding in report.findings:
        keyed.setdefault((finding.where, finding.sentence), []).append(finding)
    return keyed


