"""Score newsdesk's own fetch -> decode -> extract path on a labelled set of pages.

Each page's raw bytes are handed to the ingest stage's fetch_entry as if just fetched
(no HTTP charset header), so decoding, the extractor chain, metadata fallbacks and
site-boilerplate stripping all run exactly as in a real ingest. The dataset folder
holds gold.jsonl ({"id", "file", "url", "title", "text"} per line) and the gzipped
pages it names (the extraction-* sets).

Printed: 4-gram shingle precision, recall and F1 (the Zyte benchmark's metric, macro
over pages), the same with single tokens (macro and micro), exact token matches, pages
with empty output, pages with mojibake left in, title accuracy where the gold has
titles, which extractor produced the text and why others were passed over, and pages
per second.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TOKEN = re.compile(r"\w+")
#: sequences that only appear when text was decoded with the wrong charset
MOJIBAKE = ("â€", "Ã©", "Ã¨", "Ã¤", "Ã¶", "Ã¼", "Ã¡", "Ã³", "Â ", "\ufffd")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The harness's own flags."""
    parser.add_argument("--dataset", required=True, metavar="PATH",
                        help="folder with gold.jsonl and the pages (e.g. "
                             "../shared/data/extraction-zyte)")
    parser.add_argument("--limit", type=int, metavar="N",
                        help="only the first N pages by id (a quick, fixed slice)")
    parser.add_argument("--gold-field", default="text",
                        help="gold field to score against (default: text)")
    parser.add_argument("--boilerplate-min-pages", type=int, metavar="N",
                        help="site boilerplate: strip lines seen on N earlier pages of the "
                             "same host in this set; 0 turns it off (default: the "
                             "extract.boilerplate_min_pages setting)")
    parser.add_argument("--pred", metavar="PATH",
                        help="write each page's output as JSONL ({id, text, title, "
                             "extractor}), readable by extraction_score.py --pred")
    parser.add_argument("--worst", type=int, default=0, metavar="N",
                        help="also list the N pages with the lowest shingle F1")


@dataclass
class PageResult:
    """What newsdesk made of one gold page."""

    id: str
    text: str
    title: str
    extractor: str


def tokens(text: str | None) -> list[str]:
    """The ``\\w+`` tokens of ``text`` (Unicode, case kept), as the benchmark counts."""
    return _TOKEN.findall(text or "")


def _grams(words: list[str], n: int) -> Counter[tuple[str, ...]]:
    if n <= 1:
        return Counter((w,) for w in words)
    if len(words) < n:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def page_counts(gold: str, predicted: str, n: int) -> tuple[float, float, float]:
    """(TP, FP, FN) of the ``n``-gram multisets of one page."""
    g, p = _grams(tokens(gold), n), _grams(tokens(predicted), n)
    tp = sum((g & p).values())
    return float(tp), float(sum(p.values()) - tp), float(sum(g.values()) - tp)


