"""The candidate index finds stories through bounded posting lists, not by scanning, and
the assigner's merge rule folds two stories that one report bridges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from newsdesk.backends.clusterer import Clusterer, DocumentFeatures, StoryState
from newsdesk.story_assign import StoryAssigner
from newsdesk.story_index import POSTINGS, RECENT, CandidateIndex

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def _story(story_id: int, names: list[str], hours_ago: float = 1.0) -> StoryState:
    return StoryState(id=story_id, centroid=np.ones(3, dtype=np.float32), doc_count=1,
                      names=dict.fromkeys(names, 1), terms={f"t{story_id}": 1.0},
                      first_published=NOW - timedelta(hours=hours_ago),
                      last_published=NOW - timedelta(hours=hours_ago))


def _doc(names: list[str], terms: dict[str, float] | None = None) -> DocumentFeatures:
    return DocumentFeatures(0, np.ones(3, dtype=np.float32), names, NOW, terms or {},
                            dict.fromkeys(names, 5.0))


def test_candidates_come_from_shared_keys_and_recent_stories() -> None:
    index = CandidateIndex(timedelta(days=30))
    index.add_all([_story(i, [f"place:town{i}"], hours_ago=100 - i) for i in range(1, 61)])
    found = {s.id for s in index.candidates(_doc(["place:town5"]))}
    assert 5 in found  # an old story, found by the name it shares
    assert set(range(61 - RECENT, 61)) <= found  # the newest stories, whatever they say
    assert len(found) == RECENT + 1  # and nothing else: no scan of the other 47


def test_posting_lists_stay_bounded_as_the_archive_grows() -> None:
    index = CandidateIndex(timedelta(days=3650))
    index.add_all([_story(i, ["person:smith"], hours_ago=10_000 - i) for i in range(1, 1001)])
    found = index.candidates(_doc(["person:smith"]))
    assert len(found) <= POSTINGS + RECENT
    assert max(s.id or 0 for s in found) == 1000  # the latest stories naming Smith
    assert 1 not in {s.id for s in found}


def test_stories_outside_the_window_are_not_candidates_and_expire() -> None:
    index = CandidateIndex(timedelta(days=2))
    index.add(_story(1, ["place:calder"], hours_ago=24 * 5))
    index.add(_story(2, ["place:calder"], hours_ago=5))
    assert [s.id for s in index.candidates(_doc(["place:calder"]))] == [2]
    assert index.expire(NOW) == 1
    assert len(index) == 1


class _ByName(Clusterer):
    """Accepts a story with probability 0.95 when it shares a name with the document."""

    name = "by-name"

    def assign(self, doc: DocumentFeatures, candidates: list[StoryState]
               ) -> tuple[StoryState | None, float]:
        for story in sorted(candidates, key=lambda s: -(s.doc_count)):
            if set(doc.names) & set(story.names):
                return story, 0.95
        return None, 0.0


def test_a_report_accepted_by_two_stories_merges_them_into_the_larger() -> None:
    assigner = StoryAssigner(_ByName(), timedelta(days=30), merge_threshold=0.9)
    big = _story(1, ["place:calder"])
    big.doc_count = 3
    small = _story(2, ["person:rehn"])
    assigner.load([big, small])
    result = assigner.assign(_doc(["place:calder", "person:rehn"]))
    assert result.story is big
    assert [s.id for s in result.merged] == [2]
    assert big.doc_count == 5  # 3 + the report + the merged story's one
    assert {"place:calder", "person:rehn"} <= big.names.keys()
    assert [s.id for s in assigner.index.candidates(_doc(["person:rehn"]))] == [1]

    no_merge = StoryAssigner(_ByName(), timedelta(days=30), merge_threshold=1.0)
    no_merge.load([_story(1, ["place:calder"]), _story(2, ["person:rehn"])])
    assert no_merge.assign(_doc(["place:calder", "person:rehn"])).merged == []


def test_loading_an_archive_at_once_indexes_it_as_adding_one_by_one_would() -> None:
    # The run-start rebuild takes the fast bulk path; its postings, kept keys and recent
    # list must be exactly what adding each story in time order gives.
    rng = np.random.default_rng(7)
    common = [f"place:city{i}" for i in range(5)]  # keys far more stories carry than fit
    stories = []
    for sid in rng.permutation(400) + 1:
        names = [*rng.choice(common, size=2, replace=False), f"person:p{sid % 37}"]
        story = _story(int(sid), names, hours_ago=float(rng.integers(1, 300)))
        story.terms = {f"w{int(t)}": 1.0 for t in rng.integers(0, 60, size=4)}
        stories.append(story)
    one_by_one, at_once = CandidateIndex(timedelta(days=30)), CandidateIndex(timedelta(days=30))
    for story in sorted(stories, key=lambda s: (s.last_published, s.id)):
        one_by_one.add(story)
    at_once.add_all(stories)
    assert {k: list(v) for k, v in at_once._postings.items()} == \
        {k: list(v) for k, v in one_by_one._postings.items()}
    assert at_once._keys == one_by_one._keys
    assert list(at_once._recent) == list(one_by_one._recent)
    assert max(len(p) for p in at_once._postings.values()) == POSTINGS
    doc = _doc(["place:city1", "person:p3"], {"w5": 1.0})
    assert [s.id for s in at_once.candidates(doc)] == [s.id for s in one_by_one.candidates(doc)]
