"""The LLM writer: a language model redrafts the grounded article, sentence by sentence.

The grounded writer chooses the source sentences and lays out the article. The model
gets those sentences, numbered and fenced off as data, and is asked for one sentence
per line, each ending with the ``[n]`` of the source sentence it restates. A line in
any other shape, or citing a number that was not given, is discarded. Each remaining
sentence cites that exact source sentence and goes through the verifier; a supported one
takes the place of the grounded sentence built from the same source sentence (unless it
merely copies the source word for word), and everything else stays as the grounded
writer wrote it. So the article is never worse
than the grounded one, never empty, and a failed, empty or garbled reply simply leaves
the grounded article (with the failure recorded in ``article.verification["llm"]``).

Source text is data: it reaches the model only inside the fenced block, flattened to one
line per sentence, with brackets and chat-template markers neutralised; sentences that
read as instructions to a model are not given to it at all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from string import Template
from typing import TYPE_CHECKING, Any

from pydantic import Field

from newsdesk import backends
from newsdesk.attribution import credit_name, frame, unframe
from newsdesk.backends import BackendOptions
from newsdesk.backends.embedder import Embedder
from newsdesk.backends.llm import LLM, Message
from newsdesk.backends.verifier import Verifier
from newsdesk.backends.writer import Writer, WriteRequest
from newsdesk.errors import LLMError
from newsdesk.records import Article, Document, Sentence
from newsdesk.standalone import standalone_problem
from newsdesk.text import STOPWORDS, looks_like_instruction, match_tokens, stem
from newsdesk.writing.candidates import has_own_attribution, strip_dateline

if TYPE_CHECKING:
    from newsdesk.settings import Settings

log = logging.getLogger(__name__)

_TEMPLATE_MARK = re.compile(r"<\||\|>|\[/?INST\]|<</?SYS>>", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"\w+")
# A drafted line: optional list marker, the sentence, then exactly one [n] at the end.
_LINE = re.compile(r"^(?:[-*•]\s+|\d{1,2}[.)]\s+)?(?P<text>[^\[\]]+?)\s*\[(?P<n>\d{1,3})\]"
                   r"\s*\.?$")
_END = ('.', '!', '?', '"', '”', '’', "'")
MIN_WORDS = 4
HEADLINE_MAX_WORDS = 14
HEADLINE_FACTS = 3  # the summary and the lead's first sentences: what the story is about
# Capitalised mid-sentence in the sources: a name, kept capitalised after "According to X,".
_PROPER = re.compile(r"(?<=[a-z,;] )([A-Z][\w'’-]+)")


@cache
def prompt_text(name: str) -> str:
    """A prompt template shipped as package data under ``newsdesk/prompts/``."""
    return files("newsdesk").joinpath("prompts", name).read_text(encoding="utf-8")


def prompt_safe(text: str) -> str:
    """Source text as it may appear inside the fenced block: one line, no ``[n]``-style
    brackets (the model's citation syntax) and no chat-template control markers."""
    text = _TEMPLATE_MARK.sub(" ", text)
    text = text.replace("[", "(").replace("]", ")")
    return _SPACE.sub(" ", text).strip()


def _numbered(lines: list[str]) -> str:
    # Sources carry their number at the end, as the reply's lines must: small models
    # copy the layout they are shown far more reliably than one they are told about.
    return "\n".join(f"{prompt_safe(t)} [{i}]" for i, t in enumerate(lines, 1))


def _boundary(sources: list[str]) -> str:
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()[:12].upper()


def build_headline_messages(sources: list[str]) -> list[Message]:
    """The chat asking for one headline for the numbered ``sources`` (the story's
    opening facts), ending with the ``[n]`` of the fact it states; same fencing as
    :func:`build_messages`."""
    boundary = _boundary(sources)
    system = Template(prompt_text("system.txt")).substitute(boundary=boundary)
    user = Template(prompt_text("headline.txt"))
    return [{"role": "system", "content": system},
            {"role": "user", "content": user.substitute(
                count=len(sources), boundary=boundary, sources=_numbered(sources),
                words=HEADLINE_MAX_WORDS)}]


def build_messages(sources: list[str], boundary: str | None = None) -> list[Message]:
    """The chat for one article: rules, a worked example, then the sources, one per
    line, each ending with its number as ``[n]``.

    ``boundary`` is a code on the lines that open and close the source block. By default
    it is a hash of the sources themselves: a source cannot contain the hash of a text
    that contains it, so it cannot forge the end of the block, and the same sources
    always give the same prompt (a model at temperature 0 then gives the same reply).
    """
    boundary = boundary or _boundary(sources)
    system = Template(prompt_text("system.txt")).substitute(boundary=boundary)
    article = Template(prompt_text("article.txt"))

    def user(lines: list[str]) -> str:
        return article.substitute(count=len(lines), boundary=boundary,
                                  sources=_numbered(lines))

    example = prompt_text("example_sources.txt").strip().splitlines()
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": user(example)},
        {"role": "assistant", "content": prompt_text("example_article.txt").strip()},
        {"role": "user", "content": user(sources)},
    ]


