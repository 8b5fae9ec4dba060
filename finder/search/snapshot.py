"""The directory as one worker holds it for searching: the active listings in flat arrays.

A snapshot is built from one read of the active listings and never changed afterwards; a newer
one replaces it whole, so a search reads one generation from start to end. Coordinates are kept
sorted by latitude (a box is a slice), filters as bitmasks and small category codes. Listing
details are read by id when a search first shows them, checked against the version the
snapshot holds (a mismatch means the directory moved on: the caller rebuilds), and remembered
for the snapshot's life; so is what other modules work out from them (`derived`, e.g. the
FHIR resources as text), which is therefore dropped with the generation it was made from.
"""
import json
from array import array
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import String, cast, select
from sqlalchemy.engine import Connection

from finder.directory.models import Center, sees_children
from finder.geocoding.points import spherical_km
from finder.search import ranking
from finder.search.geodesy import geodesic_km_many
from finder.search.ranking import Candidate, Criteria, bounding_box
from finder.vocabulary import DRUG_CLASSES, ROUTES

BATCH_ROWS = 2000  # rows fetched at a time while building
DETAILS_KEPT = 1024  # listings remembered per snapshot; past that the memory starts again
_DRUG_BITS = {code: 1 << i for i, code in enumerate(DRUG_CLASSES)}
_ROUTE_BITS = {code: 1 << i for i, code in enumerate(ROUTES)}
_ACCEPTING = ("no", "yes")  # a Candidate's accepting_referrals, from the snapshot's flag
_COLUMNS = (Center.id, Center.version, Center.name, Center.lat, Center.lon,
            cast(Center.drug_classes, String), cast(Center.routes, String),
            Center.age_min_years, Center.age_max_years, Center.cost,
            cast(Center.languages, String), Center.telehealth_preassessment,
            Center.accepting_referrals)


class StaleSnapshot(Exception):
    """A listing's stored version differs from the snapshot's: the directory has moved on."""


def _bits(codes_json: str | None, bits: dict) -> int:
    return sum(bits.get(code, 0) for code in set(json.loads(codes_json or "[]")))


