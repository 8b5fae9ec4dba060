"""`make check`'s dependency audit: pip-audit over exactly the locked packages (hashes, no
resolving), against the OSV vulnerability database, strict about anything it could not audit.

It needs OSV's service. Where that does not answer (these machines reach only the package
registries) it says plainly that nothing was checked rather than reporting a clean result: pip's
default PyPI service answers "not found" here, which pip-audit would print as no vulnerabilities.
Exit 1 only when a vulnerability is found or pip-audit fails for another reason.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
UNREACHABLE = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "timed out")


def main() -> int:
    pip_audit = Path(sys.executable).parent / "pip-audit"
    packages = sum(1 for line in LOCK.read_text().splitlines() if "==" in line)
    result = subprocess.run(
        [str(pip_audit), "--progress-spinner", "off", "--strict", "--disable-pip",
         "--vulnerability-service", "osv", "--timeout", "15", "-r", str(LOCK)],
        capture_output=True, text=True)
    output = result.stdout + result.stderr
    if result.returncode != 0 and any(word in output for word in UNREACHABLE):
        print(f"dependency audit: COULD NOT CHECK the {packages} locked packages: the OSV "
              "vulnerability service did not answer from this machine. Nothing is known either way; "
              "run `make check` where it answers.")
        return 0
    print(result.stdout.strip() or result.stderr.strip())
    verdict = "no known vulnerabilities" if result.returncode == 0 else "FAILED (see above)"
    print(f"dependency audit of {packages} locked packages against OSV: {verdict}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
