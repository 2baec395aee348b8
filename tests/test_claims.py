"""Work claims in the store: one claimant per item, leases that expire, results stored
only by the claimant, dead workers' claims taken again. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.pipeline import Context
from newsdesk.records import Document, Entry
from newsdesk.settings import load_settings
from newsdesk.work import reap

BASE = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


def open_store(url: str) -> SqlStore:
    return SqlStore.open(url, shared_writes=True)


def queue_entries(store: SqlStore, n: int) -> list[int]:
    store.add_entries([Entry(url=f"https://example.org/{i}", source_url="https://example.org/feed",
                             title=f"Item {i}") for i in range(n)])
    return [i for i, _ in store.entries_by_id(list(range(1, n + 1)))]


def deduped_documents(store: SqlStore, n: int) -> list[int]:
    """``n`` documents at stage ``deduped``, published newest first (so publication
    order is the reverse of id order)."""
    ids = []
    for i in range(n):
        doc_id, _ = store.save_document(Document(
            url=f"https://example.org/d{i}", canonical_url=f"https://example.org/d{i}",
            title=f"Doc {i}", text=f"Text of document {i}.", content_hash=f"h{i}",
            published_at=BASE - timedelta(hours=i)))
        store.mark_deduped(doc_id, b"\0" * 8, None, None, None)
        ids.append(doc_id)
    return ids


def test_each_item_goes_to_one_claimant_in_pipeline_order(store_url: str) -> None:
    store = open_store(store_url)
    try:
        entries = queue_entries(store, 10)
        first = store.claim("fetch", "host:1:a", 4, 60)
        second = store.claim("fetch", "host:2:b", 4, 60)
        third = store.claim("fetch", "host:3:c", 4, 60)
        assert first == entries[:4] and second == entries[4:8] and third == entries[8:]
        assert store.claim("fetch", "host:4:d", 4, 60) == []
        assert store.queue_depth("fetch") == (10, 10)

        docs = deduped_documents(store, 5)
        # Documents are claimed in publication order (the oldest first), as one process
        # would embed them, whatever their ids.
        assert store.claim("annotate", "host:1:a", 3, 60) == list(reversed(docs))[:3]
        assert store.claim("annotate", "host:2:b", 3, 60) == list(reversed(docs))[3:]
    finally:
        store.close()


def test_only_the_claimant_stores_a_result_and_the_claim_ends_with_it(store_url: str) -> None:
    store = open_store(store_url)
    try:
        entry = queue_entries(store, 1)[0]
        assert store.claim("fetch", "host:1:a", 1, 60) == [entry]
        assert not store.save_fetched("host:2:b", entry, {"final_url": "x"})
        assert store.save_fetched("host:1:a", entry, {"final_url": "x", "page": None,
                                                      "reason": "", "detail": ""})
        (entry_id, data, found), = store.fetched_entries()
        assert entry_id == entry and data["url"] == "https://example.org/0"
        assert found["final_url"] == "x"
        assert store.claimants() == {}
        assert store.queue_depth("fetch") == (0, 0)
    finally:
        store.close()


def test_an_expired_lease_is_claimed_again_and_renewal_keeps_it(store_url: str) -> None:
    store = open_store(store_url)
    try:
        docs = deduped_documents(store, 2)
        now = datetime.now(UTC)
        held = store.claim("annotate", "host:1:a", 1, 60, now=now)
        assert held == [docs[1]]
        # Before the lease ends nobody else gets the document; after, the next does.
        assert store.claim("annotate", "host:2:b", 2, 600, now=now + timedelta(seconds=59)) \
            == [docs[0]]
        later = now + timedelta(seconds=61)
        assert store.claim("annotate", "host:3:c", 2, 60, now=later) == held
        # The first claimant lost it: its result is not stored.
        assert store.save_annotations("host:1:a", [(held[0], b"\0" * 4, [])]) == 0
        # A renewed lease is not taken.
        assert store.renew_claims("host:3:c", 600, now=later) == 1
        assert store.claim("annotate", "host:4:d", 2, 60, now=later + timedelta(seconds=61)) \
            == []
        assert store.save_annotations("host:3:c", [(held[0], b"\0" * 4, [{"key": "k"}])]) == 1
        assert store.annotations(held[0]) == [{"key": "k"}]
        assert store.documents_at_stage("annotated")[0].id == held[0]
    finally:
        store.close()


def test_an_interrupted_fetch_counts_an_attempt_and_a_released_one_does_not(
        store_url: str) -> None:
    store = open_store(store_url)
    try:
        a, b, c = queue_entries(store, 3)
        assert store.claim("fetch", "host:1:a", 2, 60) == [a, b]
        assert store.claim("fetch", "host:2:b", 1, 60) == [c]
        assert store.start_claimed_entry("host:1:a", a)  # b is claimed, not started
        assert not store.start_claimed_entry("host:2:b", b)  # not its claim
        assert store.start_claimed_entry("host:2:b", c)
        assert store.release_claims("host:2:b") == 1  # Ctrl-C: back, no attempt
        # The lease of a's claimant has not ended: it is not interrupted yet.
        assert store.recover_interrupted_entries(3) == (0, 0)
        after = datetime.now(UTC) + timedelta(seconds=61)
        # Only the entry its worker had started counts an attempt.
        assert store.recover_interrupted_entries(3, now=after) == (1, 0)
        assert store.claim("fetch", "host:3:c", 3, 60, now=after) == [a, b, c]
        assert store.stats()["entries"] == {"pending": 3}
        with store.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT id, attempts FROM entries").all()
        attempts = {int(i): int(n) for i, n in rows}
        assert attempts == {a: 1, b: 0, c: 0}
    finally:
        store.close()


CLAIMER = """
import json, sys
from newsdesk.builtin.store_sql import SqlStore
store = SqlStore.open(sys.argv[1], migrate=False, shared_writes=True)
owner = sys.argv[2]
got = []
while True:
    ids = store.claim("fetch", owner, 3, 60)
    if not ids:
        break
    for i in ids:
        assert store.save_fetched(owner, i, {"by": owner}), i
    got += ids
