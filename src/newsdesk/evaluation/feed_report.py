"""The printed report and the article dump of ``newsdesk eval feeds``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsdesk.evaluation.audit import DEFECTS, AuditArticle, AuditReport, findings_by_sentence

SHOWN_MIXED = 10  # mixed articles listed in the printed report (all are in the JSON)


def _sentence_rows(audited: AuditArticle, report: AuditReport) -> dict[str, Any]:
    keyed = findings_by_sentence(report)

    def row(where: str, sentence: Any) -> dict[str, Any]:
        found = keyed.get((where, sentence.text), [])
        return {**sentence.to_dict(), "where": where,
                "findings": [{"defect": f.defect, "reason": f.reason} for f in found]}

    headings = {f.where: f for f in report.findings if f.defect == "malformed_heading"}
    sections = []
    for number, section in enumerate(audited.sections, 1):
        where = f"section {number}"
        heading = headings.get(f"heading {number}")
        sections.append({"heading": section.heading,
                         "heading_findings": [heading.reason] if heading else [],
                         "sentences": [row(where, s) for s in section.sentences]})
    return {"headline": row("headline", audited.headline),
            "summary": row("summary", audited.summary),
            "lead": [row("lead", s) for s in audited.lead], "sections": sections}


def write_dump(path: Path, rows: list[dict[str, Any]]) -> None:
    """Every published article with its sentences, citations and findings, as JSON."""
    articles = []
    for row in rows:
        report: AuditReport = row["audit"]
        articles.append({
            "story_id": row["story_id"], "slug": row["slug"], "gold_story": row["gold"],
            "gold_stories": row["gold_stories"], "mixed": row["mixed"],
            "words": row["words"], "rouge_full": row["rouge_full"],
            "rouge_cut": row["rouge_cut"],
            "audit_counts": {d: n for d, n in report.counts().items() if n},
            **_sentence_rows(row["audited"], report),
            "findings": [f.to_dict() for f in report.findings],
        })
    path.write_text(json.dumps(articles, indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def summary_line(figures: dict[str, Any]) -> str:
    """The one-line summary that closes the report."""
    ingest, cluster = figures["ingest"], figures["clustering"]
    stories, cut = figures["stories"], figures["rouge"]["cut"]
    audit = figures["audit"]
    counts = ", ".join(f"{d} {n}" for d, n in audit["counts"].items())
    return (f"summary: ingested {ingest['documents']}/{figures['pages']} | B3 F1 "
            f"{cluster['f1']:.3f} (P {cluster['precision']:.3f} R {cluster['recall']:.3f}) | "
            f"published {stories['gold_published']}/{stories['gold_with_2_outlets']} | "
            f"mixed {len(figures['mixed_articles'])} | R-2@{figures['rouge']['budget_words']} "
            f"{cut['rouge2']:.1f} | audit {sum(audit['counts'].values())} findings in "
            f"{audit['articles_with_findings']}/{audit['articles']} articles ({counts})")


def print_report(figures: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """The figures as a short report; the last line is the one-line summary."""
    ingest, cluster = figures["ingest"], figures["clustering"]
    stories, rouge, audit = figures["stories"], figures["rouge"], figures["audit"]
    pages = figures["pages"]
    print(f"site: {figures['site']} ({pages} labelled pages, {figures['gold_stories']} gold "
          f"stories), served at {figures['served_at']} (prefix {figures['prefix']} rewritten)")
    reasons = ", ".join(f"{k} {v}" for k, v in ingest["reasons"].items()) or "none"
    print(f"ingest: {ingest['documents']}/{pages} labelled pages became documents "
          f"({100 * ingest['documents'] / max(pages, 1):.1f}%); not ingested: {reasons}")
    print(f"clustering: B-cubed over {pages} pages ({cluster['singletons_not_ingested']} not "
          f"ingested, counted as singletons): P {cluster['precision']:.3f} R "
          f"{cluster['recall']:.3f} F1 {cluster['f1']:.3f}; "
          f"{cluster['predicted_stories']} stories formed")
    status = ", ".join(f"{k or 'not written'} {v}" for k, v in stories["write_status"].items())
    print(f"stories: {stories['gold_published']}/{stories['gold_with_2_outlets']} gold stories "
          f"with 2+ outlets got an article ({stories['gold_published_all']}/"
          f"{figures['gold_stories']} of all); {stories['articles']} articles published; "
          f"writer: {status}")
    mixed = figures["mixed_articles"]
    print(f"articles mixing 2+ gold stories: {len(mixed)}")
    for item in mixed[:SHOWN_MIXED]:
        parts = ", ".join(f"{k} x{v}" for k, v in item["gold_stories"].items())
        print(f"  story {item['story_id']} ({item['slug']}): {parts}")
    if len(mixed) > SHOWN_MIXED:
        print(f"  ... {len(mixed) - SHOWN_MIXED} more in the JSON")
    for key, label in (("full", "full length"), ("cut", f"cut to {rouge['budget_words']} words")):
        fig = rouge[key]
        print(f"ROUGE {label}: R-1 {fig['rouge1']:.2f} R-2 {fig['rouge2']:.2f} R-L "
              f"{fig['rougeL']:.2f}, mean {fig['mean_words']:.1f} words "
              f"({rouge['articles_scored']} articles; {rouge['scorer']})")
    share = 100 * audit["verbatim_sentences"] / max(audit["sentences"] - audit["articles"], 1)
    print(f"sentence audit of {audit['articles']} articles ({audit['sentences']} sentences "
          f"with headlines; {audit['verbatim_sentences']} body sentences word for word from "
          f"their source, {share:.0f}%):")
    for defect in DEFECTS:
        examples = [f.sentence for row in rows for f in row["audit"].findings
                    if f.defect == defect][:1]
        shown = f"  e.g. {examples[0][:70]!r}" if examples else ""
        print(f"  {defect:<24} {audit['counts'][defect]:>5} in "
              f"{audit['articles_per_class'][defect]:>3} articles{shown}")
    print(summary_line(figures))
