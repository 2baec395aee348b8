"""Related stories at archive scale: seconds to score every written story against every
other (``newsdesk.stages.relate.related_scores``) for N stories.

Synthetic stories: 384-dimensional unit centroids drawn around 200 topics, 3-12 names
each from a Zipf-distributed vocabulary of 20,000 names, last reports spread over two
years. Only the scoring is measured (the store reads and writes of the relate step grow
with the number of changed stories, not with N squared); ``--pairwise`` also times a
plain Python loop over every pair, the way related stories were scored before, on the
sizes up to 2,000.

    python bench/relate_scale.py                         # 1,000, 10,000 and 50,000 stories
    python bench/relate_scale.py --sizes 2000 --pairwise --json relate.json
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import machine

DIMENSIONS = 384
TOPICS = 200
VOCABULARY = 20_000


def synthetic(size: int) -> tuple[np.ndarray, list[set[str]], list[float | None]]:
    """``size`` stories: centroids, name sets and times in seconds."""
    rng = np.random.default_rng(size)
    topics = rng.standard_normal((TOPICS, DIMENSIONS))
    which = rng.integers(0, TOPICS, size)
    vectors = (topics[which] + 0.8 * rng.standard_normal((size, DIMENSIONS))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    names = [{f"name {int(n)}" for n in rng.zipf(1.3, int(rng.integers(3, 13))) % VOCABULARY}
             for _ in range(size)]
    times: list[float | None] = [float(t) for t in rng.uniform(0, 2 * 365 * 86400, size)]
    return vectors, names, times


def pairwise(vectors: np.ndarray, names: list[set[str]], times: list[float | None],
             half_life: float, top_k: int) -> list[list[tuple[float, int]]]:
    """Every pair scored in a Python loop (the reference the matrix version replaced)."""
    from newsdesk.stages.relate import DENSE_WEIGHT, MIN_DENSE, MIN_SCORE, NAME_WEIGHT

    dense = vectors @ vectors.T
    result = []
    for i in range(len(names)):
        scored = []
        for j in range(len(names)):
            if i == j or float(dense[i, j]) < MIN_DENSE:
                continue
            union = names[i] | names[j]
            overlap = len(names[i] & names[j]) / len(union) if union else 0.0
            score = DENSE_WEIGHT * float(dense[i, j]) + NAME_WEIGHT * overlap
            a, b = times[i], times[j]
            if a is not None and b is not None:
                score *= 0.5 ** (abs(a - b) / 86400 / half_life)
            if score >= MIN_SCORE:
                scored.append((score, j))
        scored.sort(key=lambda p: (-p[0], p[1]))
        result.append(scored[:top_k])
    return result


def measure(size: int, with_pairwise: bool) -> dict[str, Any]:
    from newsdesk.stages.relate import related_scores

    vectors, names, times = synthetic(size)
    start = time.perf_counter()
    cpu = time.process_time()
    found = related_scores(vectors, names, times, half_life=14.0, top_k=5)
    figures: dict[str, Any] = {
        "stories": size, "seconds": round(time.perf_counter() - start, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "links": sum(len(f) for f in found),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if with_pairwise and size <= 2000:
        start = time.perf_counter()
        reference = pairwise(vectors, names, times, half_life=14.0, top_k=5)
        figures["pairwise_seconds"] = round(time.perf_counter() - start, 2)
        figures["same_as_pairwise"] = all(
            [j for _, j in a] == [j for _, j in b] for a, b in zip(found, reference, strict=True))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000",
                        help="comma-separated numbers of stories (default 1000,10000,50000)")
    parser.add_argument("--pairwise", action="store_true",
                        help="also time the per-pair Python loop (sizes up to 2,000)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    rows = [measure(int(s), args.pairwise) for s in args.sizes.split(",")]
    print(machine())
    print(f"{'stories':>8} {'seconds':>8} {'CPU s':>8} {'links':>8} {'peak RSS MiB':>13} "
          f"{'pairwise s':>11}")
    for row in rows:
        print(f"{row['stories']:>8} {row['seconds']:>8} {row['cpu_seconds']:>8} "
              f"{row['links']:>8} {row['peak_rss_mib']:>13} "
              f"{row.get('pairwise_seconds', '-'):>11}"
              + ("" if row.get("same_as_pairwise", True) else "  (lists differ!)"))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
