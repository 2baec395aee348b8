"""How many ordinary news sentences the prompt-injection filter would withhold.

Runs :func:`newsdesk.injection.tainted_sentences` (what the write stage withholds, the
sentences following a flagged one in its paragraph included) over every document of:

- the bundled demo corpus (its article pages and wire file);
- ``mds-allsides/dev.jsonl`` of the shared evaluation data (titles and excerpts);
- the article pages of ``feeds-allsides-dev`` (real news pages, paragraphs of <p>).

None of these holds an injection, so every withheld sentence is a false positive. The
script prints the counts and each withheld sentence with its reason.

    python scripts/injection_false_positives.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from pathlib import Path

from lxml import html

from newsdesk.demo_server import demo_dir
from newsdesk.injection import paragraphs_of, tainted_sentences
from newsdesk.text import split_sentences


def page_text(path: Path) -> tuple[str, str]:
    """(title, paragraphs joined by newlines) of an HTML article page."""
    root = html.parse(str(path)).getroot()
    if root is None:
        return "", ""
    title = (root.findtext(".//title") or "").strip()
    paragraphs = [p.text_content().strip() for p in root.iter("p")]
    return title, "\n".join(p for p in paragraphs if len(p.split()) >= 5)


def demo_documents() -> Iterator[tuple[str, str]]:
    root = demo_dir()
    for page in sorted((root / "pages").rglob("*.html")):
        yield page_text(page)
    for wire in sorted((root / "wire").glob("*.jsonl")):
        for line in wire.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                yield record.get("title", ""), record.get("text", "")


def allsides_documents(data: Path) -> Iterator[tuple[str, str]]:
    path = data / "mds-allsides" / "dev.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        for doc in json.loads(line)["documents"]:
            yield doc.get("title") or "", doc.get("text") or ""


def feed_pages(data: Path) -> Iterator[tuple[str, str]]:
    for page in sorted((data / "feeds-allsides-dev" / "pages").rglob("*.html")):
        if page.name != "index.html":
            yield page_text(page)


def measure(name: str, documents: Iterator[tuple[str, str]]) -> dict[str, object]:
    """Sentences seen and withheld in one collection, with the withheld ones."""
    total, flagged = 0, []
    count = 0
    for title, text in documents:
        count += 1
        sentences = [s for s in [title] if s] + split_sentences(text)
        paragraphs = [-1] * bool(title) + paragraphs_of(text, sentences[bool(title):])
        total += len(sentences)
        for index, reason in tainted_sentences(sentences, paragraphs).items():
            flagged.append((reason, sentences[index]))
    rate = len(flagged) / total if total else 0.0
    print(f"{name}: {count} documents, {total} sentences, {len(flagged)} withheld "
          f"({100 * rate:.3f}%)")
    for reason, sentence in flagged:
        print(f"    [{reason}] {sentence}")
    return {"documents": count, "sentences": total, "withheld": len(flagged),
            "rate": rate, "examples": flagged}


def main() -> int:
    """Measure each collection that is present and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("NEWSDESK_EVAL_DATA",
                                                         "../shared/data"),
                        help="the shared evaluation data folder")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    data = Path(args.data)
    figures = {"demo": measure("demo corpus", demo_documents())}
    if (data / "mds-allsides" / "dev.jsonl").exists():
        figures["mds-allsides-dev"] = measure("mds-allsides dev", allsides_documents(data))
    if (data / "feeds-allsides-dev" / "pages").is_dir():
        figures["feeds-allsides-dev"] = measure("feeds-allsides-dev pages", feed_pages(data))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