@dataclass
class ParsedReply:
    """A model reply split into usable lines and the lines that were discarded."""

    sentences: list[tuple[int, str]] = field(default_factory=list)  # (source number, text)
    unparsed: list[str] = field(default_factory=list)
    bad_citation: list[str] = field(default_factory=list)
    instruction: list[str] = field(default_factory=list)


def parse_reply(reply: str, count: int) -> ParsedReply:
    """Drafted sentences of ``reply`` that cite one of the ``count`` source sentences.

    Only a line of the form ``<sentence> [n]`` with ``1 <= n <= count`` is kept; the
    sentence must start with a capital or a quote and have at least ``MIN_WORDS`` words.
    """
    parsed = ParsedReply()
    seen: set[str] = set()
    for raw in reply.splitlines():
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        text = match.group("text").strip() if match else ""
        if (not match or len(text.split()) < MIN_WORDS
                or not (text[0].isupper() or text[0] in "“\"‘'")):
            parsed.unparsed.append(line)
            continue
        number = int(match.group("n"))
        if not 1 <= number <= count:
            parsed.bad_citation.append(line)
            continue
        if looks_like_instruction(text):
            parsed.instruction.append(line)
            continue
        if not text.endswith(_END):
            text += "."
        if text.lower() not in seen:
            seen.add(text.lower())
            parsed.sentences.append((number, text))
    return parsed


def _same_words(a: str, b: str) -> bool:
    return _WORDS.findall(a.lower()) == _WORDS.findall(b.lower())


def _proper_words(docs: list[Document]) -> set[str]:
    return {w for d in docs for w in _PROPER.findall(d.text)}


def frame_like(text: str, grounded: Sentence, proper: set[str] | None = None) -> str:
    """``text`` credited the same way the grounded sentence it replaces was ("According
    to X, ..." or "..., X reported."), so no outlet loses its credit."""
    credited = unframe(grounded.text).credited
    if not credited or credited in text:
        return text
    return frame(text, credited, trailing=not grounded.text.startswith("According to "))


