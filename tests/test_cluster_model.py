"""Tuned clustering models: `eval cluster --tune --save-model` writes one, the
`cluster.model` setting makes the pipeline use it, and a bad file is refused clearly."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from newsdesk.builtin.cluster_online import (
    DEFAULT_MODEL_FILE,
    DEFAULT_THRESHOLD,
    FEATURES,
    MODEL_TERMS,
    default_model,
)
from newsdesk.cli.main import main
from newsdesk.cluster_model import ClusterModel, cluster_setup, load_model, save_model
from newsdesk.errors import ConfigError
from newsdesk.settings import load_settings
from newsdesk.stages.cluster import cluster
from newsdesk.stages.ingest import ingest

from demo_corpus import bcubed, make_context, story_of_url, wave_sources


def _model(**changes: object) -> ClusterModel:
    builtin = default_model()
    values: dict[str, object] = {"center": list(builtin.center),
                                 "scale": list(builtin.scale),
                                 "weights": list(builtin.weights), "threshold": 0.4,
                                 "short_threshold": 0.6,
                                 "merge_threshold": 0.95, "window_days": 30.0,
                                 "tuned_on": ["mine/train.jsonl"], "train_bcubed_f1": 0.9}
    values.update(changes)
    return ClusterModel(**values)  # type: ignore[arg-type]


def test_a_saved_model_reads_back_the_same(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    save_model(path, _model())
    record = json.loads(path.read_text())
    assert list(record["features"]) == list(FEATURES)
    assert list(record["weights"]) == list(MODEL_TERMS)
    assert "dense*gap_hours" in record["weights"]  # the quadratic model's products, by name
    assert load_model(path) == _model()


def test_the_built_in_model_is_a_valid_model_file_tuned_with_the_default_settings() -> None:
    # The packaged model is written by `eval cluster --tune --save-model`, so it must read
    # back as any saved model does, and the settings' defaults must be what it was tuned
    # with (the pipeline passes those defaults, not the file's).
    import newsdesk

    packaged = load_model(Path(newsdesk.__file__).parent / DEFAULT_MODEL_FILE)
    builtin = default_model()
    assert packaged.weights == builtin.weights
    settings = load_settings(environ={})
    assert packaged.threshold == settings["cluster.threshold"] == DEFAULT_THRESHOLD
    assert packaged.short_threshold == settings["cluster.short_threshold"]
    assert packaged.merge_threshold == settings["cluster.merge_threshold"]
    assert packaged.window_days == settings["cluster.window_days"]
    # full articles, and headline-and-excerpt items both at a wire's density and on
    # their stories' real days and hours
    assert len(packaged.tuned_on) == 3
    assert any(source.endswith("(by published)") for source in packaged.tuned_on)


@pytest.mark.parametrize(("content", "reason"), [
    (None, "no such file"),
    ("{not json", "not a readable JSON file"),
    (json.dumps({"format": "something-else"}), "not a newsdesk cluster model"),
    (json.dumps({"format": "newsdesk-cluster-model", "version": 7}), "version 7"),
    (json.dumps({"format": "newsdesk-cluster-model", "version": 1,
                 "weights": {"intercept": -4.0}}), "version 1; this newsdesk reads version 2"),
])
def test_an_unreadable_model_file_is_refused_with_its_reason(
        tmp_path: Path, content: str | None, reason: str) -> None:
    path = tmp_path / "model.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError, match=reason):
        load_model(path)


def _edited(tmp_path: Path, edit: dict[str, object]) -> Path:
    path = tmp_path / "model.json"
    save_model(path, _model())
    record = json.loads(path.read_text())
    for key, value in edit.items():
        if key.startswith("weights."):
            name = key.split(".", 1)[1]
            if value is None:
                del record["weights"][name]
            else:
                record["weights"][name] = value
        elif key.startswith("features."):
            _, name, part = key.split(".")
            record["features"][name][part] = value
        else:
            record[key] = value
    path.write_text(json.dumps(record).replace("Infinity", "1e999"))
    return path


@pytest.mark.parametrize(("edit", "reason"), [
    ({"weights.gap_hours": None}, r"missing \['gap_hours'\]"),
    ({"weights.dense*gap_hours": None}, r"missing \['dense\*gap_hours'\]"),
    ({"weights.colour": 1.0}, r"unknown \['colour'\]"),
    ({"weights.dense": "high"}, "weights.dense must be a finite number"),
    ({"weights.dense": math.inf}, "weights.dense must be a finite number"),
    ({"features.length.scale": 0}, "features.length.scale must be positive"),
    ({"features.dense.center": None}, "features.dense.center must be a finite number"),
    ({"threshold": 1.5}, "threshold must lie between 0 and 1"),
    ({"short_threshold": 0}, "short_threshold must lie between 0 and 1"),
    ({"short_threshold": None}, "short_threshold must be a finite number"),
    ({"merge_threshold": 0}, r"merge_threshold must lie in \(0, 1\]"),
    ({"window_days": -3}, "window_days must be positive"),
])
def test_a_model_for_other_features_or_with_bad_numbers_is_refused(
        tmp_path: Path, edit: dict[str, object], reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        load_model(_edited(tmp_path, edit))


def test_the_files_thresholds_apply_unless_a_setting_is_given(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    save_model(path, _model(weights=[-1.0] * len(MODEL_TERMS)))
    setup = cluster_setup(load_settings(overrides={"cluster.model": str(path)}, environ={}))
    assert setup.options["weights"] == [-1.0] * len(MODEL_TERMS)
    assert setup.options["center"] == default_model().center
    assert (setup.options["threshold"], setup.options["short_threshold"],
            setup.merge_threshold, setup.window_days) == (0.4, 0.6, 0.95, 30.0)

    explicit = load_settings(overrides={"cluster.model": str(path)},
                             environ={"NEWSDESK_CLUSTER_THRESHOLD": "0.3",
                                      "NEWSDESK_CLUSTER_WINDOW_DAYS": "7"})
    setup = cluster_setup(explicit)
    assert setup.options["threshold"] == 0.3 and setup.window_days == 7.0
    assert setup.merge_threshold == 0.95

    builtin = cluster_setup(load_settings(environ={}))
    assert "weights" not in builtin.options  # the clusterer's own defaults
    assert builtin.options["threshold"] == DEFAULT_THRESHOLD


def _demo_stories(tmp_path: Path, **overrides: object) -> tuple[float, float, int]:
    ctx = make_context(tmp_path, **overrides)
    ingest(wave_sources(1) + wave_sources(2), ctx)
    cluster(ctx)
    docs = ctx.store.documents_at_stage("clustered")
    truth = story_of_url()
    precision, recall, _ = bcubed([d.story_id for d in docs],
                                  [truth[d.canonical_url] for d in docs])
    stories = len({d.story_id for d in docs})
    ctx.store.close()
    return precision, recall, stories


@pytest.mark.slow
def test_the_pipeline_clusters_with_the_model_file_it_is_given(tmp_path: Path) -> None:
    # The built-in weights saved to a file cluster the demo exactly as the built-in do;
    # a model that never accepts a story (a huge negative intercept) leaves every report
    # that is not a near-copy on its own. So the file is what decides.
    same = tmp_path / "same.json"
    builtin = default_model()
    save_model(same, _model(threshold=builtin.threshold,
                            short_threshold=builtin.short_threshold,
                            merge_threshold=builtin.merge_threshold, window_days=365.0))
    assert _demo_stories(tmp_path / "a", **{"cluster.model": str(same)})[:2] == (1.0, 1.0)

    never = tmp_path / "never.json"
    save_model(never, _model(weights=[-50.0] + [0.0] * (len(MODEL_TERMS) - 1)))
    precision, recall, stories = _demo_stories(tmp_path / "b", **{"cluster.model": str(never)})
    assert precision == 1.0 and recall < 0.7
    assert stories > len(set(story_of_url().values()))


def _write_stream(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    lines = [json.dumps({"id": f"{path.stem}-{i}", "time": when, "cluster": label,
                         "title": title, "text": text})
             for i, (when, label, title, text) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n")


STRIKE = ("Tomas Rehn of the Dock and Harbour Workers' Union said 1,850 dockworkers at Port "
          "Calder walked out over pay; Calder Container Terminals offered 4.5 percent.")
BEETLE = ("Scientists at Lindqvist University described a beetle that lives without light in "
          "the Karst caves near Postojna.")
FLOOD = ("The river Marren burst its banks at Oldbury overnight and 300 homes were evacuated, "
         "said fire chief Anna Berglund.")
VOTE = ("The Valdrian parliament passed the budget by 81 votes to 64 after Prime Minister "
        "Edda Sorn survived a confidence motion.")


def test_eval_tunes_saves_and_rescores_a_model(tmp_path: Path, capsys) -> None:
    data = tmp_path / "mine"
    data.mkdir()
    _write_stream(data / "train.jsonl", [
        ("2026-11-16T07:00:00Z", "strike", "Dockworkers strike at Port Calder", STRIKE),
        ("2026-11-16T09:00:00Z", "strike", "Port Calder at a standstill as dockers strike",
         "Container traffic stopped. " + STRIKE),
        ("2026-11-16T10:00:00Z", "beetle", "New cave beetle found in the Karst", BEETLE),
        ("2026-11-17T08:00:00Z", "beetle", "Blind beetle discovered in Karst caves",
         "A new species. " + BEETLE),
        ("2026-11-17T12:00:00Z", "strike", "Calder strike enters second day",
         "Talks resumed. " + STRIKE),
    ])
    _write_stream(data / "test.jsonl", [
        ("2026-11-20T07:00:00Z", "flood", "Marren floods Oldbury", FLOOD),
        ("2026-11-20T09:00:00Z", "flood", "Hundreds evacuated as the Marren bursts its banks",
         "Rescue boats were out. " + FLOOD),
        ("2026-11-20T10:00:00Z", "vote", "Valdria passes its budget", VOTE),
    ])
    saved = tmp_path / "tuned.json"
    tuned_out, rescored_out = tmp_path / "tuned-figures.json", tmp_path / "rescored.json"
    assert main(["eval", "cluster", "--dataset", str(data), "--cache", "", "--tune",
                 "--save-model", str(saved), "--json", str(tuned_out), "--quiet"]) == 0
    assert "saved to" in capsys.readouterr().out
    model = load_model(saved)
    assert model.tuned_on == [str(data / "train.jsonl")]
    assert main(["eval", "cluster", "--dataset", str(data), "--cache", "", "--model",
                 str(saved), "--json", str(rescored_out), "--quiet"]) == 0
    tuned = json.loads(tuned_out.read_text())
    rescored = json.loads(rescored_out.read_text())
    assert rescored["model"] == str(saved)
    assert rescored["clusterer"]["weights"] == tuned["clusterer"]["weights"]
    assert rescored["clusterer"]["threshold"] == model.threshold
    for key in ("precision", "recall", "f1"):
        assert rescored["datasets"]["mine"][key] == tuned["datasets"]["mine"][key]


def test_eval_refuses_save_model_without_tune(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="--save-model needs --tune"):
        main(["eval", "cluster", "--dataset", str(tmp_path), "--save-model",
              str(tmp_path / "m.json")])


def test_a_run_with_a_broken_model_file_stops_before_fetching_anything(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    broken = tmp_path / "model.json"
    broken.write_text("{not json")
    monkeypatch.setenv("NEWSDESK_CLUSTER_MODEL", str(broken))
    data = tmp_path / "data"
    assert main(["run", "--demo", "--data-dir", str(data), "--quiet"]) != 0
    assert "not a readable JSON file" in capsys.readouterr().err
    assert not (data / "newsdesk.db").exists()  # nothing fetched, nothing half-stored
