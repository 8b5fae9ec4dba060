"""Gazetteer figures: build time, cold open, RSS, look-up and autocomplete latency.

    python bench/geocoding.py [--queries 10000] [--index path]   (builds into a temp dir by default)

Targets on the 2-core reference machine: build < 60 s, open < 0.5 s, RSS < 150 MB,
exact p99 < 1 ms, fuzzy p99 < 20 ms, autocomplete p99 < 5 ms.
"""
import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from finder.geocoding.gazetteer import build_gazetteer, open_gazetteer  # noqa: E402

OPEN_AND_MEASURE = """
import sys, time
from finder.geocoding.gazetteer import open_gazetteer
started = time.perf_counter()
g = open_gazetteer(sys.argv[1])
opened = time.perf_counter() - started
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
after_open = rss()
g.search("Toowomba"); g.search("Richmond"); g.suggest("mou")
print(opened, after_open, rss())
"""


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1000:7.3f} ms   p99 {p99 * 1000:7.3f} ms"


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1:]  # a letter dropped
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # two letters swapped


def sample_queries(path: Path, count: int, rng: random.Random) -> dict[str, list[str]]:
    db = sqlite3.connect(path)
    localities = db.execute(
        "SELECT label, region, postcode FROM place WHERE kind = 'locality'").fetchall()
    postcodes = [r[0] for r in db.execute("SELECT code FROM postcode")]
    towns = [(label.removesuffix(f" {region} {pc}"), region, pc)
             for label, region, pc in localities]
    long_names = [t for t in towns if len(t[0]) >= 7]

    def pick(items):
        return [rng.choice(items) for _ in range(count)]

    return {
        "exact": [f"{t} {r}" if rng.random() < 0.5 else t for t, r, _ in pick(towns)],
        "postcode": pick(postcodes),
        "address": [f"{rng.randint(1, 300)} Main St, {t} {r} {pc}" for t, r, pc in pick(towns)],
        "fuzzy": [typo(t, rng) for t, _, _ in pick(long_names)],
        "autocomplete": [t[: rng.randint(2, 6)] for t, _, _ in pick(towns)],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--index", type=Path, help="use this built index instead of building")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.index
        if path is None:
            path = Path(tmp) / "gazetteer.sqlite"
            started = time.perf_counter()
            counts = build_gazetteer(path)
            print(f"build          {time.perf_counter() - started:7.2f} s   "
                  f"{counts['places']:,} places, {counts['names']:,} names, "
                  f"{path.stat().st_size / 1e6:.0f} MB on disk")
        fresh = subprocess.run([sys.executable, "-c", OPEN_AND_MEASURE, str(path)],
                               capture_output=True, text=True, check=True,
                               cwd=Path(__file__).resolve().parents[1])
        opened, rss_open, rss_used = map(float, fresh.stdout.split())
        print(f"cold open      {opened * 1000:7.2f} ms")
        print(f"RSS            {rss_open:7.1f} MB after open (fresh process, incl. Python and "
              f"imports), {rss_used:.1f} MB after first look-ups")
        gazetteer = open_gazetteer(path)
        queries = sample_queries(path, args.queries, random.Random(7))
        for kind, batch in queries.items():
            call = gazetteer.suggest if kind == "autocomplete" else gazetteer.search
            call(batch[0])  # warm: fuzzy loads its name list once
            samples, found = [], 0
            for query in batch:
                started = time.perf_counter()
                answer = call(query)
                samples.append(time.perf_counter() - started)
                found += bool(answer if kind == "autocomplete" else answer.match)
            print(f"{kind:14} {percentiles(samples)}   answered {found / len(batch):.1%}")


if __name__ == "__main__":
    main()
