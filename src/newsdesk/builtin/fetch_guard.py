"""The network layer under the HTTP fetcher: every connection goes to an address that was
checked against the address policy, and no read, write or connect outlives the deadline
of the fetch it belongs to.

httpx applies its timeouts to each operation on its own, so a server that sends one byte
every few seconds never trips them. Here each socket operation's timeout is cut to what
is left of the fetch's overall deadline (held per thread, since the connection pool is
used by the thread that fetches), and a fetch past its deadline fails as a timeout.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager

import httpcore
import httpx

from newsdesk.fetch_policy import AddressPolicy

_state = threading.local()


class BlockedAddress(Exception):
    """A connection was refused by the address policy (``private_address``)."""

    def __init__(self, host: str, detail: str) -> None:
        self.host = host
        self.detail = detail
        super().__init__(detail)


class DeadlinePassed(httpcore.ReadTimeout):
    """The fetch's overall deadline passed (httpx reports it as a read timeout)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every socket operation of this thread inside the block ends by ``seconds`` from now."""
    previous = getattr(_state, "deadline", None)
    _state.deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _state.deadline = previous


def remaining(timeout: float | None) -> float | None:
    """``timeout`` cut to what is left of the current deadline.

    Raises:
        DeadlinePassed: nothing is left.
    """
    end = getattr(_state, "deadline", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("the overall deadline of this fetch passed")
    return left if timeout is None else min(timeout, left)


def _resolve(host: str, port: int, timeout: float | None) -> list[ipaddress.IPv4Address
                                                                  | ipaddress.IPv6Address]:
    """The addresses ``host`` resolves to, giving up when ``timeout`` passes.

    getaddrinfo has no timeout of its own, so it runs in a helper thread that is left
    behind (and ends with the resolver's own timeout) when the deadline is reached.
    """
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    found: list[typing.Any] = []
    failure: list[BaseException] = []

    def lookup() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            failure.append(exc)

    worker = threading.Thread(target=lookup, name="newsdesk-dns", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise httpcore.ConnectTimeout(f"resolving {host} took longer than the deadline")
    if failure:
        raise httpcore.ConnectError(f"cannot resolve {host}: {failure[0]}")
    addresses = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation respects the current deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname,
                                                     remaining(timeout)))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """Resolves, checks every address against the policy, and connects to a checked one."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
                    ) -> httpcore.NetworkStream:
        """Connect to the first allowed address ``host`` resolves to.

        Raises:
            BlockedAddress: every address it resolves to is refused by the policy.
        """
        host = host.strip("[]")
        addresses = _resolve(host, port, remaining(timeout))
        allowed, refusals = [], []
        for address in addresses:
            refusal = self.policy.refusal(host, address, port)
            if refusal:
                refusals.append(refusal)
            else:
                allowed.append(address)
        if not allowed:
            raise BlockedAddress(host, refusals[0] if refusals else f"{host} has no address")
        last_error: Exception | None = None
        for address in allowed:
            # The checked address itself is connected to, never the name again: a DNS
            # answer that changes in between cannot send the request elsewhere.
            try:
                stream = super().connect_tcp(str(address), port, remaining(timeout),
                                             local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
                continue
            return _DeadlineStream(stream)
        assert last_error is not None
        raise last_error


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over :class:`GuardedBackend`; environment proxies are not used,
    because the address check must see the real destination."""

    def __init__(self, policy: AddressPolicy, limits: httpx.Limits | None = None) -> None:
        super().__init__(trust_env=False)
        limits = limits or httpx.Limits(max_connections=20, max_keepalive_connections=10)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )
