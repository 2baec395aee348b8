"""The content check that runs before any parser: binaries are refused whatever their
Content-Type says; text in any encoding (UTF-16/32 without a BOM included) passes."""

from __future__ import annotations

import codecs

import pytest

from newsdesk.content_types import unsupported_reason
from newsdesk.decode import decode_document

PAGE = "<html><head><title>Harbour</title></head><body><p>Talks resume.</p></body></html>"


@pytest.mark.parametrize(("body", "named"), [
    (b"%PDF-1.7\n1 0 obj", "PDF"), (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
    (b"GIF89a\x01\x00", "GIF"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
    (b"PK\x03\x04\x14\x00", "ZIP"), (b"\x7fELF\x02\x01", "ELF"),
    (b"\x00\x00\x00\x20ftypisom", "MP4"), (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "WEBP"),
    (b"SQLite format 3\x00", "SQLite"), (bytes(range(256)) * 4, "binary"),
])
def test_binaries_are_refused_even_when_labelled_html(body: bytes, named: str) -> None:
    reason = unsupported_reason(body, "text/html; charset=utf-8")
    assert reason and named in reason


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "video/mp4",
                                          "font/woff2", "application/zip"])
def test_binary_media_types_are_refused(content_type: str) -> None:
    assert unsupported_reason(PAGE.encode(), content_type)


@pytest.mark.parametrize("codec", ["utf-8", "cp1252", "shift_jis", "utf-16-le", "utf-16-be",
                                   "utf-32-le", "utf-32-be", "utf-16", "utf-32"])
def test_text_in_any_encoding_passes(codec: str) -> None:
    assert unsupported_reason(PAGE.encode(codec), "text/html") is None
    assert unsupported_reason(b"<rss/>", "application/octet-stream") is None


@pytest.mark.parametrize("label", ["rot13", "rot-13", "base64", "base_64", "hex", "zlib",
                                   "bz2", "uu", "quopri", "undefined", "unicode_escape",
                                   "raw_unicode_escape", "idna", "punycode", "utf-7",
                                   "charmap", "x" * 500, "utf-8\x00"])
def test_labels_that_are_not_text_encodings_are_ignored(label: str) -> None:
    body = f'<html><head><meta charset="{label}"></head><body><p>Café</p></body></html>'
    for declared in (label, None):
        decoded = decode_document(body.encode("utf-8"), declared)
        assert "Café" in decoded.text
        assert getattr(codecs.lookup(decoded.charset), "_is_text_encoding", True)
