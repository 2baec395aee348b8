"""What newsdesk may fetch: which URLs a document may send it to, which local files it may
read, and which network addresses it may connect to.

The rules, in the order they are applied:

- **Schemes.** Anything a remote document links to (feed item links, OPML outlines,
  redirects, canonical links, JSON Feed URLs) must be ``http`` or ``https``.
  ``javascript:``, ``data:``, ``ftp:`` and the rest are refused as
  ``unsupported_scheme``; ``file:`` in any spelling (``file:/x``, ``file://localhost/x``,
  ``file://host/x``, ``FILE:///x``) as ``local_file_refused``.
- **Local files** are read only for sources the operator named (on the command line or
  in the ``sources`` setting), and only inside those folders: a named folder, or the
  folder of a named file. A local feed, OPML list or JSONL file inside such a folder
  may list other local files inside it. Symbolic links are resolved first, so a link
  inside the folder that points out of it is refused too.
- **Addresses.** Loopback, private, link-local, carrier-grade NAT, multicast,
  unspecified and reserved addresses (IPv4, IPv6, and IPv4 embedded in IPv6) are
  refused as ``private_address`` after DNS resolution, for every connection, redirects
  included, unless ``fetch.allow_private`` is on or the host or network is listed in
  ``fetch.allow_networks``. The fetcher connects to the very address it checked, so a
  DNS answer that changes between the check and the connection cannot swap it.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from newsdesk.errors import ConfigError, FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
WEB_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
# NAT64's well-known prefix carries an IPv4 address in its last 32 bits (RFC 6052).
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def scheme_of(url: str) -> str:
    """The lower-cased scheme of ``url`` ("" for a relative reference or a plain path)."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: IPAddress) -> bool:
    """Whether ``address`` is a public unicast address (and so may be fetched by default).

    IPv4 inside IPv6 (mapped, 6to4, Teredo, NAT64) is judged by the IPv4 address it
    carries, so ``::ffff:127.0.0.1`` is loopback.
    """
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            return is_public_address(inner)
    return bool(address.is_global and not address.is_multicast and not address.is_reserved
                and not address.is_unspecified and not address.is_link_local)


