"""Turning fetched bytes into text, and repairing text that was damaged before we got it.

The charset is chosen in this order:

1. a byte order mark (browsers let it override everything, the HTTP header included);
2. the HTTP ``Content-Type`` charset;
3. the page's own ``<meta charset>`` / ``http-equiv`` / XML declaration;
4. with no declaration: strict UTF-8 if the bytes are valid UTF-8, else detection
   (charset-normalizer).

Two exceptions to the declared charset, because servers and pages lie:

- bytes that are valid UTF-8 and contain multi-byte sequences are UTF-8 even when a
  single-byte legacy charset (latin-1, windows-1252, ...) is declared. Legacy text
  almost never forms valid multi-byte UTF-8 by chance, while pages re-encoded to UTF-8
  that kept their old ``<meta charset>`` are common;
- a declared charset the bytes do not fit falls back to detection instead of producing
  replacement characters.

Then the text is repaired (:func:`repair_text`):

- *mixed* UTF-8: a UTF-8 page with a few stray windows-1252 bytes (an apostrophe
  pasted from a word processor) keeps its UTF-8 and reads each stray byte as
  windows-1252, rather than being decoded wholesale as one charset or the other;
- *split* double encoding: the lead byte of a UTF-8 sequence written as an HTML entity
  and the rest left raw (``&acirc;`` + ``\\x80\\x99`` for ``’``) is put back together;
- *mojibake*: UTF-8 that was decoded as windows-1252 somewhere upstream (``â€™``,
  ``Ã©``) is repaired with ftfy, whose checks are conservative (it leaves correct
  text in any language alone).
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass, field

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
# Declarations that valid multi-byte UTF-8 overrides: anything but the Unicode forms,
# whose bytes cannot be mistaken for UTF-8.
_UNICODE_CODECS = {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
                   "utf-32-le", "utf-32-be"}
# Codecs Python accepts as text encodings that no document is written in (see _known).
_NOT_DOCUMENT_CODECS = {"undefined", "unicode-escape", "raw-unicode-escape", "idna",
                        "punycode", "utf-7", "charmap", "mbcs", "oem", "cp65001"}
# A lead byte of a well-formed UTF-8 sequence followed by its continuation bytes.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
# An HTML entity directly followed by characters that windows-1252 maps to UTF-8
# continuation bytes (0x80-0xBF): the signature of a lead byte escaped on its own.
_CONTINUATION_CHARS = bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")
_SPLIT_SEQUENCE = re.compile(
    r"&(#[0-9]{3}|#x[0-9a-fA-F]{2}|[A-Za-z]{4,6});([" + re.escape(_CONTINUATION_CHARS)
    + r"]{1,3})")
STRAY_BYTES_HANDLER = "newsdesk-stray-cp1252"


def _stray_cp1252(error: UnicodeError) -> tuple[str, int]:
    """Decode handler: a byte that is not valid UTF-8 is read as windows-1252.

    The five bytes windows-1252 leaves undefined are read as latin-1 (the C1 control
    with that number), as browsers do.
    """
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return "".join(_stray_cp1252_byte(byte) for byte in bad), error.end


def _stray_cp1252_byte(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


codecs.register_error(STRAY_BYTES_HANDLER, _stray_cp1252)


@dataclass
class Decoded:
    """Text decoded from bytes: the codec used, how it was chosen and what was repaired."""

    text: str
    charset: str
    how: str
    repairs: dict[str, int] = field(default_factory=dict)


def _known(label: str | None) -> str | None:
    """The Python codec for a declared charset label, or ``None`` when the label names no
    text encoding a web page can be in.

    Python accepts labels that are not charsets at all: bytes-to-bytes and text-to-text
    transforms (``hex``, ``base64``, ``rot13``, ``zlib``), codecs that always fail
    (``undefined``) and codecs that interpret escapes or are not for documents
    (``unicode_escape``, ``idna``, ``punycode``). Browsers ignore UTF-7 for safety (it
    smuggles markup past filters). Each is treated as no declaration at all, so the
    charset is detected instead.
    """
    if not label:
        return None
    label = label.strip().lower()[:40]
    label = _WHATWG_ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_DOCUMENT_CODECS:
        return None
    return info.name


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


def _utf8_profile(content: bytes) -> tuple[int, int]:
    """(well-formed multi-byte UTF-8 sequences, non-ASCII bytes outside them)."""
    sequences = _UTF8_MULTIBYTE.findall(content)
    in_sequences = sum(len(s) for s in sequences)
    return len(sequences), len(_NON_ASCII.findall(content)) - in_sequences


def _mostly_utf8(content: bytes) -> bool:
    """Whether bytes that are not valid UTF-8 are still UTF-8 with a few stray bytes.

    True when well-formed multi-byte sequences outnumber the bytes that fit none. A
    legacy single-byte page has almost no well-formed sequences, so it stays False.
    """
    sequences, stray = _utf8_profile(content)
    return sequences > 0 and sequences >= stray


def detect_charset(content: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Pick the charset of ``content``. Returns ``(codec name, how it was chosen)``.

    ``how`` is one of ``bom``, ``http-header``, ``document`` (meta tag or XML
    declaration), ``valid-utf-8`` (strict UTF-8 with no declaration, or overriding a
    legacy declaration), ``mostly-utf-8`` (UTF-8 with stray bytes), ``detected`` or
    ``fallback``.
    """
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name, "bom"
    declared, how = _known(header_charset), "http-header"
    if not declared:
        head = content[:4096]
        match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
        if match:
            declared, how = _known(match.group(1).decode("ascii", "ignore")), "document"
            if declared and declared.startswith(("utf-16", "utf-32")):
                # A declaration readable as ASCII cannot be in UTF-16/32 (WHATWG: such a
                # <meta charset> means UTF-8).
                declared = "utf-8"
    try:
        content.decode("utf-8")
        valid_utf8 = True
    except UnicodeDecodeError:
        valid_utf8 = False
    if declared:
        if declared not in _UNICODE_CODECS and valid_utf8 and _NON_ASCII.search(content):
            return "utf-8", "valid-utf-8"
        return declared, how
    if valid_utf8:
        return "utf-8", "valid-utf-8"
    if _mostly_utf8(content):
        return "utf-8", "mostly-utf-8"
    detected = _detect(content)
    if detected:
        return detected, "detected"
    return "cp1252", "fallback"


