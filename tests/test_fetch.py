"""HttpFetcher against a real HTTP server on 127.0.0.1: status codes, limits, timeouts,
conditional requests, robots.txt, retries, local files and per-host politeness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from newsdesk.builtin import fetch_http
from newsdesk.builtin.fetch_http import HttpFetcher
from newsdesk.errors import FetchError

from conftest import LocalServer, Reply

PAGE = b"<html><body><p>Harbour news.</p></body></html>"


@pytest.fixture
def fetcher() -> Iterator[HttpFetcher]:
    # The test server is on 127.0.0.1, refused unless listed (see test_fetch_policy.py).
    client = HttpFetcher(timeout=5.0, max_bytes=1000, retries=2, allow_networks=["127.0.0.1"])
    yield client
    client.close()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the fetcher's sleeps (retry back-off) instead of waiting."""
    recorded: list[float] = []
    monkeypatch.setattr(fetch_http.time, "sleep", recorded.append)
    return recorded


def reason_of(fetcher: HttpFetcher, url: str) -> str:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    assert url in str(caught.value)  # every message names the URL it is about
    return caught.value.reason


def test_a_page_is_fetched_with_its_headers(
        fetcher: HttpFetcher, local_server: LocalServer) -> None:
    local_server.routes["/news/port.html"] = Reply(
        body=PAGE, headers={"Content-Type": "text/html; charset=ISO-8859-1"})
    result = fetcher.fetch(local_server.url("/news/port.html"))
    assert result.status == 200
    assert result.content == PAGE
    assert result.charset == "iso-8859-1"
    user_agent = local_server.requests[-1][1]["user-agent"]
    assert user_agent.startswith("newsdesk/")


def test_a_redirect_is_followed_and_the_final_url_reported(
        fetcher: HttpFetcher, local_server: LocalServer) -> None:
    local_server.routes["/old"] = Reply(301, headers={"Location": "/2026/11/new"})
    local_server.routes["/2026/11/new"] = Reply(body=PAGE)
    result = fetcher.fetch(local_server.url("/old"))
    assert result.content == PAGE
    assert result.final_url == local_server.url("/2026/11/new")


def test_404_is_a_fetch_error_with_reason_http_404(
        fetcher: HttpFetcher, local_server: LocalServer, sleeps: list[float]) -> None:
    assert reason_of(fetcher, local_server.url("/gone.html")) == "http_404"
    assert local_server.paths().count("/gone.html") == 1  # a 404 is not retried
    assert sleeps == []


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_max_bytes_is_too_large(
        fetcher: HttpFetcher, local_server: LocalServer, chunked: bool) -> None:
    local_server.routes["/huge.html"] = Reply(body=b"x" * 2000, chunked=chunked)
    assert reason_of(fetcher, local_server.url("/huge.html")) == "too_large"


def test_a_body_of_exactly_max_bytes_is_accepted(
        fetcher: HttpFetcher, local_server: LocalServer) -> None:
    local_server.routes["/just-fits.html"] = Reply(body=b"y" * 1000, chunked=True)
    assert len(fetcher.fetch(local_server.url("/just-fits.html")).content) == 1000


def test_a_server_slower_than_the_timeout_gives_timeout(local_server: LocalServer) -> None:
    local_server.routes["/slow.html"] = Reply(body=PAGE, delay=10)
    client = HttpFetcher(timeout=0.3, retries=0, allow_networks=["127.0.0.1"])
    try:
        assert reason_of(client, local_server.url("/slow.html")) == "timeout"
    finally:
        client.close()


