"""The offline gazetteer: Australian postcodes and localities plus GeoNames places worldwide.

`build_gazetteer` turns the bundled inputs into one SQLite file (seconds, once);
`open_gazetteer` opens it read-only in milliseconds, holding only small lazy name lists for
fuzzy matching. Nothing here parses the big source files per request.
"""
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from finder.geocoding.gazetteer_build import SCHEMA_VERSION, build_gazetteer, input_fingerprint
from finder.geocoding.parse import (
    Attempt,
    ParsedQuery,
    name_variants,
    normalise_name,
    parse_query,
    prefix_words,
)
from finder.geocoding.place import Place
from finder.geocoding.points import PlacePoints

__all__ = ["SCHEMA_VERSION", "build_gazetteer", "gazetteer_is_current", "open_gazetteer",
           "Gazetteer", "GeocodeResult"]

FUZZY_CUTOFF = 80
# A place is taken without asking only when it is at least this many times as populous as
# every namesake in the home country (Perth WA over Perth TAS); otherwise the page asks.
DOMINANT_RATIO = 10
MAX_CHOICES = 8
NOT_FOUND_HINT = "No place matched: try a postcode or a nearby town."
_PLACE_COLUMNS = "id, label, country, region, postcode, lat, lon, population, remoteness, kind"
_JOINED_PLACE_COLUMNS = ", ".join(f"p.{column}" for column in _PLACE_COLUMNS.split(", "))
# The only text put into SQL is the column list above; every value is a ? parameter.
_SELECT_PLACES = f"SELECT {_PLACE_COLUMNS} FROM place"  # noqa: S608
_SELECT_NAMED = (f"SELECT n.alternate, {_JOINED_PLACE_COLUMNS} FROM name n "  # noqa: S608
                 "JOIN place p ON p.id = n.place_id WHERE n.norm = ? ORDER BY p.id LIMIT 200")


@dataclass
class GeocodeResult:
    query: str
    match: Place | None
    candidates: list[Place] = field(default_factory=list)
    fuzzy: bool = False
    message: str | None = None
    ambiguous: bool = False  # several home places of comparable size: ask which one

    @property
    def choices(self) -> list[Place]:
        """The match and its candidates, in the order a "which one?" question offers them."""
        return ([self.match] if self.match else []) + list(self.candidates)

    def to_dict(self) -> dict:
        return {"query": self.query, "match": self.match.to_dict() if self.match else None,
                "candidates": [c.to_dict() for c in self.candidates],
                "fuzzy": self.fuzzy, "message": self.message, "ambiguous": self.ambiguous}


def gazetteer_is_current(path) -> bool:
    """True when the file exists and was built from today's inputs and schema."""
    try:
        with _connect(path) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    except sqlite3.Error:
        return False
    return bool(row) and row[0] == input_fingerprint()


def open_gazetteer(path, default_country: str = "AU") -> "Gazetteer":
    """A read-only Gazetteer; sqlite3.Error if the file is missing or not a gazetteer."""
    return Gazetteer(path, default_country)


def _connect(path) -> sqlite3.Connection:
    if not Path(path).is_file():
        raise sqlite3.OperationalError(f"no gazetteer at {path}")
    return sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True,
                           check_same_thread=False)


