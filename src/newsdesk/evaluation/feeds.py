"""Run the whole pipeline on a labelled offline news site and score what it publishes.

The site is a folder laid out like the shared feeds-allsides-dev set (feeds.opml,
feeds/, pages/, labels.jsonl, references.jsonl; see newsdesk.evaluation.feed_site).
It is served on 127.0.0.1 at a free port, with the URL prefix its files were written
with rewritten to that port, and the real pipeline (newsdesk.pipeline.run_all: ingest,
cluster, write + verify, publish) runs on its OPML list into a fresh store: a temporary
folder, or --data-dir to keep it (--rescore scores a kept store again without a run).
The label files are never served.

Printed, and written with --json PATH:

  ingest      labelled pages that became documents; the recorded reason for the rest
  clustering  B-cubed P/R/F1 over every labelled page (a page that was not ingested
              counts as its own story; how many is reported)
  stories     gold stories with 2+ outlets that got an article (by the article's
              majority gold story); articles mixing pages of 2+ gold stories, listed
  ROUGE       R-1/2/L (rouge-score, stemmed, F1 x100, mean over published articles) of
              each article (summary, lead and sections in reading order; headline and
              headings left out) against its majority gold story's reference, in full
              and cut to --budget words (66, the mds-allsides budget), with mean length
  audit       the sentence audit of every published article, a count per defect class
              (rules: newsdesk.evaluation.audit)

The last line is a one-line summary. --dump PATH writes every published article with
its sentences, citations (outlet, source sentence) and the audit's findings per
sentence, to read against the sources.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from newsdesk.evaluation import feed_report
from newsdesk.evaluation.feed_site import FeedSite, Label, load_site, serve_site

if TYPE_CHECKING:
    from newsdesk.builtin.store_sql import SqlStore
    from newsdesk.evaluation.audit_text import CaseEvidence
    from newsdesk.records import Article

log = logging.getLogger(__name__)
RUN_FILE = "eval-feeds.json"  # in the data folder: which site and base URL a run used
ALLOW_SETTING = "fetch.allow_networks"  # hosts fetched although their address is private


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``newsdesk eval feeds``."""
    parser.add_argument("--site", required=True, metavar="DIR",
                        help="the labelled site folder (e.g. ../shared/data/feeds-allsides-dev)")
    parser.add_argument("--budget", type=int, default=66, metavar="WORDS",
                        help="word budget of the cut ROUGE figures (default: %(default)s)")
    parser.add_argument("--dump", metavar="PATH",
                        help="write every published article with its citations and audit "
                             "findings as JSON")
    parser.add_argument("--rescore", action="store_true",
                        help="score the store in --data-dir as it is, without running the "
                             "pipeline (it must come from an earlier eval feeds run)")


def _normal_url(url: str) -> str:
    """A URL as ingest stores it: lower-case scheme and host, no fragment."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       parts.query, ""))


# -- scoring ---------------------------------------------------------------------------


def bcubed(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``predicted`` against ``gold`` (item -> label),
    averaged over the items of ``gold``. An item missing from ``predicted`` is a
    singleton."""
    items = list(gold)
    if not items:
        return 0.0, 0.0, 0.0
    clusters: dict[str, set[str]] = {}
    golds: dict[str, set[str]] = {}
    pred = {i: predicted.get(i, f"singleton:{i}") for i in items}
    for item in items:
        clusters.setdefault(pred[item], set()).add(item)
        golds.setdefault(gold[item], set()).add(item)
    precision = recall = 0.0
    for item in items:
        same = clusters[pred[item]] & golds[gold[item]]
        precision += len(same) / len(clusters[pred[item]])
        recall += len(same) / len(golds[gold[item]])
    p, r = precision / len(items), recall / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class StoreView:
    """What the scoring reads from the store after a run."""

    entries: dict[str, tuple[str, str, int | None]]  # url -> (status, reason, document id)
    documents: dict[int, dict[str, Any]]              # id -> url, canonical_url, story, text
    by_url: dict[str, int]                            # url or canonical URL -> document id
    write_status: dict[int, str]                      # story id -> what the writer did
    articles: list[Article]


def read_store(store: SqlStore) -> StoreView:
    """Entries, documents (with their final story, merges followed) and current articles."""
    from sqlalchemy import select

    from newsdesk.builtin.store_models import DocumentRow, EntryRow, StoryRow

    with store.session() as s:
        entries = {_normal_url(r.url): (r.status, r.reason, r.document_id)
                   for r in s.scalars(select(EntryRow))}
        merged = {r.id: r.merged_into for r in s.scalars(select(StoryRow))}
        write_status = {r.id: r.write_status for r in s.scalars(select(StoryRow))}
        documents: dict[int, dict[str, Any]] = {}
        for r in s.scalars(select(DocumentRow)):
            story = r.story_id
            seen = set()
            while story is not None and merged.get(story) and story not in seen:
                seen.add(story)
                story = merged[story]
            documents[r.id] = {"url": r.url, "canonical_url": r.canonical_url,
                               "story": story, "text": r.text, "title": r.title,
                               "duplicate_of": r.duplicate_of}
    by_url: dict[str, int] = {}
    for doc_id, doc in documents.items():
        for url in (doc["canonical_url"], doc["url"]):
            if url:
                by_url.setdefault(_normal_url(url), doc_id)
    return StoreView(entries, documents, by_url, write_status, store.current_articles())


