"""Debian packages the tests and `make cluster` need, installed on first use so a fresh machine
needs nothing by hand: only as root and only where apt-get exists; otherwise the caller decides
(another way to get the program, or a skip naming what is missing)."""
import os
import shutil
import subprocess


def can_install(is_root: bool | None = None, has_apt: bool | None = None) -> bool:
    is_root = os.geteuid() == 0 if is_root is None else is_root
    has_apt = bool(shutil.which("apt-get")) if has_apt is None else has_apt
    return is_root and has_apt


def apt_install(*packages: str, env=os.environ, run=subprocess.run) -> None:
    """`apt-get update` then `apt-get install` quietly; the caller checks what it got."""
    apt = {**env, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    run(["apt-get", "update", "-qq"], env=apt, check=False, **quiet)
    run(["apt-get", "install", "-y", "-qq", *packages], env=apt, check=False, **quiet)
