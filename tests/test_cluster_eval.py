"""Clustering quality gate: ``newsdesk eval cluster`` on fixed slices of the shared
labelled streams must stay at or above the floors in quality_floors.json (a change may
raise them, not silently lower them). Skipped when the data is not there."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pytest

from newsdesk.cli.main import main
from newsdesk.evaluation import cluster as harness

DATA = Path(os.environ.get("NEWSDESK_EVAL_DATA",
                           Path(__file__).resolve().parents[1].parent / "shared" / "data"))
FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text())
SLICES = ["clustering-gva", "clustering-allsides"]


def test_a_stream_file_in_the_documented_format_is_scored(tmp_path: Path, capsys) -> None:
    stream = tmp_path / "mine.jsonl"
    strike = ("Tomas Rehn of the Dock and Harbour Workers' Union said 1,850 dockworkers at "
              "Port Calder walked out over pay; Calder Container Terminals offered 4.5 percent.")
    rows = [
        {"id": "a1", "time": "2026-11-16T07:00:00Z", "cluster": "strike",
         "title": "Dockworkers strike at Port Calder over pay", "text": strike},
        {"id": "a2", "time": "2026-11-16T09:00:00Z", "cluster": "strike",
         "title": "Port Calder at a standstill as dockers strike over pay",
         "text": "Container traffic stopped. " + strike},
        {"id": "b1", "time": "2026-11-16T10:00:00Z", "cluster": "beetle",
         "title": "New cave beetle discovered in the Karst",
         "text": "Scientists at Lindqvist University described a beetle that lives without "
                 "light in the Karst caves."},
    ]
    stream.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = tmp_path / "figures.json"
    assert main(["eval", "cluster", "--dataset", str(stream), "--cache", "",
                 "--json", str(out), "--quiet"]) == 0
    figures = json.loads(out.read_text())["datasets"]["mine.jsonl"]
    assert figures["documents"] == 3 and figures["gold_stories"] == 2
    assert figures["precision"] == 1.0 and figures["recall"] == 1.0
    assert "B-cubed" not in capsys.readouterr().err


def test_eval_cluster_explains_itself() -> None:
    with pytest.raises(SystemExit):
        main(["eval", "cluster", "--help"])


@pytest.mark.slow
@pytest.mark.parametrize("name", [*SLICES, "feeds-allsides-dev"])
def test_clustering_quality_stays_above_its_floor(name: str, tmp_path: Path) -> None:
    # feeds-allsides-dev: headline-and-excerpt items on their stories' real days, three
    # outlets in successive hours, in full and cold, as a new install's pipeline sees them
    dataset = DATA / name
    if name == "feeds-allsides-dev":
        dataset = dataset / "labels.jsonl"
    if not dataset.exists():
        pytest.skip(f"shared evaluation data not found at {dataset} (set NEWSDESK_EVAL_DATA)")
    floor = FLOORS[name]
    args = argparse.Namespace(dataset=[str(dataset)], split="test", train_split="",
                              limit=floor["documents"], tune=False, threshold=None,
                              window_days=None, merge_threshold=None, model=None,
                              short_threshold=None,
                              save_model=None, cache=str(tmp_path))
    figures = harness.run(args)["datasets"][dataset.name]
    assert figures["documents"] == floor["documents"]
    assert figures["precision"] >= floor["bcubed_precision"], figures
    assert figures["recall"] >= floor["bcubed_recall"], figures
    assert figures["f1"] >= floor["bcubed_f1"], figures