def page_documents(site: FeedSite, base: str, view: StoreView
                   ) -> tuple[dict[str, int], dict[str, str]]:
    """(labelled URL -> document id) for the pages that became documents, and
    (labelled URL -> reason) for the rest."""
    found: dict[str, int] = {}
    missing: dict[str, str] = {}
    for label in site.labels:
        url = _normal_url(site.served_url(label.url, base))
        status, reason, doc_id = view.entries.get(url, ("", "", None))
        if doc_id is None:
            doc_id = view.by_url.get(url)
        if doc_id is not None and doc_id in view.documents:
            found[label.url] = doc_id
        elif not status:
            missing[label.url] = "not_in_any_feed"
        else:
            missing[label.url] = reason or status
    return found, missing


def article_text(article: Article) -> list[str]:
    """The scored text of an article: summary, lead and sections in reading order."""
    sentences = [article.summary, *article.lead,
                 *(s for section in article.sections for s in section.sentences)]
    return [s.text for s in sentences]


def _article_row(article: Article, site: FeedSite, view: StoreView, *,
                 label_of_doc: dict[int, Label], scorer: Any, corpus: CaseEvidence,
                 budget: int) -> dict[str, Any]:
    """One published article: its gold stories, ROUGE and audit."""
    from newsdesk.evaluation.audit import audit_article, from_record
    from newsdesk.evaluation.write import truncate_words

    members = [d for d, doc in view.documents.items() if doc["story"] == article.story_id]
    stories = Counter(label_of_doc[d].cluster for d in members if d in label_of_doc)
    majority = stories.most_common(1)[0][0] if stories else None
    texts = {d: view.documents[d]["text"] for d in members}
    texts.update({s.doc_id: view.documents[s.doc_id]["text"] for s in article.sources
                  if s.doc_id in view.documents})
    sides = {d: label_of_doc[d].side for d in texts if d in label_of_doc}
    audited = from_record(article, texts, sides,
                          {d: view.documents[d]["title"] for d in texts})
    sentences = article_text(article)
    reference = [site.references[majority]] if majority in site.references else []
    return {
        "story_id": article.story_id, "slug": article.slug, "gold": majority,
        "gold_stories": dict(stories), "mixed": len(stories) >= 2,
        "words": sum(len(t.split()) for t in sentences),
        "rouge_full": scorer.score(sentences, reference) if reference else None,
        "rouge_cut": (scorer.score(truncate_words(sentences, budget), reference)
                      if reference else None),
        "audit": audit_article(audited, corpus), "audited": audited,
    }


def score(site: FeedSite, base: str, view: StoreView, budget: int) -> dict[str, Any]:
    """Every figure of the report (the audit included), plus per-article details under
    ``articles`` for the dump."""
    from newsdesk.evaluation.audit import class_totals
    from newsdesk.evaluation.audit_text import case_evidence
    from newsdesk.evaluation.write import Scorer, truncate_words

    found, missing = page_documents(site, base, view)
    gold = {label.url: label.cluster for label in site.labels}
    predicted = {url: f"story:{view.documents[d]['story']}" for url, d in found.items()
                 if view.documents[d]["story"] is not None}
    p, r, f1 = bcubed(gold, predicted)

    label_of_doc = {doc_id: label for label in site.labels
                    if (doc_id := found.get(label.url)) is not None}
    outlets: dict[str, set[str]] = {}
    for label in site.labels:
        outlets.setdefault(label.cluster, set()).add(site.outlet(label))
    multi = {c for c, o in outlets.items() if len(o) >= 2}

    scorer = Scorer()
    corpus = case_evidence(doc["text"] for doc in view.documents.values())
    rows = [_article_row(article, site, view, label_of_doc=label_of_doc, scorer=scorer,
                         corpus=corpus, budget=budget) for article in view.articles]
    covered = {row["gold"] for row in rows if row["gold"]}
    counts, per_class = class_totals([f.defect for f in row["audit"].findings]
                                     for row in rows)
    sentences_audited = sum(row["audit"].sentences for row in rows)
    verbatim = sum(row["audit"].verbatim_sentences for row in rows)

    reasons = Counter(missing.values())
    scored = [row for row in rows if row["rouge_full"] is not None]

    def mean_rouge(key: str) -> dict[str, float]:
        if not scored:
            return {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
        return {m: round(statistics.mean(row[key][m] for row in scored), 2)
                for m in ("rouge1", "rouge2", "rougeL")}

    cut_words = [sum(len(t.split()) for t in truncate_words(article_text(a), budget))
                 for a in view.articles]
    return {
        "pages": len(site.labels), "gold_stories": len(outlets),
        "ingest": {"documents": len(found), "not_ingested": len(missing),
                   "reasons": dict(reasons.most_common())},
        "clustering": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
                       "singletons_not_ingested": len(missing),
                       "predicted_stories": len(set(predicted.values()))},
        "stories": {"gold_with_2_outlets": len(multi), "articles": len(view.articles),
                    "gold_published": len(covered & multi),
                    "gold_published_all": len(covered),
                    "write_status": dict(Counter(view.write_status.values()).most_common())},
        "mixed_articles": [{"story_id": row["story_id"], "slug": row["slug"],
                            "gold_stories": row["gold_stories"]}
                           for row in rows if row["mixed"]],
        "rouge": {"scorer": "rouge-score, use_stemmer=True, F1 x100, mean over articles",
                  "articles_scored": len(scored), "budget_words": budget,
                  "full": {**mean_rouge("rouge_full"), "mean_words": round(statistics.mean(
                      [row["words"] for row in rows]), 1) if rows else 0.0},
                  "cut": {**mean_rouge("rouge_cut"), "mean_words": round(statistics.mean(
                      cut_words), 1) if cut_words else 0.0}},
        "audit": {"articles": len(rows), "sentences": sentences_audited,
                  "verbatim_sentences": verbatim,
                  "articles_with_findings": sum(1 for row in rows if row["audit"].findings),
                  "counts": counts, "articles_per_class": per_class},
        "articles": rows,
    }


