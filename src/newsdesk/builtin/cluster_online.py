"""Single-pass online clustering: a document joins the most similar recent story, or
starts a new one. Similarity combines the embedding cosine to the story centroid with
the overlap of capitalised names, within a time window.

Defaults were chosen on the training split of the shared clustering-gva stream
(B-cubed P 0.984, R 0.787, F1 0.875 on train with window 4 days), where every story is
a shooting and only names and places tell events apart.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from newsdesk.backends import BackendOptions
from newsdesk.backends.clusterer import Clusterer, DocumentFeatures, StoryState


def name_overlap(doc_names: list[str], story_names: dict[str, int]) -> float:
    """Share of the document's distinct names that the story already mentions."""
    distinct = set(doc_names)
    if not distinct or not story_names:
        return 0.0
    return len(distinct & story_names.keys()) / len(distinct)


class OnlineClusterer(Clusterer):
    """Cosine to centroid plus weighted name overlap; threshold and window from settings."""

    name = "online"

    class Options(BackendOptions):
        """Assignment rule (see the ``cluster.*`` settings)."""

        threshold: float = 0.6
        window_days: float = 4.0
        entity_weight: float = 0.6
        name_baseline: float = 0.35

    options: Options

    def score(self, doc: DocumentFeatures, story: StoryState) -> float:
        """Combined similarity of a document to a story (0 outside the time window)."""
        if story.last_published is not None:
            gap = doc.published - story.last_published
            if gap > timedelta(days=self.options.window_days):
                return 0.0
        cosine = float(np.dot(doc.vector, story.centroid) /
                       max(float(np.linalg.norm(story.centroid)), 1e-9))
        overlap = name_overlap(doc.names, story.names)
        # Sharing fewer names than the baseline counts against a story: two fires in two
        # cities read alike to the embedding but name different places and people.
        return cosine + self.options.entity_weight * (overlap - self.options.name_baseline)

    def assign(self, doc: DocumentFeatures,
               candidates: list[StoryState]) -> tuple[StoryState | None, float]:
        """See :meth:`Clusterer.assign`."""
        best, best_score = None, 0.0
        for story in candidates:
            score = self.score(doc, story)
            if score > best_score:
                best, best_score = story, score
        if best is not None and best_score >= self.options.threshold:
            return best, best_score
        return None, best_score
