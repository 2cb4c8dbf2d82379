"""A real browser for the dashboard's tests: Debian's chromium, headless, driven by Selenium through Debian's
chromedriver (named explicitly, so Selenium never tries to fetch a driver of its own)."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

CHROMIUM: Final = ("chromium", "chromium-browser")
DRIVER: Final = "chromedriver"


def browser_paths() -> tuple[str, str] | None:
    binary = next((found for name in CHROMIUM if (found := shutil.which(name))), None)
    driver = shutil.which(DRIVER)
    return (binary, driver) if binary and driver else None


def headless_chromium(width: int = 1280, height: int = 1400) -> WebDriver:
    """A headless chromium session (``selenium.webdriver.Chrome``); the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    paths = browser_paths()
    assert paths is not None, "chromium and chromedriver are needed (scripts/test installs them)"
    binary, driver = paths
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",  # the tests run as root in CI
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",  # loopback only: no update checks, no safe-browsing lists
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={width},{height}",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))