@dataclass(eq=False)
class DirectorySnapshot:
    generation: int
    ids: np.ndarray
    versions: np.ndarray
    names: list
    lat: np.ndarray  # ascending
    lon: np.ndarray
    drugs: np.ndarray
    routes: np.ndarray
    children: np.ndarray
    ages: tuple  # (distinct (min, max) pairs, row index)
    costs: tuple  # (distinct costs, row index)
    languages: dict  # lower-case tag -> row positions
    telehealth: np.ndarray
    accepting: np.ndarray
    paused: np.ndarray  # referrals paused or closed (listed after the others)
    first_area_km2: float
    details: dict = field(default_factory=dict)
    derived: dict = field(default_factory=dict)  # name -> what a module keeps per generation

    @property
    def size(self) -> int:
        return len(self.ids)

    def pairs(self, positions: np.ndarray, km: np.ndarray) -> list:
        """(spherical km, Candidate) for each position, in the order given."""
        names = self.names
        rows = map(Candidate._make, zip(
            self.ids[positions].tolist(), [names[p] for p in positions.tolist()],
            self.lat[positions].tolist(), self.lon[positions].tolist(),
            self.telehealth[positions].tolist(),
            [_ACCEPTING[a] for a in self.accepting[positions].tolist()], strict=True))
        return list(zip(km.tolist(), rows, strict=True))

    def _in_box(self, box) -> tuple[int, int, np.ndarray]:
        """(start, stop, keep): rows start:stop lie in the box's latitudes, keep marks those
        in its longitudes too."""
        if box is None:
            return 0, self.size, np.ones(self.size, dtype=bool)
        start = int(np.searchsorted(self.lat, box[0], "left"))
        stop = int(np.searchsorted(self.lat, box[1], "right"))
        lons = self.lon[start:stop]
        (west, east), *more = box[2]
        keep = (lons >= west) & (lons <= east)
        for west, east in more:  # across the antimeridian
            keep |= (lons >= west) & (lons <= east)
        return start, stop, keep

    def _fitting(self, box, criteria: Criteria, lat: float, lon: float):
        """Positions in the box fitting `criteria`, and their spherical km, nearest first."""
        start, stop, keep = self._in_box(box)
        if criteria.drug_class:
            keep &= (self.drugs[start:stop] & _DRUG_BITS.get(criteria.drug_class, 0)) != 0
        if criteria.route:
            keep &= (self.routes[start:stop] & _ROUTE_BITS.get(criteria.route, 0)) != 0
        if criteria.child:
            keep &= self.children[start:stop]
        if criteria.age is not None:
            keep &= self._seeing(criteria.age)[self.ages[1][start:stop]]
        if criteria.cost == "public":
            costs, index = self.costs
            keep &= np.array([ranking.offers_public(c) for c in costs], bool)[index[start:stop]]
        if criteria.language:
            speaking = np.zeros(self.size, dtype=bool)
            for tag, rows in self.languages.items():
                if ranking.speaks((tag,), criteria.language):
                    speaking[rows] = True
            keep &= speaking[start:stop]
        if criteria.telehealth:
            keep &= self.telehealth[start:stop]
        positions = np.nonzero(keep)[0] + start
        km = spherical_km(lat, lon, self.lat[positions], self.lon[positions])
        order = np.argsort(km, kind="stable")
        return positions[order], km[order]

    def search(self, lat: float, lon: float, *, criteria: Criteria, limit: int,
               accepting: bool | None, regional: bool, radius: float | None) -> tuple[list, int]:
        """(ranked (geodesic km, Candidate), left out not accepting): ranking's rules over
        the snapshot, growing the box as the SQL path does."""
        start = ranking.first_box_km(self.size, self.first_area_km2, limit)
        km = min(start, radius * ranking.SLACK) if radius is not None else start
        while True:
            box = bounding_box(lat, lon, km)
            positions, dist = self._fitting(box, criteria, lat, lon)
            shown = self.accepting[positions] if accepting else np.ones(len(positions), bool)
            if radius is not None:
                shown &= dist <= radius * ranking.SLACK
            needed = ranking.needed_km(dist[shown][:limit].tolist(), limit, regional, radius)
            if box is None or needed <= km:
                listed = shown & (dist <= needed)
                pairs = self.pairs(positions[listed], dist[listed])
                refusing = None
                if accepting:
                    def refusing(farthest, out=~self.accepting[positions], positions=positions, dist=dist):
                        if farthest is not None:  # rows beyond cannot count: never built
                            out = out & (dist / ranking.SLACK <= farthest)
                        return self.pairs(positions[out], dist[out])
                return ranking.rank((lat, lon), pairs, refusing, limit, regional, radius)
            km = ranking.next_box_km(km, needed, int(shown.sum()), limit)

    def _seeing(self, age: int) -> np.ndarray:
        """For each distinct (min, max) age pair, whether it covers `age` (worked out once
        per age)."""
        seeing = self.derived.setdefault("snapshot.ages", {})
        if age not in seeing:
            seeing[age] = np.array([ranking.ages_cover(lo, hi, age) for lo, hi in self.ages[0]],
                                   bool)
        return seeing[age]

    def within(self, lat: float, lon: float, km: float) -> tuple[list[int], list[float]]:
        """(ids, geodesic km) of every listing no farther than `km`, nearest first, ties by
        name then id, paused referrals last among similar distances: what find_centers lists
        within a radius when its limit is the whole directory, without building the rows."""
        start, _, keep = self._in_box(bounding_box(lat, lon, km * ranking.SLACK))
        positions = np.flatnonzero(keep) + start
        spherical = spherical_km(lat, lon, self.lat[positions], self.lon[positions])
        near = spherical <= km * ranking.SLACK
        if not near.any():  # most places in a small directory: no need to measure
            return [], []
        positions, spherical = positions[near], spherical[near]
        # every row at once: the same formula as ranking's one pair at a time (equal to 0.01 mm)
        geodesic = geodesic_km_many(lat, lon, self.lat[positions], self.lon[positions])
        # ranking.Geodesic.within, for every row at once
        keep = ((spherical * ranking.SLACK <= km)
                | ((spherical / ranking.SLACK <= km) & (geodesic <= km)))
        positions, geodesic = positions[keep].tolist(), geodesic[keep].tolist()
        names, ids = self.names, self.ids[positions].tolist()
        order = sorted(range(len(ids)), key=lambda i: (geodesic[i], names[positions[i]], ids[i]))
        paused = self.paused[positions].tolist()
        order = [order[i] for i in ranking.paused_last([geodesic[i] for i in order],
                                                       [paused[i] for i in order])]
        return [ids[i] for i in order], [geodesic[i] for i in order]

    def centers(self, session, ids: list[int]) -> dict[int, Center]:
        """The listings by id, as this snapshot knows them (read once, then remembered).
        Raises StaleSnapshot when the database holds another version of one of them."""
        details = self.details  # another search may start a new memory meanwhile
        missing = [i for i in ids if i not in details]
        found = {}
        if missing:
            wanted = dict(zip(missing, self.versions[self.positions(missing)].tolist(), strict=True))
            rows = session.execute(select(Center.__table__).where(Center.id.in_(missing))).all()
            found = {row.id: row for row in rows}
            if any(i not in found or found[i].version != wanted[i] or found[i].status != "active"
                   for i in missing):
                raise StaleSnapshot
        known = {i: details[i] for i in ids if i in details}
        # plain, session-free objects, shared by searches and never written; built without
        # validation (the row is the table's own), which costs a tenth of Center(**row)
        known.update((i, Center.model_construct(**found[i]._mapping)) for i in missing)
        if missing and len(missing) <= DETAILS_KEPT:
            if len(details) + len(missing) > DETAILS_KEPT:
                details = self.details = {}
            details.update((i, known[i]) for i in missing)
        return known

    def positions(self, center_ids: list[int]) -> np.ndarray:
        """Where listings are in the arrays; an id not in the snapshot raises StaleSnapshot."""
        if not hasattr(self, "_by_id"):
            self._by_id = np.argsort(self.ids, kind="stable")
        wanted = np.array(center_ids, dtype=np.int64)
        found = np.searchsorted(self.ids, wanted, sorter=self._by_id)
        found = self._by_id[np.minimum(found, max(self.size - 1, 0))] if self.size else found
        if not self.size or not np.array_equal(self.ids[found], wanted):
            raise StaleSnapshot
        return found