# -- running ---------------------------------------------------------------------------


@contextmanager
def _data_dir(args: argparse.Namespace) -> Iterator[Path]:
    if args.data_dir:
        yield Path(args.data_dir)
        return
    if args.rescore:
        raise SystemExit("--rescore needs --data-dir: the folder of an earlier run")
    with tempfile.TemporaryDirectory(prefix="newsdesk-eval-feeds-") as folder:
        yield Path(folder)


def run_pipeline(site: FeedSite, base: str, args: argparse.Namespace, data_dir: Path
                 ) -> dict[str, int]:
    """The real pipeline on the served site's OPML list, into ``data_dir``."""
    from newsdesk.builtin.store_sql import SqlStore
    from newsdesk.cluster_model import cluster_setup
    from newsdesk.pipeline import Context, run_all
    from newsdesk.settings import BY_NAME, load_settings

    settings = load_settings(getattr(args, "config", None),
                             {"data_dir": str(data_dir),
                              "database_url": getattr(args, "database_url", None)})
    if ALLOW_SETTING in BY_NAME:
        # a fetch policy that refuses loopback addresses lets through exactly this
        # server's host and port, nothing else on the machine
        allowed = [*settings[ALLOW_SETTING], urlsplit(base).netloc]
        settings = settings.with_overrides({ALLOW_SETTING: allowed}, origin="eval feeds")
    clustering = cluster_setup(settings)
    store = SqlStore.open(settings.database_url)
    ctx = Context(settings=settings, store=store, show_progress=not args.quiet,
                  clustering=clustering)
    ctx.run_id = store.start_run("eval feeds")
    status = "failed"
    try:
        run_all(ctx, [f"{base}/{site.opml}"])
        status = "ok"
    finally:
        store.finish_run(ctx.run_id, status, ctx.counts)
        store.close()
    return dict(ctx.counts)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Serve the site, run the pipeline, score; print and return the figures."""
    from newsdesk.builtin.store_sql import SqlStore
    from newsdesk.settings import load_settings

    site = load_site(Path(args.site))
    started = time.perf_counter()
    with _data_dir(args) as data_dir:
        run_file = data_dir / RUN_FILE
        if args.rescore:
            if not run_file.is_file():
                raise SystemExit(f"{data_dir} holds no {RUN_FILE}: not a store made by "
                                 f"`newsdesk eval feeds --data-dir`")
            base = json.loads(run_file.read_text(encoding="utf-8"))["base"]
            counts: dict[str, int] = {}
        else:
            if (data_dir / "newsdesk.db").exists() or run_file.exists():
                raise SystemExit(f"{data_dir} already holds a store: give an empty or new "
                                 f"folder (or --rescore to score that store again)")
            data_dir.mkdir(parents=True, exist_ok=True)
            with serve_site(site) as base:
                log.info("serving %s at %s (prefix %s rewritten)", site.root, base, site.prefix)
                run_file.write_text(json.dumps({"site": str(site.root), "base": base,
                                                "prefix": site.prefix}) + "\n",
                                    encoding="utf-8")
                counts = run_pipeline(site, base, args, data_dir)
        settings = load_settings(getattr(args, "config", None),
                                 {"data_dir": str(data_dir),
                                  "database_url": getattr(args, "database_url", None)})
        store = SqlStore.open(settings.database_url, migrate=False)
        try:
            view = read_store(store)
        finally:
            store.close()
        figures = score(site, base, view, args.budget)
        figures.update({"site": str(site.root), "prefix": site.prefix, "served_at": base,
                        "data_dir": str(data_dir) if args.data_dir else None,
                        "run_counts": counts,
                        "seconds": round(time.perf_counter() - started, 1)})
    rows = figures.pop("articles")
    if args.dump:
        feed_report.write_dump(Path(args.dump), rows)
    feed_report.print_report(figures, rows)
    return figures
