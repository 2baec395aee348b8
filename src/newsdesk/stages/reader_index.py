"""The reader index: what the site, feeds and API list and search, kept in step with
the current articles (see :mod:`newsdesk.builtin.store_reader_models`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.pipeline import Context
from newsdesk.reader import IndexedStory
from newsdesk.records import Article, Problem
from newsdesk.web.catalog import indexed_story, surname_aliases
from newsdesk.web.render import is_valid_slug


def listable(articles: Iterable[Article], problems: list[Problem]) -> Iterator[IndexedStory]:
    """The index records of ``articles``; an article whose slug is not a safe file name
    or is already used by another story is left out, with a problem recorded."""
    articles = list(articles)
    surnames = surname_aliases(articles)
    seen: set[str] = set()
    for article in articles:
        if not is_valid_slug(article.slug):
            problems.append(Problem("publish", f"story {article.story_id}", "unsafe_slug",
                                    f"slug {article.slug!r} is not [a-z0-9-]"))
            continue
        if article.slug in seen:
            problems.append(Problem("publish", f"story {article.story_id}", "duplicate_slug",
                                    f"slug {article.slug!r} is used by another story"))
            continue
        seen.add(article.slug)
        yield indexed_story(article, surnames)


def index_for_readers(ctx: Context) -> dict[str, int]:
    """Bring the reader index in line with the current articles: new and changed
    stories are (re)indexed, stories no longer current leave it, the rest is untouched.
    Returns counts ``indexed`` and ``removed``."""
    problems: list[Problem] = []
    counts = ctx.store.sync_reader_index(listable(ctx.store.current_articles(), problems))
    for problem in problems:
        ctx.problem(problem.stage, problem.item, problem.reason, problem.detail)
    ctx.count("stories_indexed", counts["indexed"])
    if counts["removed"]:
        ctx.count("stories_unlisted", counts["removed"])
    return counts


def index_stories(store: SqlStore) -> dict[str, int]:
    """Index a store's current articles without a pipeline context (``serve`` on a store
    written before the reader index existed)."""
    problems: list[Problem] = []
    counts = store.sync_reader_index(listable(store.current_articles(), problems))
    store.record_problems(problems)
    return counts