class _Codes:
    """Small integer codes for repeated values, with a rule worked out once per value."""

    def __init__(self, rule=None):
        self.rule, self.values, self.index, self.codes = rule, [], {}, array("i")

    def add(self, value) -> None:
        code = self.index.get(value)
        if code is None:
            code = self.index[value] = len(self.values)
            self.values.append(value)
        self.codes.append(code)

    def ruled(self, dtype, rule=None) -> np.ndarray:
        """rule(value) for every row added (the codes' own rule unless another is given)."""
        rule = rule or self.rule
        table = np.array([rule(v) for v in self.values] or [0], dtype=dtype)
        return table[np.frombuffer(self.codes, dtype=np.int32)] if self.codes else table[:0]

    def categories(self) -> tuple[list, np.ndarray]:
        return self.values, np.frombuffer(self.codes, dtype=np.int32).copy()


def build_snapshot(connection: Connection, generation: int) -> DirectorySnapshot:
    """Every active listing read in one statement, at `generation` (read just before).
    Rows come straight from the driver's cursor, a batch at a time, and are kept only in
    compact form: at 100,000 listings, whole rows would cost more memory and time than
    everything else together."""
    query = select(*_COLUMNS).where(Center.status == "active").order_by(Center.lat, Center.id)
    compiled = query.compile(connection, compile_kwargs={"render_postcompile": True})
    params = (tuple(compiled.params[name] for name in compiled.positiontup)
              if compiled.positional else compiled.params)
    ids, versions, lats, lons = array("q"), array("q"), array("d"), array("d")
    names, telehealth, spoken = [], array("b"), {}
    drugs = _Codes(lambda text: _bits(text, _DRUG_BITS))
    routes = _Codes(lambda text: _bits(text, _ROUTE_BITS))
    children, ages, costs = _Codes(sees_children), _Codes(), _Codes()
    accepting = _Codes(lambda value: value == "yes")
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        while batch := cursor.fetchmany(BATCH_ROWS):
            for (center_id, version, name, lat, lon, drug_text, route_text, age_min, age_max,
                 cost, languages, offers_telehealth, accepts) in batch:
                if languages and languages != "[]":
                    for tag in set(json.loads(languages)):
                        spoken.setdefault(tag.lower(), []).append(len(ids))
                ids.append(center_id)
                versions.append(version)
                names.append(name)
                lats.append(lat)
                lons.append(lon)
                drugs.add(drug_text)
                routes.add(route_text)
                children.add(age_min)
                ages.add((age_min, age_max))
                costs.add(cost)
                telehealth.append(bool(offers_telehealth))
                accepting.add(accepts)
    finally:
        cursor.close()
    lat, lon = np.frombuffer(lats, dtype=np.float64).copy(), np.frombuffer(lons, dtype=np.float64).copy()
    area = ranking.covered_area_km2(lat.min(), lat.max(), lon.min(), lon.max()) if len(ids) else 0.0
    return DirectorySnapshot(
        generation=generation,
        ids=np.frombuffer(ids, dtype=np.int64).copy(),
        versions=np.frombuffer(versions, dtype=np.int64).copy(),
        names=names, lat=lat, lon=lon,
        drugs=drugs.ruled(np.int32), routes=routes.ruled(np.int32),
        children=children.ruled(bool), ages=ages.categories(), costs=costs.categories(),
        languages={tag: np.array(rows, dtype=np.int64) for tag, rows in spoken.items()},
        telehealth=np.frombuffer(telehealth, dtype=np.int8).astype(bool),
        accepting=accepting.ruled(bool),
        paused=accepting.ruled(bool, lambda value: value in ranking.NOT_TAKING_REFERRALS),
        first_area_km2=area)
