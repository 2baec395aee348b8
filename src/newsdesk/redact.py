"""Keep secrets that ride in URLs out of logs, problem rows, `newsdesk stats`, `config
show` and published pages.

Feeds behind a login are often given as ``https://user:password@host/feed`` or with a
token in the query (``?token=...``, ``?api_key=...``, presigned ``X-Amz-Signature``),
and a PostgreSQL store as ``postgresql+psycopg://user:password@host/db``. newsdesk
fetches and connects with the real URL; everything it *shows* goes through these
functions first:

- :func:`redact_url` for a URL shown to the operator: the password (and for web URLs
  the whole user part, which is often a token itself) and the values of secret query
  parameters become ``***``. The URL stays recognisable.
- :func:`redact_text` for free text (log lines, error details): every URL in it, and
  any ``name=value`` pair whose name is a secret's, redacted the same way.
- :func:`public_url` for a link published to readers: the user part and the secret
  parameters are removed altogether, so the link still works where the page is public;
  :func:`public_links` applies it to every link of an article before it is stored and
  again before it is published.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsdesk.records import Article

MASK = "***"
#: Query parameter names that hold a secret (compared lower-case, "-" read as "_").
SECRET_NAMES = frozenset({
    "key", "token", "secret", "password", "passwd", "pwd", "pass", "auth", "sig",
    "signature", "jwt", "session", "sessionid", "sid", "credential", "credentials",
    "access_token", "refresh_token", "id_token", "auth_token", "api_key", "apikey",
    "client_secret", "private_token", "x_amz_signature", "x_amz_credential",
    "x_amz_security_token", "x_goog_signature", "x_goog_credential",
})
_SECRET_SUFFIXES = ("token", "secret", "password", "passwd", "apikey", "api_key",
                    "signature", "credential")
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^\s'\"<>`]+")
# name=value in text that is not part of a full URL (a path with a query, a form body)
_PAIR = re.compile(r"(?P<name>[A-Za-z][A-Za-z0-9_.-]{0,40})=(?P<value>[^&\s'\"#;,)<>]+)")
_WEB = ("http", "https", "ftp", "ftps", "ws", "wss")


def is_secret_name(name: str) -> bool:
    """Whether a query parameter called ``name`` carries a secret."""
    folded = name.lower().replace("-", "_")
    return folded in SECRET_NAMES or folded.endswith(_SECRET_SUFFIXES)


def _split(url: str) -> tuple[str, str, str, str, str, str] | None:
    """(scheme, userinfo, hostport, path, query, fragment), or ``None`` if not a URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    return parts.scheme, userinfo, hostport, parts.path, parts.query, parts.fragment


def _query(query: str, drop: bool) -> str:
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(is_secret_name(k) for k, _ in pairs):
        return query  # leave an ordinary query exactly as it was written
    if drop:
        return urlencode([(k, v) for k, v in pairs if not is_secret_name(k)])
    return "&".join(
        f"{k}={MASK}" if is_secret_name(k) else part
        for part in query.split("&")
        for k in [part.split("=", 1)[0]])


def redact_url(url: str) -> str:
    """``url`` with its secrets masked (``***``); text that is not a URL is returned
    with any ``name=value`` secret masked."""
    split = _split(url)
    if split is None:
        return _mask_pairs(url)
    scheme, userinfo, hostport, path, query, fragment = split
    if userinfo:
        user, has_password, _ = userinfo.partition(":")
        if scheme.lower() in _WEB:
            userinfo = MASK  # a web URL's user part is often a token itself
        elif has_password:
            userinfo = f"{user}:{MASK}"
    netloc = f"{userinfo}@{hostport}" if userinfo else hostport
    return urlunsplit((scheme, netloc, path, _query(query, drop=False), fragment))


def public_url(url: str) -> str:
    """``url`` as it may be published: no user part, no secret query parameters."""
    split = _split(url)
    if split is None:
        return url
    scheme, _userinfo, hostport, path, query, fragment = split
    return urlunsplit((scheme, hostport, path, _query(query, drop=True), fragment))


def _mask_pairs(text: str) -> str:
    def mask(match: re.Match[str]) -> str:
        if is_secret_name(match.group("name")) and match.group("value") != MASK:
            return f"{match.group('name')}={MASK}"
        return match.group(0)

    return _PAIR.sub(mask, text)


def redact_text(text: str) -> str:
    """``text`` with the secrets of every URL in it, and secret ``name=value`` pairs,
    masked."""
    if not text or ("=" not in text and "@" not in text):
        return text  # nothing that can hold a secret: the common case, kept cheap
    return _mask_pairs(_URL.sub(lambda m: redact_url(m.group(0)), text))


class RedactingFormatter(logging.Formatter):
    """A log formatter whose every line (message, arguments and traceback) passes
    through :func:`redact_text`."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record, secrets masked."""
        return redact_text(super().format(record))


def public_links(article: Article) -> Article:
    """Make every source link of ``article`` publishable (:func:`public_url`), in place:
    its source list, its sentences' citations and its Background sources."""
    for source in article.sources:
        source.url = public_url(source.url)
    for sentence in [*article.body_sentences(), *article.dropped]:
        sentence.citation.url = public_url(sentence.citation.url)
    for thread in article.timeline:
        for earlier in thread.sources:
            earlier.url = public_url(earlier.url)
    return article
