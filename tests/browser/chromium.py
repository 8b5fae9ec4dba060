"""Which Chromium the browser tests drive, found or installed so a fresh machine needs nothing
by hand: FINDER_CHROMIUM when set, else Debian's /usr/bin/chromium, else Debian's package
installed with apt-get (as root), else Playwright's own build (`playwright install chromium`).
"""
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from scripts.system_packages import apt_install, can_install

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


@dataclass(frozen=True)
class Chromium:
    executable: str | None  # None: Playwright's own build, which it finds by itself
    how: str  # one line for the test log


def choose_chromium(env=os.environ, debian=DEBIAN_CHROMIUM, run=subprocess.run,
                    is_root=None, has_apt=None) -> Chromium:
    """The browser to launch; installs one when none is present. Raises RuntimeError naming what
    was tried when nothing worked."""
    chosen = env.get("FINDER_CHROMIUM", "").strip()
    if chosen:
        if not Path(chosen).is_file():
            raise RuntimeError(f"FINDER_CHROMIUM={chosen} is not a file")
        return Chromium(chosen, f"FINDER_CHROMIUM ({chosen})")
    if debian.exists():
        return Chromium(str(debian), f"Debian's chromium ({debian})")
    tried = []
    if can_install(is_root, has_apt):
        apt_install("chromium", env=env, run=run)
        if debian.exists():
            return Chromium(str(debian), f"Debian's chromium, installed now with apt-get ({debian})")
        tried.append("apt-get install chromium")
    done = run([sys.executable, "-m", "playwright", "install", "chromium"], check=False,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if done.returncode == 0:
        return Chromium(None, "Playwright's chromium (installed with `playwright install chromium`)")
    tried.append("playwright install chromium")
    raise RuntimeError(f"no Chromium: FINDER_CHROMIUM unset, {debian} absent; tried "
                       f"{' and '.join(tried)}")
