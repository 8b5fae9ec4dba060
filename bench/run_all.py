"""`make bench`: run every benchmark in bench/ in turn; each prints its own figures."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"run_all.py", "loadtest.py", "__init__.py",
        "cluster_checks.py"}  # the checks cluster.py runs, not a benchmark of its own

failed = []
for script in sorted(p for p in HERE.glob("*.py") if p.name not in SKIP and not p.name.startswith("_")):
    print(f"\n=== {script.name} ===", flush=True)
    if subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0:
        failed.append(script.name)
if failed:
    print(f"\nBenchmarks that failed: {', '.join(failed)}")
    sys.exit(1)
