"""What the extractor chain costs against plain trafilatura, in CPU milliseconds a page.

On a labelled extraction set (gold.jsonl and its gzipped pages, e.g.
``../shared/data/extraction-zyte``), each page is decoded once, then timed with
``time.process_time`` (CPU of this process, so other jobs on the machine count less):

- ``trafilatura``: ``trafilatura.extract(html, url=url, favor_precision=True)``, the
  plain library call;
- ``chain``: newsdesk's :class:`~newsdesk.builtin.extract_chain.ChainExtractor` with its
  default steps and checks, metadata included.

On each page the two are timed back to back, so that a change of load on the machine
hits both alike, and the whole set is gone through ``--repeat`` times (3 by default),
each page keeping its fastest time of each, which takes out most of the noise of a
shared machine. The ratio is reported over the
pages whose final text is trafilatura's precise text (where the chain's extra steps
bring nothing but their cost), and over all pages.

    python bench/extract_cost.py --dataset ../shared/data/extraction-zyte
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import machine


def load_pages(dataset: Path, limit: int | None) -> list[tuple[str, str]]:
    """(url, decoded html) of each page of the set, in file order."""
    from newsdesk.decode import decode_document

    pages = []
    with (dataset / "gold.jsonl").open(encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            raw = gzip.decompress((dataset / row["file"]).read_bytes())
            pages.append((row.get("url", ""), decode_document(raw).text))
            if limit and len(pages) >= limit:
                break
    return pages


def cpu_ms(calls: list[Any], pages: list[tuple[str, str]], repeat: int) -> list[list[float]]:
    """Per call and per page, the fastest of ``repeat`` timings in CPU milliseconds. The
    calls are timed one after the other on each page: timing every page with one call
    and then every page with the next let a change of load between the two passes skew
    their ratio (on a loaded machine the same code measured 1.5 to 2.2 times plain
    trafilatura)."""
    best = [[float("inf")] * len(pages) for _ in calls]
    for _ in range(repeat):
        for index, (url, html) in enumerate(pages):
            for times, call in zip(best, calls, strict=True):
                start = time.process_time()
                call(html, url)
                times[index] = min(times[index], (time.process_time() - start) * 1000)
    return best


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, required=True,
                        help="folder with gold.jsonl and its pages")
    parser.add_argument("--repeat", type=int, default=3, help="passes; the fastest counts")
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    import trafilatura

    from newsdesk.builtin.extract_chain import ChainExtractor

    pages = load_pages(args.dataset, args.limit)
    chain = ChainExtractor()
    kept = [index for index, (url, html) in enumerate(pages)
            if (found := chain.extract(html, url)) is not None
            and found.extractor == "trafilatura"]
    plain, ours = cpu_ms([lambda html, url: trafilatura.extract(
        html, url=url, favor_precision=True), chain.extract], pages, args.repeat)

    def summary(indices: list[int]) -> dict[str, float]:
        t = sum(plain[i] for i in indices) / max(len(indices), 1)
        c = sum(ours[i] for i in indices) / max(len(indices), 1)
        return {"pages": len(indices), "trafilatura_ms": round(t, 1),
                "chain_ms": round(c, 1), "ratio": round(c / t, 2) if t else 0.0}

    figures = {"dataset": str(args.dataset), "repeat": args.repeat, "machine": machine(),
               "trafilatura_text_kept": summary(kept),
               "all_pages": summary(list(range(len(pages))))}
    for name in ("trafilatura_text_kept", "all_pages"):
        row = figures[name]
        print(f"{name}: {row['pages']} pages, trafilatura {row['trafilatura_ms']} ms, "
              f"chain {row['chain_ms']} ms of CPU a page: {row['ratio']}x")
    print(f"machine: {figures['machine']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    main()