class LLMWriter(Writer):
    """A language model's draft, kept sentence by sentence only where it verifies."""

    name = "llm"

    class Options(BackendOptions):
        """Which model and verifier to use (see the ``llm.*`` and ``verify.*`` settings)."""

        llm_backend: str = "llamacpp"
        llm_options: dict[str, Any] = Field(default_factory=dict)
        verifier_backend: str = "alignment"
        verifier_options: dict[str, Any] = Field(default_factory=dict)
        grounded_options: dict[str, Any] = Field(default_factory=dict)
        max_tokens: int = 1024
        temperature: float = 0.2
        max_sentences: int = 14  # grounded sentences offered to the model, the summary first
        sentences_per_request: int = 4  # small models lose the thread in longer prompts
        headline: bool = True  # the model also proposes the headline

    options: Options

    def __init__(self, llm: LLM | None = None, verifier: Verifier | None = None,
                 **options: Any) -> None:
        """``llm`` and ``verifier`` instances, when given, replace the ones named in the
        options (a caller that already holds them, or a test)."""
        super().__init__(**options)
        self.llm = llm or backends.load("llm", self.options.llm_backend, LLM,
                                        **self.options.llm_options)
        self.verifier = verifier or backends.load(
            "verifier", self.options.verifier_backend, Verifier, **self.options.verifier_options)
        self.grounded = backends.load("writer", "grounded", Writer,
                                      **self.options.grounded_options)

    @property
    def label(self) -> str:
        """The ``writer`` recorded on an article that holds model sentences."""
        return f"llm:{self.llm.model_name}+grounded"

    def write(self, request: WriteRequest) -> Article | None:
        """See :meth:`Writer.write`. ``article.verification["llm"]`` records what the
        model was given, what it sent back, what was kept and any failure."""
        article = self.grounded.write(request)
        if article is None:
            return None
        # Every sentence of the page but the headline, in reading order: the summary
        # first, then the lead and the sections. Each is a (get, put) pair.
        slots: list[tuple[Sentence, Callable[[Sentence], None]]] = [
            (article.summary, lambda s: setattr(article, "summary", s))]
        for container in (article.lead, *(x.sentences for x in article.sections)):
            slots += [(sentence, _putter(container, i)) for i, sentence in enumerate(container)]
        proper = _proper_words(request.documents)
        kept, report = redraft(
            self.llm, self.verifier, request.embedder, [s for s, _ in slots],
            max_tokens=self.options.max_tokens, temperature=self.options.temperature,
            max_sentences=self.options.max_sentences,
            per_request=self.options.sentences_per_request, proper=proper,
            item=f"story {request.story_id}")
        for (_, put), draft in zip(slots, kept, strict=True):
            if draft is not None:
                put(draft)
        # After a model failure the headline request would most likely fail the same way.
        if self.options.headline and not report["failed"]:
            facts = [article.summary, *article.lead][:HEADLINE_FACTS]
            headline, report["headline"] = redraft_headline(
                self.llm, self.verifier, request.embedder, facts, article.headline,
                temperature=self.options.temperature, proper=proper,
                titles=[d.title for d in request.documents], item=f"story {request.story_id}")
            if headline is not None:
                article.headline = headline
                # the newsroom's words for one outlet's fact: the page credits that
                # outlet beside it, as it does a headline taken from a source
                article.headline_credit = credit_name(headline.citation.outlet, 0)
                report["used"] += 1
        article.verification["llm"] = report
        if report["used"]:
            article.writer = self.label
        return article


# "It was reported that ...", "It is unclear whether ...": an "it" that points at nothing
_EXPLETIVE_IT = re.compile(r"^It\s+(?:is|was|has\s+been|had\s+been)\s+(?:not\s+)?(?:reported|"
                           r"said|unclear|clear|expected|believed|understood|likely|unlikely|"
                           r"known)\b")


# Words that turn a statement into its opposite: a draft keeps every one its source has
# and adds none.
_NEGATIONS = frozenset({"not", "no", "never", "nor", "neither", "without", "none", "nobody",
                        "nothing", "t"})  # "t": the tail of "didn't" as tokens split it
# Words that keep a statement short of fact ("appears to have lost", "would effectively
# ban", "reportedly"): a draft keeps as many as its source has.
_HEDGES = frozenset({"appear", "appears", "appeared", "apparently", "reportedly", "allegedly",
                     "alleged", "likely", "unlikely", "possibly", "probably", "perhaps", "may",
                     "might", "could", "would", "effectively", "expected", "seemingly",
                     "seems", "seemed", "suggest", "suggests", "suggested", "believed"})
