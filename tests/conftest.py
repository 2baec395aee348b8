"""Shared test helpers: a self-contained factory for written, verified articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.records import (
    Article,
    Citation,
    RelatedRef,
    Section,
    Sentence,
    SourceRef,
    Verdict,
)

OUTLETS = [
    ("Harbour Gazette", "https://gazette.example/port-strike"),
    ("Coastal Wire", "https://wire.example/2025/dockworkers"),
    ("Metro Daily", "https://metro.example/news/strike-talks"),
]


def make_sentence(
    text: str,
    number: int,
    status: str | None = "supported",
    similarity: float = 0.92,
    source_text: str | None = None,
) -> Sentence:
    """A written sentence citing source ``number`` (doc id ``100 + number``)."""
    outlet, url = OUTLETS[(number - 1) % len(OUTLETS)]
    verdict = (
        Verdict(status=status, similarity=similarity, verifier="alignment")  # type: ignore[arg-type]
        if status
        else None
    )
    return Sentence(
        text=text,
        citation=Citation(
            doc_id=100 + number,
            sentence_index=number,
            source_text=source_text or f"Source wording: {text}",
            outlet=outlet,
            url=url,
            number=number,
        ),
        verdict=verdict,
    )


def make_article(
    slug: str = "port-strike-talks",
    story_id: int = 1,
    headline: str = "Dockworkers and port operators resume strike talks",
    *,
    related: list[RelatedRef] | None = None,
    written_at: datetime | None = None,
    unsupported_in_body: str | None = None,
    dropped_text: str = "Officials privately expect the strike to last a year.",
) -> Article:
    """A realistic article: 3 sources, a lead, 2 sections, one dropped sentence.

    ``unsupported_in_body`` puts a sentence with an ``unsupported`` verdict into the
    second section, which the writer would normally have removed.
    """
    written = written_at or datetime(2025, 11, 20, 9, 30, tzinfo=UTC)
    tag = f"(story {story_id})"
    second = [
        make_sentence(f"Union leaders said members would vote on any deal {tag}.", 3),
        make_sentence(f"Container traffic fell by a third during the stoppage {tag}.", 1),
    ]
    if unsupported_in_body:
        second.append(make_sentence(unsupported_in_body, 2, status="unsupported", similarity=0.31))
    sources = [
        SourceRef(
            number=i,
            doc_id=100 + i,
            outlet=outlet,
            title=f"{outlet} report {tag}",
            url=url,
            published_at=(written - timedelta(hours=i)).isoformat(),
            also_carried_by=["Regional Syndicate"] if i == 1 else [],
        )
        for i, (outlet, url) in enumerate(OUTLETS, start=1)
    ]
    return Article(
        story_id=story_id,
        headline=make_sentence(headline, 1),
        summary=make_sentence(f"Negotiators met for six hours on Tuesday {tag}.", 2),
        lead=[
            make_sentence(f"The talks are the first since the strike began {tag}.", 1),
            make_sentence(f"Both sides described the meeting as constructive {tag}.", 2),
        ],
        sections=[
            Section(
                "What was discussed",
                [
                    make_sentence(
                        f"Pay and shift patterns topped the agenda {tag}.", 2, similarity=0.88
                    )
                ],
            ),
            Section("What happens next", second),
        ],
        slug=slug,
        meta_description=f"Strike talks resume at the port {tag}.",
        keywords=["port", "strike", "labour"],
        sources=sources,
        writer="grounded",
        written_at=written,
        updated_at=written + timedelta(hours=2),
        verification={"checked": 8, "supported": 7, "dropped": 1},
        dropped=[make_sentence(dropped_text, 3, status="unsupported", similarity=0.22)],
        related=related or [],
    )


def related_to(article: Article, score: float = 0.8) -> RelatedRef:
    """A related-story reference pointing at ``article``."""
    return RelatedRef(
        story_id=article.story_id,
        slug=article.slug,
        headline=article.headline.text,
        teaser=article.summary.text,
        score=score,
    )


@pytest.fixture
def articles() -> list[Article]:
    """Three articles, newest first, related to each other."""
    base = datetime(2025, 11, 20, 9, 30, tzinfo=UTC)
    a = make_article("port-strike-talks", 1, written_at=base + timedelta(days=2))
    b = make_article(
        "harbour-dredging-plan",
        2,
        "Council approves harbour dredging plan",
        written_at=base + timedelta(days=1),
    )
    c = make_article(
        "ferry-timetable-cut",
        3,
        "Ferry operator cuts winter timetable",
        written_at=base,
    )
    a.related = [related_to(b), related_to(c)]
    b.related = [related_to(a)]
    c.related = [related_to(a), related_to(b)]
    return [a, b, c]
