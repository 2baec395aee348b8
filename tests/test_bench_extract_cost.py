"""bench/extract_cost.py on a labelled set made here from the test pages: it times both
extractors on every page and tells the pages whose text trafilatura's precise step gave
from the others."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

from conftest import DATA

BENCH = Path(__file__).resolve().parent.parent / "bench" / "extract_cost.py"


def test_extract_cost_reports_both_extractors_per_page(tmp_path: Path) -> None:
    rows = []
    for name in ("port-talks.html", "dredging-slideshow.html", "lighthouse-table-layout.html"):
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress((DATA / "pages" / name).read_bytes()))
        rows.append({"id": name, "file": f"{name}.gz", "url": f"https://example.org/{name}",
                     "text": ""})
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    spec = importlib.util.spec_from_file_location("extract_cost", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    figures = bench.main(["--dataset", str(tmp_path), "--repeat", "1",
                          "--json", str(tmp_path / "out.json")])
    # the clean page keeps trafilatura's text; the slideshow is trimmed by readability
    # and the table layout read by the balanced step
    assert figures["trafilatura_text_kept"]["pages"] == 1
    assert figures["all_pages"]["pages"] == 3
    for row in (figures["trafilatura_text_kept"], figures["all_pages"]):
        assert row["trafilatura_ms"] > 0 and row["chain_ms"] > 0 and row["ratio"] > 0
    assert json.loads((tmp_path / "out.json").read_text())["all_pages"]["pages"] == 3