# A quotation of three or more words in the source
_QUOTATION = re.compile(r"[“\"]([^”\"]{3,200})[”\"]")
# Words a draft may use that its source sentence need not have: the frame's and the
# reporting verbs' (the outlet's name comes from the citation).
_FRAME_WORDS = frozenset("""
according report reports reported reporting said says say told announce announced
announces one another
""".split())


def departs_from_source(text: str, source: str, outlet: str = "", *,
                        headline: bool = False) -> str | None:
    """Why a model's sentence says something its cited source sentence does not, or
    ``None``: a content word the source does not have, in any form ("proven" for
    "disproven", "rises" beside a price the source only calls high, "defeated" for
    "blew away"); a negation added or dropped; a hedge dropped ("lost" for "appears to
    have lost", "ban" for "would effectively ban"); a quotation's words given without
    its quotation marks; or the source's speaker dropped ("...,
    one of the president's attorneys told The Associated Press" gone, so the claim
    reads as the outlet's; not for a ``headline``, which the page shows with the
    outlet's credit and which, as headlines do, leaves "said" out). A 1.5B model's
    paraphrase is checked word by word: what it may do is shorten, reorder and restate
    with the source's own words."""
    said, given = match_tokens(text), match_tokens(f"{source} {outlet}")
    source_stems = {stem(t) for t in given} | set(given)
    novel = [t for t in said if t not in STOPWORDS and t not in _FRAME_WORDS
             and not t.isdigit() and t not in source_stems and stem(t) not in source_stems]
    if novel:
        return f"words its source does not have: {', '.join(dict.fromkeys(novel))}"
    if sum(t in _NEGATIONS for t in said) != sum(t in _NEGATIONS for t in given):
        return "a negation added or dropped"
    dropped = [t for t in dict.fromkeys(given) if t in _HEDGES
               and sum(w == t for w in said) < sum(w == t for w in given)]
    if dropped:
        return f"a hedge its source gives is dropped: {', '.join(dropped)}"
    inside = [match_tokens(q) for q in _QUOTATION.findall(text)]
    for quoted in _QUOTATION.findall(source):
        words = match_tokens(quoted)
        if len(words) >= 3 and _contains(said, words) and \
                not any(_contains(q, words) for q in inside):
            return f"the source's quotation is given without its quotation marks: {quoted!r}"
    if not headline and has_own_attribution(source) and \
            not has_own_attribution(unframe(text).claim):
        return "the speaker its source gives is dropped"
    return None


def _contains(tokens: list[str], run: list[str]) -> bool:
    """Whether ``run`` occurs in ``tokens`` as consecutive tokens."""
    return any(tokens[i:i + len(run)] == run for i in range(len(tokens) - len(run) + 1))


_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")


def source_abbreviations(text: str, source: str) -> str:
    """``text`` with the source's dotted abbreviations as the source writes them: a
    model's tokens come back as "U. S." for "U.S."."""
    for found in dict.fromkeys(_DOTTED.findall(source)):
        letters = found.rstrip(".").split(".")
        spaced = r"\.\s+".join(re.escape(letter) for letter in letters) + r"\."
        text = re.sub(rf"\b{spaced}", found, text)
    return text


def _leans_on_context(text: str) -> bool:
    """Whether a model's sentence cannot stand in the article on its own (a pronoun for
    someone its source sentence names, a quotation without its speaker, someone's "I"):
    the rules the grounded writer's sentences pass, an expletive "it" aside."""
    problem = standalone_problem(text)
    return problem is not None and not (problem == "needs_context"
                                        and _EXPLETIVE_IT.match(text))


def _putter(container: list[Sentence], index: int) -> Callable[[Sentence], None]:
    def put(sentence: Sentence) -> None:
        container[index] = sentence
    return put


def _bare(word: str) -> str:
    """A word without its possessive and surrounding punctuation: "Kavanaugh’s" ->
    "Kavanaugh"."""
    word = word.strip(".,:;!?\"“”‘")
    for tail in ("'s", "’s", "'", "’"):
        if word.endswith(tail):
            return word[:-len(tail)]
    return word


