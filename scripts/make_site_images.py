"""Render the site's images with Debian's Chromium: the social card (1200x630), the
publisher logo (600x60) and favicon.ico (32x32 PNG in an ICO container).

    python scripts/make_site_images.py

writes src/newsdesk/web/static/card.png, logo.png and favicon.ico.

The images are committed; run this only to change them.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parent.parent / "src" / "newsdesk" / "web" / "static"
FONT = "font-family: Georgia, 'DejaVu Serif', serif"
CARD = f"""<body style="margin:0"><div style="width:1200px;height:630px;background:#fdfcf9;
display:flex;flex-direction:column;justify-content:center;padding:0 90px;box-sizing:border-box;
border-bottom:24px solid #9b1c1c;{FONT}"><div style="font-size:120px;font-weight:700;
color:#1b1b1f;letter-spacing:-3px">newsdesk</div><div style="font-size:44px;color:#5c5f66;
margin-top:20px;font-style:italic">Automated news, every sentence cited and checked</div>
<div style="font-size:30px;color:#9b1c1c;margin-top:40px;font-family:sans-serif">
AI-generated from the reporting of other outlets</div></div></body>"""
LOGO = f"""<body style="margin:0"><div style="width:600px;height:60px;background:#fdfcf9;
display:flex;align-items:center;{FONT}"><div style="width:60px;height:60px;background:#9b1c1c;
color:#fdfcf9;font-size:44px;font-weight:700;display:flex;align-items:center;
justify-content:center">n</div><div style="font-size:40px;font-weight:700;color:#1b1b1f;
margin-left:16px">newsdesk</div></div></body>"""
ICON = f"""<body style="margin:0;background:transparent"><div style="width:32px;height:32px;
border-radius:6px;background:#9b1c1c;color:#fdfcf9;font-size:22px;font-weight:700;display:flex;
align-items:center;justify-content:center;{FONT}">n</div></body>"""


def shoot(page: object, html: str, width: int, height: int) -> bytes:
    """A PNG screenshot of ``html`` at exactly ``width`` x ``height``."""
    page.set_viewport_size({"width": width, "height": height})  # type: ignore[attr-defined]
    page.set_content(html)  # type: ignore[attr-defined]
    return page.screenshot(omit_background=True)  # type: ignore[attr-defined,no-any-return]


def ico(png: bytes, size: int) -> bytes:
    """An ICO file holding one PNG image."""
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), 6 + 16)
    return header + entry + png


def main() -> int:
    """Write the three images."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        (STATIC / "card.png").write_bytes(shoot(page, CARD, 1200, 630))
        (STATIC / "logo.png").write_bytes(shoot(page, LOGO, 600, 60))
        (STATIC / "favicon.ico").write_bytes(ico(shoot(page, ICON, 32, 32), 32))
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
