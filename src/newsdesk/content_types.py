"""Which fetched bodies are text newsdesk can read (HTML, XML feeds, JSON, plain text),
checked before anything is parsed or extracted.

A PDF, an image, an archive or any other binary body is refused as
``unsupported_content_type``, whatever the server's Content-Type says: servers label
binaries ``text/html`` and feeds ``application/octet-stream``, so the bytes decide when
they are clear (magic numbers, NUL and control bytes), the header otherwise.
"""

from __future__ import annotations

import re

# Magic numbers at the start of common binary formats (and what to call them).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"BM", ""),  # checked further below: too short to trust alone
    (b"PK\x03\x04", "ZIP archive (or an office document)"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", ""),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "ELF executable"),
    (b"\x00asm", "WebAssembly module"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"fLaC", "FLAC audio"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM video"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office document"),
)
_BOM_PREFIXES = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# Media types that are never text, whatever the body looks like.
_BINARY_TYPES = re.compile(
    r"^(image|audio|video|font|model)/|^application/(pdf|zip|gzip|x-gzip|x-tar|x-7z|"
    r"vnd\.rar|x-rar|msword|vnd\.openxmlformats|vnd\.ms-|vnd\.oasis|x-shockwave|wasm|"
    r"x-executable|x-msdownload|java-archive|x-bzip2|x-xz|epub)")
# Bytes no text file contains (C0 controls other than tab, LF, FF, CR and ESC).
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def media_type(content_type: str) -> str:
    """``text/html`` from ``text/html; charset=utf-8`` (lower case, parameters dropped)."""
    return content_type.split(";", 1)[0].strip().lower()


def _signature(head: bytes) -> str:
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            if name:
                return name
            if magic == b"BM" and len(head) > 14 and head[6:10] == b"\x00\x00\x00\x00":
                return "BMP image"
            if magic == b"BZh" and head[3:4].isdigit() and head[4:10] == b"1AY&SY":
                return "bzip2 data"
    if head[4:8] == b"ftyp":
        return "MP4/QuickTime media"
    if head.startswith(b"RIFF") and head[8:12] in {b"WEBP", b"WAVE", b"AVI "}:
        return f"RIFF {head[8:12].decode().strip()} media"
    return ""


def unsupported_reason(content: bytes, content_type: str = "") -> str | None:
    """Why ``content`` is not a text document newsdesk can read, or ``None`` when it is.

    The reason names what the body is ("PDF document", "image/png", "binary data").
    """
    head = content[:4096]
    found = _signature(head)
    if found:
        return f"{found} ({media_type(content_type) or 'no Content-Type'})"
    declared = media_type(content_type)
    if declared and _BINARY_TYPES.match(declared):
        return f"{declared} is not a text document"
    if head.startswith(_BOM_PREFIXES) or head[:4] == b"\x00\x00\xfe\xff":
        return None  # UTF-16/32 text carries NUL bytes by nature
    if b"\x00" in head and _looks_wide_text(head):
        return None
    if b"\x00" in head:
        return f"binary data ({declared or 'no Content-Type'}: NUL bytes in the first "\
               f"{len(head)} bytes)"
    controls = len(_CONTROL.findall(head))
    if head and controls > max(8, len(head) // 20):
        return f"binary data ({declared or 'no Content-Type'}: {controls} control bytes in "\
               f"the first {len(head)})"
    return None


def _looks_wide_text(head: bytes) -> bool:
    """UTF-16 or UTF-32 without a BOM: the bytes decode in one of them to printable text
    that is mostly ASCII (markup carries a NUL beside every ASCII character in these
    encodings)."""
    for codec, unit in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        sample = head[: len(head) - len(head) % unit]
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        printable = sum(1 for c in text if c.isprintable() or c in "\t\r\n")
        ascii_share = sum(1 for c in text if c < "\x80") / max(1, len(text))
        # Markup is mostly ASCII: random bytes can decode as printable CJK, never as this.
        if text and printable >= 0.95 * len(text) and ascii_share >= 0.5:
            return True
    return False