def sentence_case(headline: str, proper: set[str]) -> str:
    """A Title Case headline ("Flood Barrier Holds After Record Rain") in sentence case,
    keeping the words the sources capitalise mid-sentence (names), abbreviations and
    acronyms as they are. Title case would make every word look like part of a name to
    the verifier. A headline counts as Title Case when every later word of four letters
    or more is capitalised."""
    words = headline.split()
    long_words = [w for w in words[1:] if len(_bare(w)) >= 4]
    if len(long_words) < 2 or not all(w[:1].isupper() for w in long_words):
        return headline  # already in sentence case
    known = {_bare(p) for p in proper}
    return " ".join([words[0], *(w if _bare(w) in known or w.endswith(".") or w.isupper()
                                 else w.lower() for w in words[1:])])


def parse_headline(reply: str, count: int) -> tuple[int, str] | None:
    """The first line of ``reply`` shaped ``<headline> [n]`` with ``1 <= n <= count``:
    3 to :data:`HEADLINE_MAX_WORDS` words, no instruction, no final full stop."""
    for raw in reply.splitlines():
        line = raw.strip().strip("*#").strip()
        match = _LINE.match(line)
        if not match:
            continue
        text = match.group("text").strip().strip('*"“”').rstrip(".").strip()
        number = int(match.group("n"))
        if (1 <= number <= count and 3 <= len(text.split()) <= HEADLINE_MAX_WORDS
                and text[:1].isupper() and not looks_like_instruction(text)):
            return number, text
    return None


def redraft_headline(llm: LLM, verifier: Verifier, embedder: Embedder, facts: list[Sentence],
                     grounded: Sentence, *, temperature: float = 0.2,
                     proper: set[str] | None = None, titles: list[str] | None = None,
                     item: str = "article") -> tuple[Sentence | None, dict[str, Any]]:
    """A headline in the model's words for the story's opening ``facts``, citing the one
    it states; ``None`` (keep ``grounded``) unless the verifier supports it against
    that fact's source sentence, as a headline (what it says and whom it credits), and
    it is not one of the sources' own ``titles`` word for word (those stay credited)."""
    report: dict[str, Any] = {"text": "", "status": "", "reason": ""}
    usable = [f for f in facts if not looks_like_instruction(f.citation.source_text)]
    if not usable:
        report["status"] = "no facts"
        return None, report
    sources = [strip_dateline(f.citation.source_text) for f in usable]
    try:
        reply = llm.generate(build_headline_messages(sources), max_tokens=48,
                             temperature=temperature)
    except LLMError as exc:
        report["status"], report["reason"] = "error", str(exc)
        log.warning("%s: headline: %s; keeping the grounded headline", item, exc)
        return None, report
    parsed = parse_headline(reply, len(usable))
    if parsed is None:
        report["status"], report["reason"] = "unparsed", reply.strip()[:200]
        return None, report
    number, text = parsed
    text = sentence_case(text, proper or set())
    report["text"] = text
    if _same_words(text, grounded.text):
        report["status"] = "same as grounded"
        return None, report
    if any(_same_words(text, title) for title in titles or []):
        # An outlet's own headline, word for word: it stays credited to that outlet,
        # as the grounded writer credits the headline it takes.
        report["status"] = "copies a source headline"
        return None, report
    fact = usable[number - 1].citation
    departs = departs_from_source(text, fact.source_text, fact.outlet, headline=True)
    if departs:
        report["status"], report["reason"] = "departs from its source", departs
        return None, report
    draft = Sentence(text=text, citation=dataclasses.replace(fact), headline=True)
    draft.verdict = verifier.verify([draft], embedder)[0]
    if draft.verdict.status != "supported":
        report["status"] = draft.verdict.status
        report["reason"] = "; ".join(draft.verdict.missing[:4])
        return None, report
    report["status"] = "used"
    return draft, report


