"""`make test` finds or installs its own Chromium, in a fixed order, and says which it used."""
import subprocess

import pytest

from tests.browser.chromium import choose_chromium


class FakeRun:
    """Records commands; `installs` makes apt-get create the Debian binary, `playwright_ok` the
    outcome of `playwright install`."""

    def __init__(self, debian=None, installs=False, playwright_ok=True):
        self.commands, self.debian, self.installs, self.playwright_ok = [], debian, installs, playwright_ok

    def __call__(self, command, **_):
        self.commands.append(command[:2] if command[0] == "apt-get" else command[1:])
        if command[:2] == ["apt-get", "install"] and self.installs:
            self.debian.write_text("#!/bin/sh\n")
        ok = self.playwright_ok or command[0] == "apt-get"
        return subprocess.CompletedProcess(command, 0 if ok else 1)


def test_finder_chromium_wins_when_set(tmp_path):
    mine = tmp_path / "my-chrome"
    mine.write_text("")
    debian = tmp_path / "chromium"
    debian.write_text("")
    run = FakeRun()
    chosen = choose_chromium({"FINDER_CHROMIUM": str(mine)}, debian, run)
    assert chosen.executable == str(mine) and "FINDER_CHROMIUM" in chosen.how
    assert run.commands == []


def test_a_finder_chromium_that_is_not_a_file_is_an_error(tmp_path):
    with pytest.raises(RuntimeError, match="FINDER_CHROMIUM"):
        choose_chromium({"FINDER_CHROMIUM": str(tmp_path / "none")}, tmp_path / "chromium", FakeRun())


def test_debian_chromium_is_used_when_present_and_nothing_is_installed(tmp_path):
    debian = tmp_path / "chromium"
    debian.write_text("")
    run = FakeRun()
    chosen = choose_chromium({}, debian, run, is_root=True, has_apt=True)
    assert chosen.executable == str(debian) and "Debian" in chosen.how
    assert run.commands == []


def test_root_with_apt_installs_debian_chromium(tmp_path):
    debian = tmp_path / "chromium"
    run = FakeRun(debian, installs=True)
    chosen = choose_chromium({}, debian, run, is_root=True, has_apt=True)
    assert run.commands == [["apt-get", "update"], ["apt-get", "install"]]
    assert chosen.executable == str(debian) and "apt-get" in chosen.how


@pytest.mark.parametrize("is_root,has_apt", [(False, True), (True, False)])
def test_without_root_or_apt_playwright_installs_its_own(tmp_path, is_root, has_apt):
    run = FakeRun()
    chosen = choose_chromium({}, tmp_path / "chromium", run, is_root=is_root, has_apt=has_apt)
    assert run.commands == [["-m", "playwright", "install", "chromium"]]
    assert chosen.executable is None and "playwright install" in chosen.how


def test_a_failed_apt_install_falls_back_to_playwright(tmp_path):
    run = FakeRun(tmp_path / "chromium", installs=False)
    chosen = choose_chromium({}, tmp_path / "chromium", run, is_root=True, has_apt=True)
    assert run.commands[-1] == ["-m", "playwright", "install", "chromium"]
    assert chosen.executable is None


def test_nothing_working_is_an_error_naming_what_was_tried(tmp_path):
    run = FakeRun(tmp_path / "chromium", installs=False, playwright_ok=False)
    with pytest.raises(RuntimeError, match="apt-get install chromium and playwright install chromium"):
        choose_chromium({}, tmp_path / "chromium", run, is_root=True, has_apt=True)
