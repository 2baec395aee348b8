"""Turning fetched bytes into text: the charset is taken from the HTTP header, a byte
order mark, the page's own ``<meta charset>`` / XML declaration, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_\-.]+)["']""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Browsers decode these labels as windows-1252 (WHATWG Encoding Standard): pages that
# say latin-1 routinely contain curly quotes from the 0x80-0x9F range.
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
                   "us-ascii": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252"}


def _known(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _detect(content: bytes) -> str | None:
    """The charset charset_normalizer finds most likely, or ``None``."""
    results = from_bytes(content[:200_000])
    best = results.best()
    if best is None:
        return None
    # Western text often scores exactly alike as cp1250, cp1252 and cp1257 (they share
    # most letters), and the first of a tie wins: "crème" would come out as "crčme".
    # windows-1252 is by far the most common legacy charset on the web, so it wins ties.
    for match in results:
        if ("cp1252" in match.could_be_from_charset and match.chaos <= best.chaos
                and match.coherence >= best.coherence):
            return "cp1252"
    return _known(best.encoding)


def detect_charset(content: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Pick the charset of ``content``. Returns ``(codec name, how it was chosen)``."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name, "bom"
    declared = _known(header_charset)
    if declared:
        return declared, "http-header"
    head = content[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if match:
        declared = _known(match.group(1).decode("ascii", "ignore"))
        if declared:
            return declared, "document"
    try:
        content.decode("utf-8")
        return "utf-8", "valid-utf-8"
    except UnicodeDecodeError:
        pass
    detected = _detect(content)
    if detected:
        return detected, "detected"
    return "cp1252", "fallback"


def decode_bytes(content: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Decode ``content`` to text. Returns ``(text, charset used)``.

    A declared charset that does not fit the bytes (a page that says UTF-8 but is
    windows-1252) falls back to detection instead of producing replacement characters.
    """
    charset, how = detect_charset(content, header_charset)
    try:
        return content.decode(charset), charset
    except UnicodeDecodeError:
        if how in {"http-header", "document"}:
            fallback = _detect(content)
            if fallback:
                return content.decode(fallback, errors="replace"), fallback
        return content.decode(charset, errors="replace"), charset