@dataclass(frozen=True)
class _Allowed:
    network: IPNetwork | None
    host: str | None
    port: int | None

    def matches(self, host: str, address: IPAddress, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        if self.network is not None:
            return address in self.network
        return host.lower().rstrip(".") == self.host


def _parse_allowed(spec: str) -> _Allowed:
    """``127.0.0.1``, ``127.0.0.1:8080``, ``[::1]:8080``, ``10.0.0.0/8``, ``intranet.example``
    or ``intranet.example:8080``."""
    text = spec.strip()
    port: int | None = None
    host = text
    bracketed = re.fullmatch(r"\[([0-9a-fA-F:.]+)\](?::(\d+))?", text)
    if bracketed:
        host, port = bracketed.group(1), int(bracketed.group(2)) if bracketed.group(2) else None
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        if not port_text.isdigit():
            raise ConfigError(f"fetch.allow_networks: bad port in {spec!r}")
        port = int(port_text)
    try:
        return _Allowed(ipaddress.ip_network(host, strict=False), None, port)
    except ValueError:
        pass
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", host):
        raise ConfigError(f"fetch.allow_networks: {spec!r} is not an address, a network "
                          "(10.0.0.0/8) or a host name, each optionally with :port")
    return _Allowed(None, host.lower().rstrip("."), port)


@dataclass(frozen=True)
class AddressPolicy:
    """Which resolved addresses a connection may go to (see the module docs)."""

    allow_private: bool = False
    allowed: tuple[_Allowed, ...] = ()

    @classmethod
    def from_settings(cls, allow_private: bool, allow_networks: Iterable[str]) -> AddressPolicy:
        """Build from ``fetch.allow_private`` and ``fetch.allow_networks``.

        Raises:
            ConfigError: an entry of ``allow_networks`` cannot be read.
        """
        return cls(allow_private, tuple(_parse_allowed(s) for s in allow_networks if s.strip()))

    def lists_host(self, url: str) -> bool:
        """Whether the host (and port) of ``url`` is listed in ``fetch.allow_networks``
        itself: by name, or as an address inside a listed network."""
        parts = urlsplit(url)
        try:
            host, port = (parts.hostname or ""), parts.port
        except ValueError:
            return False
        if not host:
            return False
        port = port or (443 if parts.scheme == "https" else 80)
        try:
            address: IPAddress | None = ipaddress.ip_address(host)
        except ValueError:
            address = None
        for allowed in self.allowed:
            if allowed.port is not None and allowed.port != port:
                continue
            network = allowed.network
            if network is not None and address is not None and address in network:
                return True
            if allowed.host is not None and host.lower().rstrip(".") == allowed.host:
                return True
        return False

    def refusal(self, host: str, address: IPAddress, port: int) -> str | None:
        """Why a connection to ``address`` (resolved from ``host``) is refused, or ``None``."""
        if is_public_address(address):
            return None
        if self.allow_private or any(a.matches(host, address, port) for a in self.allowed):
            return None
        kind = ("loopback" if address.is_loopback else "link-local" if address.is_link_local
                else "multicast" if address.is_multicast else "private" if address.is_private
                else "reserved")
        return (f"{host} resolves to {address}, a {kind} address; allow it with "
                "fetch.allow_networks or fetch.allow_private")


def file_url_path(url: str) -> Path:
    """The local path a ``file:`` URL (or a plain path) names.

    Raises:
        FetchError: ``local_file_refused`` for a ``file:`` URL naming another host
            (``file://server/share``): only this machine's files are ever read.
    """
    if scheme_of(url) != "file":
        return Path(url).expanduser()
    parts = urlsplit(url.strip())
    if parts.netloc.lower() not in {"", "localhost"}:
        raise FetchError(url, "local_file_refused",
                         f"a file: URL naming the host {parts.netloc!r} is never read")
    return Path(unquote(parts.path or "/"))


def check_link(link: str, base: str, local_root: Callable[[Path], Path | None]) -> str:
    """The absolute URL of ``link`` found in the document at ``base``, if it may be fetched.

    A link from a remote (http/https) document must be http or https. A link from a
    local document the operator named may also be a local file inside the named folders:
    ``local_root(path)`` gives the named folder holding a path, or ``None`` (the
    fetcher's :meth:`~newsdesk.backends.fetcher.Fetcher.local_root`). Returns the joined
    URL; a link to a local file comes back as a ``file:///`` URL.

    Raises:
        FetchError: ``unsupported_scheme``, ``local_file_refused`` or ``invalid_url``,
            naming the link.
    """
    text = link.strip()
    # Browsers drop tabs and newlines inside URLs; an attacker uses them to hide a scheme.
    text = re.sub(r"[\t\r\n]", "", text)
    try:
        joined = urljoin(base, text)
    except ValueError as exc:
        raise FetchError(text[:300], "invalid_url", str(exc)) from exc
    scheme = scheme_of(joined)
    base_is_web = scheme_of(base) in WEB_SCHEMES
    if scheme in WEB_SCHEMES:
        parts = urlsplit(joined)
        try:
            _ = parts.port
        except ValueError as exc:
            raise FetchError(joined[:300], "invalid_url", str(exc)) from exc
        if not parts.hostname:
            raise FetchError(joined[:300], "invalid_url", "no host name")
        return joined
    if scheme == "file" or (scheme == "" and not base_is_web):
        if base_is_web:
            raise FetchError(joined[:300], "local_file_refused",
                             f"{base} is a remote document; it may only link to http(s) URLs")
        path = file_url_path(joined)
        if not path.is_absolute() or local_root(path) is None:
            raise FetchError(joined[:300], "local_file_refused",
                             "not inside a folder named as a source; name the folder (or a "
                             "file in it) as a source, or list it in fetch.local_folders")
        parts = urlsplit(joined)
        return (Path(os.path.normpath(path)).as_uri() + (f"?{parts.query}" if parts.query else "")
                + (f"#{parts.fragment}" if parts.fragment else ""))
    raise FetchError(joined[:300], "unsupported_scheme",
                     f"only http and https links are followed, not {scheme or 'this'}:")


def site_of(url: str) -> str:
    """The site of ``url``: its registrable domain (``bbc.co.uk`` for
    ``https://news.bbc.co.uk/x``), the host itself for an address or a name the public
    suffix list does not know, ``""`` when there is no host."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    if not host:
        return ""
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    from tld import get_fld

    found = get_fld(host, fix_protocol=True, fail_silently=True)
    if found:
        return str(found).lower()
    labels = host.split(".")
    return ".".join(labels[-2:])


def same_site(url: str, other: str) -> bool:
    """Whether two http(s) URLs are on the same site (see :func:`site_of`)."""
    if scheme_of(url) not in WEB_SCHEMES or scheme_of(other) not in WEB_SCHEMES:
        return False
    site = site_of(url)
    return bool(site) and site == site_of(other)
