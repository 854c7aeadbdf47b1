"""What every browser test module shares: Debian's headless Chromium found (or the module skipped,
or failed where AUTOGRAD_LITE_REQUIRE names chromium), one browser per module, and `Tab`: a page in
a fresh context that remembers every request, error and dialog, so a test can check at its end
that the page asked for nothing beyond its own file and raised no error.

A test module calls `chromium_or_skip()` at its top and takes the `browser` fixture (conftest.py:
one per module, launched by `launch()`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograd_lite.html import HEADLESS_CHROMIUM
from tests.conftest import INSTALL, required

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def chromium_or_skip() -> str:
    """The chromium binary, at a module's top: else the module is skipped with how to install it,
    or fails where the run requires chromium (CI does)."""
    path = shutil.which("chromium")
    if path is None:
        if "chromium" in required():
            pytest.fail(f"AUTOGRAD_LITE_REQUIRE names chromium, but {INSTALL['chromium']}", pytrace=False)
        pytest.skip(INSTALL["chromium"], allow_module_level=True)
    pytest.importorskip(
        "playwright.sync_api",
        reason="playwright is missing: pip install -e '.[test]' enables the browser tests",
    )
    return path


def launch():
    """Debian's chromium through Playwright (never a downloaded browser), closed when done."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_or_skip(), args=HEADLESS_CHROMIUM)
        yield b
        b.close()


class Tab:
    """A page in a fresh context that remembers every request, error and dialog."""

    def __init__(self, browser, viewport=DESKTOP, **options):
        self.context = browser.new_context(viewport=viewport, **options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path: Path, fragment: str = ""):
        self.path = path
        self.page.goto(path.as_uri() + fragment)
        return self.page

    def check_clean(self) -> None:
        own = self.path.as_uri()
        assert [u for u in self.requests if not u.startswith((own, "data:", "about:"))] == []
        assert self.errors == [] and self.dialogs == []

    def close(self) -> None:
        self.context.close()