class Gazetteer:
    """Look-ups over a built gazetteer file; safe to share between threads."""

    def __init__(self, path, default_country: str = "AU"):
        self.path = Path(path)
        self.default_country = default_country.upper()
        self._local = threading.local()
        self._names_by_country: dict[str, list[str]] = {}
        self._points: PlacePoints | None = None
        self._db().execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = _connect(self.path)
        return db

    # --- public look-ups -------------------------------------------------------------------
    def search(self, text: str) -> GeocodeResult:
        """Best match and up to 5 candidates; GeocodeInputError for unusable text."""
        return self.resolve(text, parse_query(text))

    def resolve(self, query: str, parsed: ParsedQuery) -> GeocodeResult:
        if parsed.kind == "coordinates":
            return GeocodeResult(query, self.at(parsed.lat, parsed.lon))
        for attempt in parsed.attempts:
            rows = self._exact(attempt, parsed.postcode)
            if rows:
                return (self._prefer_home_typo(query, attempt, rows)
                        or self._ask_when_ambiguous(query, attempt, parsed, rows)
                        or self._result(query, rows))
        if parsed.postcode:
            in_postcode = self._postcode_result(query, parsed)
            if in_postcode:
                return in_postcode
        for attempt in parsed.attempts[:2]:
            scored = self._fuzzy(attempt)
            if scored:
                return self._result(query, scored, fuzzy=True)
        return GeocodeResult(query, None, [], False, NOT_FOUND_HINT)

    def postcode(self, code: str) -> Place | None:
        row = self._db().execute(
            "SELECT label, region, lat, lon, remoteness FROM postcode WHERE code = ?", (code,)
        ).fetchone()
        if not row:
            return None
        label, region, lat, lon, remoteness = row
        return Place(label, lat, lon, "AU", region, code, "postcode", remoteness)

    def at(self, lat: float, lon: float) -> Place:
        """A coordinates Place, with country/region of the nearest place within 50 km and
        the remoteness of the nearest Australian locality within 25 km."""
        points = self.points()
        positions, km = points.near(lat, lon, 50.0)
        country, region = points.area_of(positions[0]) if positions.size else ("", None)
        local = positions[points.au_locality[positions] & (km <= 25.0)]
        remoteness = points.remoteness_of(local[0]) if local.size else None
        return Place(f"{lat:.2f}, {lon:.2f}", lat, lon, country, region, None, "coordinates",
                     remoteness, "coordinates")

    def points(self) -> PlacePoints:
        """Every place's point (read from the file once, 4 MB)."""
        if self._points is None:
            self._points = PlacePoints.from_blobs(
                self._db().execute("SELECT name, data FROM place_point"))
        return self._points

    def suggest(self, text: str, limit: int = 8) -> list[Place]:
        """Places whose words start with what was typed, best first (home country, size)."""
        # FTS5 tokenises on punctuation: "o'connor" or "a/b" inside one quoted prefix term
        # would be a phrase query, which prefix search refuses; give it the parts instead.
        words = [part for word in prefix_words(text) for part in re.findall(r"[0-9a-z]+", word)]
        if not words or limit < 1:
            return []
        if len(words) == 1 and words[0].isdigit():
            return self._postcodes_starting(words[0], limit)
        match = " ".join(f'"{w}"*' for w in words)
        ids = self._fts_ids(f'{match} "0{self.default_country.lower()}"', limit)
        if len(ids) < limit:
            ids += [i for i in self._fts_ids(match, limit) if i not in ids]
        places = {}
        for place in map(self._by_id, ids):
            places.setdefault((_without_postcode(place), place.country), place)
        return list(places.values())[:limit]

    # --- exact and fuzzy matching ----------------------------------------------------------
    def _exact(self, attempt: Attempt, postcode: str | None = None) -> list[tuple]:
        filters = self._filters(attempt)
        if filters is None:
            return []
        rank = {}
        for norm in name_variants(attempt.name):
            for alternate, row in self._rows_named(norm, filters):
                key = (row[2] != self.default_country, alternate,
                       bool(postcode) and row[4] != postcode, row[0], 100.0, row)
                rank[row[0]] = min(key, rank.get(row[0], key))
        ranked = sorted(rank.values())
        if ranked and ranked[0][:2] == (False, False):
            # a home place under its own name: former names and places abroad are noise
            ranked = [r for r in ranked if r[:2] == (False, False)]
        return [r[-2:] for r in ranked]

    def _rows_named(self, norm: str, filters: list[tuple]) -> list[tuple[bool, tuple]]:
        """(is an alternate name, place row) for places called `norm`, biggest first."""
        rows = self._db().execute(_SELECT_NAMED, (norm,)).fetchall()
        return [(bool(r[0]), r[1:]) for r in rows
                if any(_passes(r[1:], c, reg) for c, reg in filters)]

    def _filters(self, attempt: Attempt) -> list[tuple] | None:
        """(country, region) pairs a row may satisfy; None when the qualifier means nothing."""
        if attempt.region:
            return [(None, attempt.region.upper())]
        if not attempt.qualifier:
            return [(None, None)]
        q = normalise_name(attempt.qualifier)
        row = self._db().execute(
            "SELECT country, region FROM qualifier WHERE norm = ?", (q,)).fetchone()
        if row:
            return [row]
        if len(q) == 2:
            return [(None, q.upper()), (q.upper(), None)]
        return None

    def _fuzzy(self, attempt: Attempt, cutoff: float = FUZZY_CUTOFF) -> list[tuple]:
        filters = self._filters(attempt)
        if filters is None or len(attempt.name) < 3:
            return []
        countries = {c for c, _ in filters if c} or {self._country_of(filters)}
        scored = {}
        for country in countries:
            hits = process.extract(attempt.name, self._names(country), scorer=fuzz.ratio,
                                   score_cutoff=cutoff, limit=5)
            for norm, score, _ in hits:
                for _, row in self._rows_named(norm, filters):
                    if row[2] == country:
                        scored.setdefault(row[0], (-score, row[0], row))
        return [(-score, row) for score, _, row in sorted(scored.values())]

    def _country_of(self, filters) -> str:
        region = filters[0][1]
        if region and region.lower() in {"nsw", "vic", "qld", "sa", "wa", "tas", "nt", "act"}:
            return "AU"
        return self.default_country

    def _names(self, country: str) -> list[str]:
        """Unique names of one country, loaded on first use (AU: ~17,000)."""
        if country not in self._names_by_country:
            rows = self._db().execute(
                "SELECT DISTINCT norm FROM name WHERE country = ?", (country,))
            self._names_by_country[country] = [r[0] for r in rows]
        return self._names_by_country[country]

    def _prefer_home_typo(self, query, attempt, rows) -> GeocodeResult | None:
        """A home-country typo beats an exact hit on a small village abroad."""
        top = rows[0][1]
        if attempt.region or attempt.qualifier or top[2] == self.default_country:
            return None
        if max((r[7] or 0) for _, r in rows) >= 5000:
            return None
        home = self._fuzzy(Attempt(attempt.name), cutoff=88)
        home = [(s, r) for s, r in home if r[2] == self.default_country]
        return self._result(query, home + rows, fuzzy=True) if home else None

    def _ask_when_ambiguous(self, query, attempt, parsed, rows) -> GeocodeResult | None:
        """Namesakes at home with none dominating (no state or postcode typed): every one of
        them as a choice, most populous first; None when one place can be taken."""
        if attempt.region or attempt.qualifier or parsed.postcode:
            return None
        home, seen = [], set()
        for _, row in rows:
            place = _place(row)
            key = _without_postcode(place)
            if place.country == self.default_country and key not in seen:
                seen.add(key)
                home.append((row[7] or 0, place))
        home.sort(key=lambda pair: -pair[0])
        if len(home) < 2 or home[0][0] >= max(1, DOMINANT_RATIO * home[1][0]):
            return None
        places = [place for _, place in home[:MAX_CHOICES]]
        return GeocodeResult(query, places[0], places[1:], ambiguous=True)

    def _postcode_result(self, query: str, parsed: ParsedQuery) -> GeocodeResult | None:
        place = self.postcode(parsed.postcode)
        if not place:
            return None
        rows = self._db().execute(
            _SELECT_PLACES + " WHERE postcode = ? ORDER BY id LIMIT 50",
            (parsed.postcode,)).fetchall()
        if parsed.attempts:  # "Toowomba QLD 4350": a typo among the postcode's localities
            names = {normalise_name(r[1].rsplit(" ", 2)[0]): r for r in rows}
            hit = process.extractOne(parsed.attempts[0].name, list(names), scorer=fuzz.ratio,
                                     score_cutoff=70)
            if hit:
                return self._result(query, [(hit[1], names[hit[0]])], fuzzy=True)
        others = [_place(r) for r in rows if r[1] != place.label][:5]
        return GeocodeResult(query, place, others)

    def _result(self, query: str, scored: list[tuple], fuzzy: bool = False) -> GeocodeResult:
        places, seen = [], set()
        for _, row in scored:
            place = _place(row)
            key = (_without_postcode(place), place.country)
            if key not in seen:
                seen.add(key)
                places.append(place)
        best = places[0]
        message = None
        if fuzzy:
            message = f"Showing results for {_without_postcode(best)}"
        return GeocodeResult(query, best, places[1:6], fuzzy, message)

    # --- autocomplete helpers ----------------------------------------------------------------
    def _fts_ids(self, match: str, limit: int) -> list[int]:
        rows = self._db().execute(
            "SELECT name.place_id FROM name_fts JOIN name ON name.rowid = name_fts.rowid "
            "WHERE name_fts MATCH ? ORDER BY name_fts.rowid LIMIT ?", (match, limit * 3))
        return list(dict.fromkeys(r[0] for r in rows))

    def _postcodes_starting(self, digits: str, limit: int) -> list[Place]:
        codes = self._db().execute(
            "SELECT code FROM postcode WHERE code >= ? AND code < ? ORDER BY code LIMIT ?",
            (digits, digits + "a", limit)).fetchall()
        return [self.postcode(c[0]) for c in codes]

    def _by_id(self, place_id: int) -> Place:
        return _place(self._db().execute(
            _SELECT_PLACES + " WHERE id = ?", (place_id,)).fetchone())


def _without_postcode(place: Place) -> str:
    return place.label.removesuffix(f" {place.postcode}") if place.postcode else place.label


def _passes(row: tuple, country: str | None, region: str | None) -> bool:
    return (country is None or row[2] == country) and (region is None or row[3] == region)


def _place(row: tuple) -> Place:
    _, label, country, region, postcode, lat, lon, _, remoteness, kind = row
    return Place(label, lat, lon, country, region, postcode, kind, remoteness)