def macro(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Per-page counts normalised to sum 1, precision and recall averaged over the pages
    where they are defined, F1 of the two averages (the Zyte benchmark's definition)."""
    precisions: list[float] = []
    recalls: list[float] = []
    for raw_tp, raw_fp, raw_fn in counts:
        total = raw_tp + raw_fp + raw_fn
        if not total:
            continue
        tp, fp, fn = raw_tp / total, raw_fp / total, raw_fn / total
        if tp + fp > 0:
            precisions.append(1.0 if fp == 0 and fn == 0 else tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(1.0 if fp == 0 and fn == 0 else tp / (tp + fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def micro(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Precision, recall and F1 over all pages' counts pooled."""
    tp = sum(c[0] for c in counts)
    fp = sum(c[1] for c in counts)
    fn = sum(c[2] for c in counts)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _title_key(title: str | None) -> str:
    return " ".join(tokens((title or "").casefold()))


def score(gold_rows: list[dict[str, Any]], results: dict[str, PageResult],
          gold_field: str = "text") -> dict[str, Any]:
    """Text and title figures of ``results`` against ``gold_rows``."""
    def text_of(row: dict[str, Any]) -> str:
        found = results.get(row["id"])
        return found.text if found else ""

    shingle = [page_counts(r.get(gold_field) or "", text_of(r), 4) for r in gold_rows]
    single = [page_counts(r.get(gold_field) or "", text_of(r), 1) for r in gold_rows]
    titled = [r for r in gold_rows if r.get("title")]
    title_hits = sum(1 for r in titled if r["id"] in results
                     and _title_key(results[r["id"]].title) == _title_key(r["title"]))
    return {
        "pages": len(gold_rows),
        "empty_pages": sum(1 for r in gold_rows if not tokens(text_of(r))),
        "mojibake_pages": sum(1 for r in gold_rows
                              if any(m in text_of(r) for m in MOJIBAKE)),
        "shingle4_macro": macro(shingle),
        "token_macro": macro(single),
        "token_micro": micro(single),
        "exact_token_match": (sum(1 for r in gold_rows if tokens(r.get(gold_field))
                                  == tokens(text_of(r))) / len(gold_rows)) if gold_rows else 0.0,
        "titles": {"pages_with_gold_title": len(titled),
                   "accuracy": title_hits / len(titled) if titled else None},
    }


def load_gold(dataset: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The gold rows of ``dataset`` in stream order (by id); the first ``limit`` only."""
    path = dataset / "gold.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: --dataset must be a folder with "
                                "gold.jsonl (e.g. ../shared/data/extraction-zyte)")
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    rows.sort(key=lambda r: str(r["id"]))
    return rows[:limit] if limit else rows


def run_pages(dataset: Path, rows: list[dict[str, Any]],
              settings_overrides: dict[str, Any] | None = None,
              config: str | None = None) -> tuple[dict[str, PageResult], dict[str, int], float]:
    """Run fetch_entry over every page of ``rows``, in order, in a throwaway store.

    Returns per-page results, the run's counts and the seconds spent in fetch_entry.
    """
    from newsdesk.backends.fetcher import Fetcher, FetchResult
    from newsdesk.builtin.store_sql import SqlStore
    from newsdesk.errors import FetchError
    from newsdesk.pipeline import Context
    from newsdesk.records import Entry
    from newsdesk.settings import load_settings
    from newsdesk.stages.ingest import fetch_entry

    pages: dict[str, bytes] = {}

    class GoldPages(Fetcher):
        """Serves each gold page's stored bytes, as a fetch with no charset header."""

        name = "gold-pages"

        def fetch(self, url: str, etag: str | None = None,
                  last_modified: str | None = None) -> FetchResult:
            if url not in pages:
                raise FetchError(url, "not_found", "not a page of this dataset")
            return FetchResult(url=url, final_url=url, status=200, content=pages[url],
                               content_type="text/html")

    results: dict[str, PageResult] = {}
    elapsed = 0.0
    with tempfile.TemporaryDirectory(prefix="newsdesk-eval-") as tmp:
        settings = load_settings(config, {"data_dir": tmp, "database_url": "",
                                          **(settings_overrides or {})})
        store = SqlStore.open(settings.database_url)
        ctx = Context(settings=settings, store=store, show_progress=False)
        ctx.fetcher = GoldPages()
        try:
            for row in rows:
                path = dataset / row["file"]
                raw = path.read_bytes()
                url = row.get("url") or path.resolve().as_uri()
                pages[url] = gzip.decompress(raw) if path.suffix == ".gz" else raw
                start = time.perf_counter()
                doc = fetch_entry(Entry(url=url, source_url=f"eval:{dataset.name}"), ctx)
                elapsed += time.perf_counter() - start
                del pages[url]
                results[row["id"]] = PageResult(
                    id=row["id"], text=doc.text if doc else "", title=doc.title if doc else "",
                    extractor=doc.extractor if doc else "")
        finally:
            store.close()
    return results, dict(ctx.counts), elapsed


def evaluate(dataset: Path, limit: int | None = None, gold_field: str = "text",
             boilerplate_min_pages: int | None = None,
             config: str | None = None) -> tuple[dict[str, Any], dict[str, PageResult]]:
    """Figures for ``dataset`` (see the module docs) and the per-page results."""
    rows = load_gold(dataset, limit)
    overrides: dict[str, Any] = {}
    if boilerplate_min_pages is not None:
        overrides["extract.boilerplate_min_pages"] = boilerplate_min_pages
    results, counts, elapsed = run_pages(dataset, rows, overrides, config)
    figures = score(rows, results, gold_field)
    figures["dataset"] = str(dataset)
    figures["gold_field"] = gold_field
    figures["seconds"] = elapsed
    figures["pages_per_second"] = len(rows) / elapsed if elapsed else 0.0
    figures["extracted_by"] = dict(Counter(r.extractor or "(none)" for r in results.values()))
    figures["counts"] = {k: v for k, v in sorted(counts.items())
                         if k.startswith(("rejected_", "decode_", "boilerplate_", "fell_back"))}
    return figures, results


def _worst(rows: list[dict[str, Any]], results: dict[str, PageResult], gold_field: str,
           n: int) -> list[tuple[float, float, float, str, str]]:
    ranked = []
    for row in rows:
        found = results.get(row["id"])
        tp, fp, fn = page_counts(row.get(gold_field) or "", found.text if found else "", 4)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        ranked.append((f, p, r, row["id"], found.extractor if found else ""))
    return sorted(ranked)[:n]


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Evaluate, print the figures, and return them."""
    dataset = Path(args.dataset)
    figures, results = evaluate(dataset, args.limit, args.gold_field,
                                args.boilerplate_min_pages, getattr(args, "config", None))
    if args.pred:
        with Path(args.pred).open("w", encoding="utf-8") as out:
            for result in results.values():
                out.write(json.dumps({"id": result.id, "text": result.text,
                                      "title": result.title, "extractor": result.extractor},
                                     ensure_ascii=False) + "\n")
    print(f"extraction on {dataset} ({figures['pages']} pages, gold field "
          f"'{args.gold_field}')")
    for key, label in (("shingle4_macro", "shingle-4 macro"), ("token_macro", "token macro"),
                       ("token_micro", "token micro")):
        m = figures[key]
        print(f"  {label:16} P {m['precision']:.4f}  R {m['recall']:.4f}  F1 {m['f1']:.4f}")
    print(f"  exact token match {figures['exact_token_match']:.3f}")
    print(f"  empty pages       {figures['empty_pages']}")
    print(f"  mojibake pages    {figures['mojibake_pages']}")
    titles = figures["titles"]
    if titles["accuracy"] is not None:
        print(f"  title accuracy    {titles['accuracy']:.3f} "
              f"({titles['pages_with_gold_title']} pages with a gold title)")
    print(f"  pages/s           {figures['pages_per_second']:.2f} "
          f"({figures['seconds']:.1f} s in fetch_entry)")
    print("  text from         " + ", ".join(
        f"{k} {v}" for k, v in sorted(figures["extracted_by"].items(), key=lambda kv: -kv[1])))
    for key, value in figures["counts"].items():
        print(f"  {key.replace('_', ' ')}: {value}")
    if args.worst:
        rows = load_gold(dataset, args.limit)
        print(f"  worst {args.worst} pages (shingle F1, P, R, id, extractor):")
        for f, p, r, page_id, extractor in _worst(rows, results, args.gold_field, args.worst):
            print(f"    {f:.3f} {p:.3f} {r:.3f} {page_id} {extractor}")
    return figures