def decode_document(content: bytes, header_charset: str | None = None) -> Decoded:
    """Decode ``content`` to text and repair damaged characters (see the module docs).

    Never raises: bytes that fit no charset come out with replacement characters.
    """
    charset, how = detect_charset(content, header_charset)
    repairs: dict[str, int] = {}
    text: str | None = None
    if charset == "utf-8":
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            if how in {"mostly-utf-8", "valid-utf-8"} or _mostly_utf8(content):
                text = content.decode("utf-8", errors=STRAY_BYTES_HANDLER)
                repairs["stray_bytes"] = _utf8_profile(content)[1]
    if text is None:
        try:
            text = content.decode(charset)
        except (UnicodeError, LookupError, ValueError, TypeError):
            fallback = _detect(content) if how in {"http-header", "document"} else None
            if fallback and fallback != charset:
                charset, how = fallback, "detected"
            try:
                text = content.decode(charset, errors="replace")
            except (UnicodeError, LookupError, ValueError, TypeError):
                # A codec that fails even in "replace" mode: the bytes as windows-1252,
                # which decodes anything.
                charset, how = "cp1252", "fallback"
                text = content.decode("cp1252", errors=STRAY_BYTES_HANDLER)
            repairs["replaced"] = text.count("\ufffd")
    if text.startswith("\ufeff"):
        text = text[1:]
    text, fixed = repair_text(text)
    repairs.update(fixed)
    return Decoded(text, charset, how, {k: v for k, v in repairs.items() if v})


def decode_bytes(content: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Decode ``content`` to text. Returns ``(text, charset used)``.

    A declared charset that does not fit the bytes (a page that says UTF-8 but is
    windows-1252) falls back to detection instead of producing replacement characters;
    see :func:`decode_document` for the repairs applied.
    """
    decoded = decode_document(content, header_charset)
    return decoded.text, decoded.charset


def _join_split_sequence(match: re.Match[str]) -> str:
    lead = html.unescape(f"&{match.group(1)};")
    if len(lead) != 1 or not 0xC2 <= ord(lead) <= 0xF4:
        return match.group(0)
    try:
        return (bytes([ord(lead)]) + match.group(2).encode("cp1252")).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return match.group(0)


def repair_text(text: str) -> tuple[str, dict[str, int]]:
    """Repair split double encoding and mojibake in ``text`` (HTML or plain).

    Returns the text and how many repairs of each kind were made (``split_sequences``,
    ``mojibake_lines``).
    """
    repairs: dict[str, int] = {}
    if "&" in text:
        joined, count = _SPLIT_SEQUENCE.subn(_join_split_sequence, text)
        if joined != text:
            repairs["split_sequences"] = count
            text = joined
    import ftfy.badness

    if ftfy.badness.is_bad(text):
        fixed = _fix_mojibake(text)
        if fixed != text:
            repairs["mojibake_lines"] = sum(
                1 for a, b in zip(text.splitlines(), fixed.splitlines(), strict=False) if a != b)
            text = fixed
    return text, repairs


def _fix_mojibake(text: str) -> str:
    import ftfy

    # Only encoding repairs: quotes, ligatures, widths, line breaks and Unicode
    # normalisation are the publisher's and are left exactly as they were.
    config = ftfy.TextFixerConfig(
        unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
        fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
        remove_control_chars=False, normalization=None, explain=False)
    return ftfy.fix_text(text, config)
