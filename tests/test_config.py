"""Settings that find things on the machine: the Chromium that draws PNG and PDF exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from biovista.config import Settings, find_chromium


def _program(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_chromium_is_found_on_the_path_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() is None
    chrome = _program(tmp_path, "google-chrome")
    assert Settings().chromium_path == str(chrome)
    browser = _program(tmp_path, "chromium-browser")
    assert Settings().chromium_path == str(browser)


def test_the_environment_names_the_chromium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIOVISTA_CHROMIUM_PATH", "/opt/chrome/chrome")
    monkeypatch.setenv("BIOVISTA_SNAPSHOT_TIMEOUT", "12.5")
    settings = Settings()
    assert settings.chromium_path == "/opt/chrome/chrome"
    assert settings.snapshot_timeout == 12.5