print(json.dumps(got))
"""


def test_concurrent_workers_never_claim_one_item_twice(store_url: str) -> None:
    store = open_store(store_url)
    entries = queue_entries(store, 90)
    store.close()
    workers = [subprocess.Popen([sys.executable, "-c", CLAIMER, store_url, f"host:{n}:x"],
                                stdout=subprocess.PIPE, text=True) for n in range(3)]
    claimed = [json.loads(w.communicate(timeout=300)[0]) for w in workers]
    assert all(w.returncode == 0 for w in workers)
    everything = [i for got in claimed for i in got]
    assert sorted(everything) == entries  # each entry once, none lost
    store = open_store(store_url)
    try:
        by = {i: f["by"] for i, _d, f in store.fetched_entries()}
        assert len(by) == 90
        for n, got in enumerate(claimed):
            assert all(by[i] == f"host:{n}:x" for i in got)
    finally:
        store.close()


def test_a_dead_workers_claims_are_freed_at_once_on_its_host(store_url: str,
                                                           tmp_path: Path) -> None:
    store = open_store(store_url)
    queue_entries(store, 6)
    deduped_documents(store, 2)
    store.close()
    dying = ("import os, signal, sys\n"
             "from newsdesk.builtin.store_sql import SqlStore\n"
             "from newsdesk.store_lock import process_identity\n"
             "store = SqlStore.open(sys.argv[1], migrate=False, shared_writes=True)\n"
             "me = process_identity()\n"
             "for i in store.claim('fetch', me, 4, 3600)[:3]:\n"
             "    store.start_claimed_entry(me, i)\n"
             "store.claim('annotate', me, 2, 3600)\n"
             "os.kill(os.getpid(), signal.SIGKILL)\n")
    process = subprocess.run([sys.executable, "-c", dying, store_url], check=False)
    assert process.returncode == -signal.SIGKILL
    store = open_store(store_url)
    settings = load_settings(None, {"data_dir": str(tmp_path)}, environ={})
    ctx = Context(settings=settings, store=store, show_progress=False)
    try:
        assert len(store.claimants()) == 1
        # An hour's lease, but its process is gone: the claims are free now; the three
        # entries it had started count an attempt and are queued again.
        assert reap(ctx) == (3, 0)
        assert ctx.counts["claims_taken_from_dead_workers"] == 6
        assert store.claimants() == {}
        assert len(store.claim("fetch", "host:9:z", 10, 60)) == 6
        assert len(store.claim("annotate", "host:9:z", 10, 60)) == 2
        assert store.stats()["entries"] == {"pending": 6}
    finally:
        store.close()


def test_a_worker_gets_the_settings_of_the_run_without_its_database_url(
        store_url: str) -> None:
    store = open_store(store_url)
    try:
        store.open_queue("draft", None, 4, 30.0, {"database_url": "postgresql://u:secret@h/db",
                                                 "write.min_sources": 3})
        (queue,) = store.open_queues()
        assert (queue.name, queue.batch_size, queue.lease) == ("draft", 4, 30.0)
        assert queue.settings == {"write.min_sources": 3}
        store.close_queue("draft")
        assert store.open_queues() == []
    finally:
        store.close()


def test_a_queue_logs_its_progress_by_tenths_and_while_items_take_long(
        monkeypatch, caplog) -> None:
    import logging

    from newsdesk import work

    clock = [0.0]
    monkeypatch.setattr(work.time, "monotonic", lambda: clock[0])
    progress = work._QueueProgress("draft", 40)
    with caplog.at_level(logging.INFO, logger="newsdesk.work"):
        for waiting in (39, 38, 37, 36, 35):  # a tenth is 4: one line at 4 done
            progress.update(waiting)
        clock[0] = 31.0  # one slow item more, half a minute later: a line all the same
        progress.update(34)
        progress.update(34)  # nothing new done: no line
        progress.update(0)
    assert [r.getMessage() for r in caplog.records] == [
        "writing articles: 4/40", "writing articles: 6/40", "writing articles: 40/40"]


def test_a_queue_whose_batch_takes_long_still_logs_its_progress(monkeypatch, caplog) -> None:
    import logging
    import threading

    from newsdesk import work

    class Queue:  # the store's view of a queue an LLM works through, a draft at a time
        def __init__(self) -> None:
            self.waiting = [40, 36, 30, 30, 22]

        def queue_depth(self, queue: str) -> tuple[int, int]:
            left = self.waiting.pop(0) if len(self.waiting) > 1 else self.waiting[0]
            return left, 1

    monkeypatch.setattr(work, "PROGRESS_SECONDS", 0.01)
    progress = work._QueueProgress("draft", 40)
    stop = threading.Event()
    with caplog.at_level(logging.INFO, logger="newsdesk.work"):
        watcher = threading.Thread(target=progress.watch, args=(Queue(), "draft", stop))
        watcher.start()
        for _ in range(500):
            if any("18/40" in r.getMessage() for r in caplog.records):
                break
            threading.Event().wait(0.01)
        stop.set()
        watcher.join()
    assert [r.getMessage() for r in caplog.records] == [
        "writing articles: 4/40", "writing articles: 10/40", "writing articles: 18/40"]