def redraft(llm: LLM, verifier: Verifier, embedder: Embedder, grounded: list[Sentence], *,
            max_tokens: int = 1024, temperature: float = 0.2, max_sentences: int | None = None,
            per_request: int | None = None, proper: set[str] | None = None,
            item: str = "article") -> tuple[list[Sentence | None], dict[str, Any]]:
    """Have ``llm`` redraft the cited ``grounded`` sentences (the first ``max_sentences``
    of them, ``per_request`` to a request); keep what verifies.

    Returns one entry per grounded sentence (the model's supported redraft citing the
    same source sentence, or ``None`` to keep the grounded one) and a report of the
    attempt: counts of lines, discards and kept sentences, ``error`` when the model
    failed or no reply held anything usable. Never raises for a model failure.
    """
    kept: list[Sentence | None] = [None] * len(grounded)
    # Source sentences that read as instructions to a model never reach it.
    given = [i for i, s in enumerate(grounded)
             if not looks_like_instruction(s.citation.source_text)]
    withheld = len(grounded) - len(given)
    given = given[:max_sentences]
    report: dict[str, Any] = {
        "backend": f"llm.{llm.name}", "model": llm.model_name,
        "sources_given": len(given), "withheld_as_instructions": withheld, "requests": 0,
        "lines": 0, "parsed": 0, "unparsed": 0, "bad_citation": 0, "instruction_lines": 0,
        "unsupported": 0, "departs": 0, "not_standalone": 0, "verbatim": 0, "used": 0,
        "error": "", "failed": False, "seconds": 0.0,
        "sentences": [],
    }
    if not given:
        report["error"] = "no source sentence to give the model"
        return kept, report
    step = max(per_request or len(given), 1)
    # (index into grounded, drafted text) for every well-formed line of every reply
    drafted: list[tuple[int, str]] = []
    empty = 0
    started = time.perf_counter()
    for first in range(0, len(given), step):
        chunk = given[first:first + step]
        sources = [strip_dateline(grounded[i].citation.source_text) for i in chunk]
        report["requests"] += 1
        try:
            reply = llm.generate(build_messages(sources), max_tokens=max_tokens,
                                 temperature=temperature)
        except LLMError as exc:
            # The next request would most likely fail the same way (and a timeout would
            # cost as long again): keep what earlier replies gave and stop here.
            report["error"], report["failed"] = str(exc), True
            log.warning("%s: %s; keeping the grounded sentences", item, exc)
            break
        parsed = parse_reply(reply, len(chunk))
        empty += not reply.strip()
        report["lines"] += sum(1 for line in reply.splitlines() if line.strip())
        report["parsed"] += len(parsed.sentences)
        report["unparsed"] += len(parsed.unparsed)
        report["bad_citation"] += len(parsed.bad_citation)
        report["instruction_lines"] += len(parsed.instruction)
        drafted += [(chunk[number - 1], source_abbreviations(
            text, grounded[chunk[number - 1]].citation.source_text))
            for number, text in parsed.sentences]
    report["seconds"] = round(time.perf_counter() - started, 2)
    if not drafted:
        if not report["error"]:
            report["error"] = ("empty reply" if empty == report["requests"]
                               else "no line in the '<sentence> [n]' format")
            log.warning("%s: model reply unusable (%s); keeping the grounded sentences",
                        item, report["error"])
        return kept, report

    drafts = [Sentence(text=frame_like(text, grounded[slot], proper or set()),
                       citation=dataclasses.replace(grounded[slot].citation))
              for slot, text in drafted]
    verdicts = verifier.verify(drafts, embedder)
    for (slot, text), draft, verdict in zip(drafted, drafts, verdicts, strict=True):
        draft.verdict = verdict
        cited = grounded[slot].citation
        if verdict.status != "supported":
            report["unsupported"] += 1
        elif departs := departs_from_source(text, cited.source_text, cited.outlet):
            report["departs"] += 1
            report["unsupported"] += 1
            log.debug("%s: draft not used (%s): %s", item, departs, text)
        elif _leans_on_context(text):
            # "He said he was prepared to walk.": the model put a pronoun where its
            # source sentence names the speaker; as a sentence of the article it points
            # at nothing (the grounded sentence stands alone, or it was not chosen)
            report["not_standalone"] += 1
            report["unsupported"] += 1
        elif _same_words(text, strip_dateline(cited.source_text)):
            # A copy of the source adds nothing; the grounded sentence (dateline and
            # opener removed, outlet credited) stays.
            report["verbatim"] += 1
        elif kept[slot] is None:  # the first supported draft of a source sentence wins
            kept[slot] = draft
            report["sentences"].append(draft.text)
    report["used"] = len(report["sentences"])
    return kept, report


