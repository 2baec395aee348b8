"""Background links between stories (stages/timeline.py): a shared famous name is not a
thread; shared specific names on the same subject are."""

from __future__ import annotations

from typing import Any

import numpy as np

from newsdesk.stages.timeline import distinct_names, fullest_names, is_famous, thread_score
from newsdesk.tfidf import DocumentFrequencies

MIN_SCORE = 0.3  # the timeline.min_score default


def archive() -> DocumentFrequencies:
    """400 documents: Trump in 150 of them, the White House in 60, the rest rare."""
    frequencies = DocumentFrequencies()
    for n in range(400):
        keys = [f"person:someone {n}"]
        if n < 150:
            keys += ["person:donald trump", "person:trump"]
        if n < 60:
            keys.append("org:white house")
        if n < 3:
            keys += ["person:gordon sondland", "place:ukraine"]
        frequencies.add(keys)
    return frequencies


def vector(cosine: float) -> np.ndarray:
    """A unit vector at ``cosine`` to the first axis."""
    return np.array([cosine, float(np.sqrt(1 - cosine * cosine)), 0.0], dtype=np.float32)


def story(names: list[str], meaning: np.ndarray, terms: dict[str, float] | None = None
          ) -> dict[str, Any]:
    return {"names": dict.fromkeys(names, 2), "centroid": meaning, "terms": terms or {}}


BASE = np.array([1.0, 0.0, 0.0], dtype=np.float32)


def test_famous_names_are_told_from_specific_ones() -> None:
    frequencies = archive()
    assert is_famous("person:donald trump", frequencies)
    assert is_famous("org:white house", frequencies)
    assert not is_famous("person:gordon sondland", frequencies)
    # in a small archive, two stories naming the same place do not make it famous
    small = DocumentFrequencies()
    for n in range(40):
        small.add(["place:brennick east"] if n < 4 else [f"x:{n}"])
    assert not is_famous("place:brennick east", small)


def test_one_shared_famous_name_is_not_a_thread() -> None:
    frequencies = archive()
    summit = story(["person:donald trump", "person:trump", "person:kim jong un"], BASE)
    immigration = story(["person:donald trump", "person:trump", "place:mexico"], vector(0.4))
    score, shared = thread_score(summit, immigration, frequencies)
    assert shared and score < MIN_SCORE
    # even with the White House as well: famous names are the beat, not the thread
    budget = story(["person:trump", "org:white house", "org:congress"], vector(0.5))
    tax = story(["person:trump", "org:white house", "org:irs"], BASE)
    assert thread_score(tax, budget, frequencies)[0] < MIN_SCORE


def test_famous_names_on_the_same_subject_are_a_thread() -> None:
    frequencies = archive()
    rally = story(["person:donald trump", "person:trump"], BASE,
                  {"rally": 0.8, "tulsa": 0.6})
    earlier = story(["person:donald trump", "person:trump"], vector(0.8),
                    {"rally": 0.7, "tulsa": 0.7})
    assert thread_score(rally, earlier, frequencies)[0] >= MIN_SCORE


def test_specific_names_and_a_related_subject_are_a_thread() -> None:
    frequencies = archive()
    later = story(["person:gordon sondland", "place:ukraine", "person:trump"], BASE)
    earlier = story(["person:gordon sondland", "place:ukraine", "org:house"], vector(0.5))
    assert thread_score(later, earlier, frequencies)[0] >= MIN_SCORE
    # the same names on an unrelated subject are not
    unrelated = story(["person:gordon sondland", "place:ukraine"], vector(0.2))
    assert thread_score(later, unrelated, frequencies)[0] == 0.0


def test_one_specific_name_needs_one_subject() -> None:
    frequencies = archive()
    later = story(["place:ukraine", "person:someone 1"], BASE)
    assert thread_score(later, story(["place:ukraine"], vector(0.4)), frequencies)[0] == 0.0
    assert thread_score(later, story(["place:ukraine"], vector(0.7)), frequencies)[0] >= MIN_SCORE


def test_a_surname_and_the_full_name_are_one_name() -> None:
    assert distinct_names(["person:donald trump", "person:trump", "org:trump"]) == ["donald trump"]
    assert sorted(distinct_names(["person:hunter biden", "person:joe biden", "person:biden"])
                  ) == ["hunter biden", "joe biden"]


def test_a_thread_names_each_person_once() -> None:
    assert fullest_names(["Moss", "Ada Moss", "Kelvport", "Ada Moss"]) == ["Ada Moss", "Kelvport"]
    # two people who share a surname stay two; a longer word is not a surname
    assert fullest_names(["Ada Moss", "Ben Moss", "Moss"]) == ["Ada Moss", "Ben Moss"]
    assert fullest_names(["Rehn", "Tomas Rehnberg"]) == ["Rehn", "Tomas Rehnberg"]
