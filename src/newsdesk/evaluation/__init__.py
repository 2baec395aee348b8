"""Evaluation harnesses behind ``newsdesk eval``: each scores one stage of the real
pipeline code on a labelled dataset given by path (nothing here ships any data).

Each module exposes ``add_arguments(parser)`` and ``run(args) -> dict`` (the figures,
also printed); ``newsdesk eval <name>`` wires them to the command line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: ``newsdesk eval <name>`` -> module under newsdesk.evaluation, with what it measures.
HARNESSES = {
    "extract": ("extract", "text extraction: token P/R/F1, titles, empty pages, pages/s"),
    "cluster": ("cluster", "online story clustering: B-cubed P/R/F1, documents/s"),
    "write": ("write", "article writing: ROUGE-1/2/L against reference summaries"),
    "verify": ("verify", "sentence verification: balanced accuracy, ROC AUC"),
    "judge": ("judge", "the judged verifier's model judgment: ROC AUC, balanced accuracy, "
                       "leave-one-dataset-out thresholds"),
    "feeds": ("feeds", "the whole pipeline on a labelled offline news site: ingest, "
                       "B-cubed, stories, ROUGE and the sentence audit"),
}


def write_json(path: str | None, figures: dict[str, Any]) -> None:
    """Save figures as JSON when ``--json PATH`` was given."""
    if path:
        Path(path).write_text(json.dumps(figures, indent=2, default=str) + "\n",
                              encoding="utf-8")
