"""Related stories: the block-wise scoring gives what scoring every pair one by one
gives (meaning, names, time), never the story itself, and nothing below the floors."""

from __future__ import annotations

import numpy as np

from newsdesk.stages.relate import (
    BLOCK,
    DENSE_WEIGHT,
    MIN_DENSE,
    MIN_SCORE,
    NAME_WEIGHT,
    related_scores,
)


def one_by_one(vectors: np.ndarray, names: list[set[str]], times: list[float | None],
               half_life: float, top_k: int) -> list[list[tuple[float, int]]]:
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    found = []
    for i in range(len(names)):
        scored = []
        for j in range(len(names)):
            dense = float(unit[i] @ unit[j])
            if i == j or dense < MIN_DENSE:
                continue
            union = names[i] | names[j]
            score = DENSE_WEIGHT * dense + NAME_WEIGHT * (
                len(names[i] & names[j]) / len(union) if union else 0.0)
            if times[i] is not None and times[j] is not None:
                score *= 0.5 ** (abs(times[i] - times[j]) / 86400 / half_life)
            if score >= MIN_SCORE:
                scored.append((score, j))
        found.append(sorted(scored, key=lambda p: (-p[0], p[1]))[:top_k])
    return found


def test_block_scoring_equals_scoring_each_pair() -> None:
    rng = np.random.default_rng(7)
    size = BLOCK + 37  # more than one block
    topics = rng.standard_normal((12, 16))
    vectors = topics[rng.integers(0, 12, size)] + 0.7 * rng.standard_normal((size, 16))
    pool = [f"name {k}" for k in range(30)]
    names = [set(rng.choice(pool, int(rng.integers(0, 5)), replace=False)) for _ in range(size)]
    times = [None if k % 17 == 0 else float(rng.uniform(0, 90 * 86400)) for k in range(size)]
    got = related_scores(vectors, names, times, half_life=14.0, top_k=5)
    want = one_by_one(vectors, names, times, half_life=14.0, top_k=5)
    assert [[j for _, j in row] for row in got] == [[j for _, j in row] for row in want]
    assert np.allclose([s for row in got for s, _ in row], [s for row in want for s, _ in row])
    assert sum(len(row) for row in got) > size  # the data does relate stories
    assert all(j != i for i, row in enumerate(got) for _, j in row)


def test_unlike_stories_are_not_related_however_many_names_they_share() -> None:
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.9, 0.1]])
    names = [{"Ada Moss", "Halden"}, {"Ada Moss", "Halden"}, set()]
    got = related_scores(vectors, names, [0.0, 0.0, 0.0], half_life=14.0, top_k=5)
    assert [j for _, j in got[0]] == [2]  # the orthogonal story shares every name
    assert got[1] == []
