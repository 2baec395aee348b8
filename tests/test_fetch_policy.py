"""The fetch policy on its own: which links a document may send newsdesk to, which local
files may be read, which addresses may be connected to (after DNS resolution, to the
address that was checked), and which canonical URLs a page may claim.

No test here sends a packet anywhere but 127.0.0.1: private and link-local targets are
checked on addresses, and name resolution is replaced where a test needs a name.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Any

import pytest

from newsdesk.builtin import fetch_guard
from newsdesk.builtin.fetch_http import HttpFetcher
from newsdesk.errors import ConfigError, FetchError
from newsdesk.fetch_policy import AddressPolicy, check_link, is_public_address, same_site

from hostile_server import Answer, HostileServer

REFUSED = [
    "127.0.0.1", "127.8.9.10", "0.0.0.0", "10.1.2.3", "172.16.0.9", "192.168.1.1",
    "169.254.169.254", "100.64.0.1", "224.0.0.251", "239.255.255.250", "240.0.0.1",
    "255.255.255.255", "192.0.2.7", "198.18.0.1", "::1", "::", "fe80::1", "fc00::5",
    "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::7f00:1",
    "2002:7f00:1::", "2002:a00:1::",
]
PUBLIC = ["8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450::1"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused_by_default(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert not is_public_address(ip)
    refusal = AddressPolicy().refusal("news.example", ip, 80)
    assert refusal and "fetch.allow_networks" in refusal  # the message says what to do


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert AddressPolicy().refusal("news.example", ipaddress.ip_address(address), 443) is None


def test_the_allow_list_takes_hosts_networks_and_ports() -> None:
    policy = AddressPolicy.from_settings(False, ["127.0.0.1:8765", "10.1.0.0/16",
                                                 "intranet.example", "[::1]:9000"])
    loop = ipaddress.ip_address("127.0.0.1")
    assert policy.refusal("127.0.0.1", loop, 8765) is None
    assert policy.refusal("127.0.0.1", loop, 8766)  # another service on the machine
    assert policy.refusal("x", ipaddress.ip_address("10.1.200.3"), 80) is None
    assert policy.refusal("x", ipaddress.ip_address("10.2.0.1"), 80)
    assert policy.refusal("intranet.example", ipaddress.ip_address("10.9.9.9"), 443) is None
    assert policy.refusal("other.example", ipaddress.ip_address("10.9.9.9"), 443)
    assert policy.refusal("::1", ipaddress.ip_address("::1"), 9000) is None
    assert AddressPolicy.from_settings(True, []).refusal("x", loop, 1) is None
    assert policy.lists_host("http://127.0.0.1:8765/a")
    assert not policy.lists_host("http://127.0.0.1:8766/a")
    assert policy.lists_host("https://intranet.example/a")


@pytest.mark.parametrize("bad", ["127.0.0.1:http", "bad host!", "10.0.0.0/33:x"])
def test_a_malformed_allow_list_entry_is_a_config_error(bad: str) -> None:
    with pytest.raises(ConfigError, match="allow_networks"):
        AddressPolicy.from_settings(False, [bad])


# -- links ---------------------------------------------------------------------------------

REMOTE = "https://feeds.example/news.xml"
FILE_SPELLINGS = [
    "file:///etc/passwd", "file:/etc/passwd", "file://localhost/etc/passwd",
    "file://anyhost/etc/passwd", "FILE:///etc/passwd", "File://LOCALHOST/etc/passwd",
    " file:///proc/self/environ", "file:/proc/self/mem", "fi\tle:///etc/passwd",
    "file:%2Fetc%2Fpasswd", "file:///etc/../etc/passwd", "file:///C:/Windows/win.ini",
    "file:\\\\server\\share\\x",
]


def no_local(_path: Path) -> Path | None:
    return None


@pytest.mark.parametrize("link", FILE_SPELLINGS)
def test_a_remote_document_never_links_to_a_local_file(link: str) -> None:
    with pytest.raises(FetchError) as caught:
        check_link(link, REMOTE, no_local)
    assert caught.value.reason in {"local_file_refused", "unsupported_scheme"}


@pytest.mark.parametrize("link", [
    "javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "java\nscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox",
    "ftp://files.example/a", "gopher://x/", "mailto:editor@example.org", "about:blank",
])
def test_only_http_and_https_links_are_followed(link: str) -> None:
    with pytest.raises(FetchError) as caught:
        check_link(link, REMOTE, no_local)
    assert caught.value.reason == "unsupported_scheme"


def test_relative_and_absolute_web_links_are_resolved() -> None:
    assert check_link("/2026/story", REMOTE, no_local) == "https://feeds.example/2026/story"
    assert check_link("//cdn.example/a", REMOTE, no_local) == "https://cdn.example/a"
    assert check_link("http://other.example/b", REMOTE, no_local) == "http://other.example/b"
    # A path that looks local is a path on the remote site.
    assert check_link("/etc/passwd", REMOTE, no_local) == "https://feeds.example/etc/passwd"
    with pytest.raises(FetchError, match="invalid_url"):
        check_link("http://news.example:99999/", REMOTE, no_local)


def test_a_named_local_folder_may_list_files_inside_it_only(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text("<p>a</p>")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.html"
    outside.write_text("<p>secret</p>")
    (tmp_path / "pages" / "escape.html").symlink_to(outside)
    fetcher = HttpFetcher()
    fetcher.allow_local(tmp_path)
    feed = (tmp_path / "feed.xml").as_uri()
    assert check_link("pages/a.html", feed, fetcher.local_root) == (
        tmp_path / "pages" / "a.html").as_uri()
    for link in ("../" + outside.name, outside.as_uri(), "/etc/passwd", "file:///etc/passwd",
                 "pages/escape.html"):  # the last is a symbolic link out of the folder
        with pytest.raises(FetchError) as caught:
            check_link(link, feed, fetcher.local_root)
        assert caught.value.reason == "local_file_refused", link
    for url in (outside.as_uri(), (tmp_path / "pages" / "escape.html").as_uri(),
                "/proc/self/mem", "file:///etc/passwd"):
        with pytest.raises(FetchError) as caught:
            fetcher.fetch(url)
        assert caught.value.reason == "local_file_refused", url
    assert fetcher.fetch((tmp_path / "pages" / "a.html").as_uri()).content == b"<p>a</p>"
    fetcher.close()


def test_a_fetcher_granted_no_folder_reads_no_file(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text("<p>a</p>")
    fetcher = HttpFetcher()
    with pytest.raises(FetchError, match="local_file_refused"):
        fetcher.fetch(page.as_uri())
    fetcher.close()


def test_same_site_uses_the_registrable_domain() -> None:
    assert same_site("https://www.bbc.co.uk/a", "https://news.bbc.co.uk/b")
    assert same_site("http://example.com/a", "https://amp.example.com/b")
    assert not same_site("https://victim.example/a", "https://attacker.example/b")
    assert not same_site("https://a.github.io/", "https://b.github.io/")  # public suffix
    assert not same_site("file:///x", "file:///y")
    assert not same_site("javascript:alert(1)", "https://a.example/")


# -- the guard: resolution, checking, connecting ----------------------------------------------


@pytest.fixture
def server() -> Any:
    hostile = HostileServer()
    hostile.routes["/page"] = Answer(body=b"<html><p>hello</p></html>",
                                     headers={"Content-Type": "text/html"})
    yield hostile
    hostile.stop()


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: list[list[str]]) -> list[str]:
    """getaddrinfo answering each lookup with the next list of addresses."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if not host.endswith(".test"):
            return real(host, port, *args, **kwargs)
        asked.append(host)
        found = answers[min(len(asked) - 1, len(answers) - 1)]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (a, port)) for a in found]

    monkeypatch.setattr(fetch_guard.socket, "getaddrinfo", getaddrinfo)
    return asked