def llm_options_from_settings(settings: Settings) -> tuple[str, dict[str, Any]]:
    """The ``llm.backend`` name and the options its backend takes from ``llm.*``."""
    llm_name = settings["llm.backend"]
    if llm_name == "openai":
        llm_options: dict[str, Any] = {
            "base_url": settings["llm.base_url"], "model": settings["llm.model"],
            "api_key_env": settings["llm.api_key_env"], "timeout": settings["llm.timeout"]}
    elif llm_name == "llamacpp":
        llm_options = {"model_path": settings["llm.model_path"],
                       "n_ctx": settings["llm.context"], "n_threads": settings["llm.threads"]}
    else:
        llm_options = {}  # a third-party backend takes its defaults
    return llm_name, llm_options


def writer_options_from_settings(settings: Settings) -> dict[str, Any]:
    """The :class:`LLMWriter` options the ``llm.*`` settings give."""
    llm_name, llm_options = llm_options_from_settings(settings)
    return {"llm_backend": llm_name, "llm_options": llm_options,
            "max_tokens": settings["llm.max_tokens"],
            "max_sentences": settings["llm.max_sentences"],
            "sentences_per_request": settings["llm.sentences_per_request"],
            "temperature": settings["llm.temperature"],
            "headline": settings["llm.headline"]}


def verifier_from_settings(settings: Settings) -> Verifier:
    """The verifier of the write stage: the alignment verifier with the ``verify.*``
    settings; with ``write.backend = "llm"`` and ``llm.judge``, the judged verifier
    around it, asking the ``llm.*`` model (see :mod:`newsdesk.builtin.verify_judge`)."""
    verify = settings.section("verify")
    if settings["write.backend"] != "llm" or not settings["llm.judge"]:
        return backends.load("verifier", "alignment", Verifier, **verify)
    llm_name, llm_options = llm_options_from_settings(settings)
    return backends.load("verifier", "judged", Verifier, alignment=verify,
                         llm_backend=llm_name, llm_options=llm_options,
                         judge_threshold=settings["llm.judge_threshold"])


def writer_from_settings(settings: Settings, verifier: Verifier | None = None) -> Writer:
    """The writer named by ``write.backend``; for ``llm``, built from the ``llm.*``
    settings, checking the model's drafts with ``verifier`` (the write stage passes its
    own, so a kept draft is never dropped later) or with the ``verify.*`` settings.

    Raises:
        ConfigError: an ``llm.*`` value is invalid or the API key variable is unset.
        BackendError: the writer or model backend (or its package) is not installed.
        ModelError: the local model file is missing (``newsdesk model fetch``).
    """
    name = settings["write.backend"]
    if name != "llm":
        return backends.load("writer", name, Writer)
    if verifier is None:
        verifier = verifier_from_settings(settings)
    # A judging verifier already holds the model: one copy in memory, not two.
    shared = getattr(verifier, "llm", None)
    return LLMWriter(llm=shared if isinstance(shared, LLM) else None, verifier=verifier,
                     **writer_options_from_settings(settings))