def test_an_etag_makes_the_next_request_conditional(
        fetcher: HttpFetcher, local_server: LocalServer) -> None:
    def feed(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == '"v7"':
            return Reply(304, headers={"ETag": '"v7"'})
        return Reply(body=b"<rss/>", headers={"ETag": '"v7"'})

    local_server.routes["/feed.xml"] = feed
    first = fetcher.fetch(local_server.url("/feed.xml"))
    assert (first.not_modified, first.content, first.etag) == (False, b"<rss/>", '"v7"')
    second = fetcher.fetch(local_server.url("/feed.xml"), etag=first.etag)
    assert second.not_modified
    assert second.content == b""
    assert local_server.requests[-1][1]["if-none-match"] == '"v7"'


def test_last_modified_makes_the_next_request_conditional(
        fetcher: HttpFetcher, local_server: LocalServer) -> None:
    stamp = "Wed, 18 Nov 2026 08:30:00 GMT"

    def feed(headers: dict[str, str]) -> Reply:
        if headers.get("if-modified-since") == stamp:
            return Reply(304)
        return Reply(body=b"<rss/>", headers={"Last-Modified": stamp})

    local_server.routes["/feed.xml"] = feed
    first = fetcher.fetch(local_server.url("/feed.xml"))
    assert first.last_modified == stamp
    assert fetcher.fetch(local_server.url("/feed.xml"), last_modified=stamp).not_modified


ROBOTS = b"User-agent: *\nDisallow: /private/\n"


def test_robots_txt_disallow_is_obeyed(
        fetcher: HttpFetcher, local_server: LocalServer) -> None:
    local_server.routes["/robots.txt"] = Reply(body=ROBOTS)
    local_server.routes["/private/memo.html"] = Reply(body=PAGE)
    local_server.routes["/public/story.html"] = Reply(body=PAGE)
    assert reason_of(fetcher, local_server.url("/private/memo.html")) == "robots_disallowed"
    assert fetcher.fetch(local_server.url("/public/story.html")).content == PAGE
    assert "/private/memo.html" not in local_server.paths()  # never requested at all
    assert local_server.paths().count("/robots.txt") == 1  # read once per site


def test_robots_rules_for_our_user_agent_apply(
        fetcher: HttpFetcher, local_server: LocalServer) -> None:
    local_server.routes["/robots.txt"] = Reply(
        body=b"User-agent: otherbot\nDisallow:\n\nUser-agent: newsdesk\nDisallow: /\n")
    assert reason_of(fetcher, local_server.url("/story.html")) == "robots_disallowed"


def test_a_missing_robots_txt_allows_everything(
        fetcher: HttpFetcher, local_server: LocalServer) -> None:
    local_server.routes["/private/memo.html"] = Reply(body=PAGE)
    assert fetcher.fetch(local_server.url("/private/memo.html")).content == PAGE
    assert local_server.paths() == ["/robots.txt", "/private/memo.html"]


def test_a_failing_robots_txt_means_disallow(
        fetcher: HttpFetcher, local_server: LocalServer) -> None:
    # RFC 9309: a server error on robots.txt is a complete disallow, not a free pass.
    local_server.routes["/robots.txt"] = Reply(503, b"busy")
    local_server.routes["/story.html"] = Reply(body=PAGE)
    assert reason_of(fetcher, local_server.url("/story.html")) == "robots_disallowed"


def test_robots_can_be_switched_off(local_server: LocalServer) -> None:
    local_server.routes["/robots.txt"] = Reply(body=ROBOTS)
    local_server.routes["/private/memo.html"] = Reply(body=PAGE)
    client = HttpFetcher(respect_robots=False, allow_networks=["127.0.0.1"])
    try:
        assert client.fetch(local_server.url("/private/memo.html")).content == PAGE
    finally:
        client.close()
    assert "/robots.txt" not in local_server.paths()


def test_a_503_then_200_is_retried(
        fetcher: HttpFetcher, local_server: LocalServer, sleeps: list[float]) -> None:
    local_server.routes["/busy.html"] = [Reply(503, b"try later"), Reply(body=PAGE)]
    assert fetcher.fetch(local_server.url("/busy.html")).content == PAGE
    assert local_server.paths().count("/busy.html") == 2
    assert len(sleeps) == 1 and sleeps[0] > 0  # it backed off before trying again


def test_retries_stop_after_the_configured_number(
        fetcher: HttpFetcher, local_server: LocalServer, sleeps: list[float]) -> None:
    local_server.routes["/down.html"] = Reply(502, b"bad gateway")
    assert reason_of(fetcher, local_server.url("/down.html")) == "http_502"
    assert local_server.paths().count("/down.html") == 3  # first try + 2 retries
    assert sleeps == sorted(sleeps) and sleeps[0] < sleeps[-1]  # growing back-off


def test_local_files_by_file_url_and_by_plain_path(fetcher: HttpFetcher, tmp_path: Path) -> None:
    fetcher.allow_local(tmp_path)  # as for a folder the operator named
    page = tmp_path / "my pages" / "story.html"
    page.parent.mkdir()
    page.write_bytes(PAGE)
    by_url = fetcher.fetch(page.as_uri())  # percent-encoded space
    by_path = fetcher.fetch(str(page))
    assert by_url.content == by_path.content == PAGE
    assert by_url.final_url == page.as_uri()


def test_a_missing_local_file_is_not_found(fetcher: HttpFetcher, tmp_path: Path) -> None:
    fetcher.allow_local(tmp_path)
    assert reason_of(fetcher, (tmp_path / "nope.html").as_uri()) == "not_found"
    assert reason_of(fetcher, str(tmp_path / "nope.html")) == "not_found"


def test_a_local_file_over_max_bytes_is_too_large(fetcher: HttpFetcher, tmp_path: Path) -> None:
    fetcher.allow_local(tmp_path)
    big = tmp_path / "big.html"
    big.write_bytes(b"z" * 1001)
    assert reason_of(fetcher, big.as_uri()) == "too_large"


def test_an_unsupported_scheme_is_refused(fetcher: HttpFetcher) -> None:
    assert reason_of(fetcher, "ftp://files.example/feed.xml") == "unsupported_scheme"


# -- politeness: computed waits, with a fake clock -------------------------------------


class FakeClock:
    """time.monotonic and time.sleep for the fetcher: sleeping advances the clock."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(fetch_http.time, "monotonic", fake.monotonic)
    monkeypatch.setattr(fetch_http.time, "sleep", fake.sleep)
    return fake


def mock_fetcher(seen: list[str], **options: object) -> HttpFetcher:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=PAGE)

    return HttpFetcher(transport=httpx.MockTransport(answer), **options)


def test_requests_to_one_host_wait_for_host_delay(clock: FakeClock) -> None:
    seen: list[str] = []
    client = mock_fetcher(seen, host_delay=2.0, respect_robots=False)
    client.fetch("https://news.example.test/a")
    assert clock.sleeps == []  # the first request to a host goes at once
    client.fetch("https://news.example.test/b")
    assert clock.sleeps == [2.0]
    clock.now += 0.5
    client.fetch("https://news.example.test/c")
    assert clock.sleeps == [2.0, 1.5]  # only the rest of the delay
    clock.now += 10
    client.fetch("https://news.example.test/d")
    assert clock.sleeps == [2.0, 1.5]
    assert len(seen) == 4


def test_other_hosts_and_loopback_are_not_delayed(clock: FakeClock) -> None:
    seen: list[str] = []
    client = mock_fetcher(seen, host_delay=2.0, respect_robots=False)
    client.fetch("https://news.example.test/a")
    client.fetch("https://wire.example.test/a")
    client.fetch("http://127.0.0.1:8000/a")
    client.fetch("http://127.0.0.1:8000/b")
    client.fetch("http://localhost:8000/c")
    assert clock.sleeps == []


def test_robots_txt_counts_as_a_request_to_the_host(clock: FakeClock) -> None:
    seen: list[str] = []
    client = mock_fetcher(seen, host_delay=1.0)
    client.fetch("https://news.example.test/a")
    assert seen == ["https://news.example.test/robots.txt", "https://news.example.test/a"]
    assert clock.sleeps == [1.0]


def test_host_delay_zero_never_waits(clock: FakeClock) -> None:
    client = mock_fetcher([], host_delay=0, respect_robots=False)
    for path in ("a", "b", "c"):
        client.fetch(f"https://news.example.test/{path}")
    assert clock.sleeps == []