def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Record every TCP connection the fetcher opens (and still open it)."""
    opened: list[tuple[str, int]] = []
    real = socket.create_connection

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        opened.append(address)
        if not address[0].startswith("127."):
            raise AssertionError(f"a test tried to connect to {address}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return opened


def test_a_name_resolving_to_a_private_address_is_never_connected(
        server: HostileServer, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, [["10.20.30.40"]])
    opened = connections(monkeypatch)
    fetcher = HttpFetcher(respect_robots=False, retries=0)
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(f"http://intranet.test:{server.port}/page")
    fetcher.close()
    assert caught.value.reason == "private_address"
    assert "10.20.30.40" in caught.value.detail
    assert opened == []


def test_dns_rebinding_cannot_swap_the_checked_address(
        server: HostileServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The first answer is allowed; a second lookup would answer another address.
    asked = fake_dns(monkeypatch, [["127.0.0.1"], ["127.0.0.2"]])
    opened = connections(monkeypatch)
    fetcher = HttpFetcher(respect_robots=False, retries=0,
                          allow_networks=[f"127.0.0.1:{server.port}"])
    assert fetcher.fetch(f"http://rebind.test:{server.port}/page").content.startswith(b"<html>")
    fetcher.close()
    assert asked == ["rebind.test"]  # resolved once, per connection
    assert opened == [("127.0.0.1", server.port)]  # the checked address, not the name


def test_loopback_is_refused_directly_and_behind_a_redirect(server: HostileServer) -> None:
    other = HostileServer()  # "another service on this machine"
    other.routes["/secret"] = Answer(body=b"the database password")
    server.routes["/to-secret"] = Answer(302, headers={"Location": f"{other.base}/secret"})
    server.routes["/to-localhost"] = Answer(
        302, headers={"Location": f"http://localhost:{other.port}/secret"})
    try:
        fetcher = HttpFetcher(respect_robots=False, retries=0,
                              allow_networks=[f"127.0.0.1:{server.port}"])
        targets = [f"{other.base}/secret", f"http://localhost:{other.port}/secret",
                   f"http://[::1]:{other.port}/secret", f"http://0.0.0.0:{other.port}/secret",
                   f"http://2130706433:{other.port}/secret", f"http://127.1:{other.port}/secret",
                   f"http://[::ffff:127.0.0.1]:{other.port}/secret",
                   server.url("/to-secret"), server.url("/to-localhost")]
        for url in targets:
            with pytest.raises(FetchError) as caught:
                fetcher.fetch(url)
            assert caught.value.reason in {"private_address", "invalid_url"}, url
        fetcher.close()
        assert other.hits == {}  # nothing ever reached the other service
    finally:
        other.stop()
