"""Every gazetteer place as a point, in flat arrays sorted by latitude: what "which place is
nearest to these coordinates?" needs (its country and region, the remoteness of the nearest
Australian locality), answered in memory by a slice and a mask instead of an R-tree read of
whole rows per search. Stored in the gazetteer file as one blob per column (5 MB for 250,000
places), so a worker loads it in milliseconds.
"""
import json
import math
from typing import NamedTuple

import numpy as np

from finder.geocoding.place import EARTH_KM

# column name -> little-endian dtype, as written into the gazetteer's place_point table
COLUMNS = {"id": "<i4", "lat": "<f8", "lon": "<f8", "au_locality": "?", "area": "<u2",
           "remoteness": "i1"}
NO_REMOTENESS = 0  # Modified Monash classes are 1-7
KM_PER_DEGREE_LAT = 110.5  # a degree of latitude is never shorter (WGS-84: 110.57 km)


def spherical_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle km from one point to many (the haversine formula, as
    finder.geocoding.place.haversine_km computes it for one pair)."""
    p1, p2 = np.radians(lat), np.radians(lats)
    a = (np.sin((p2 - p1) / 2) ** 2
         + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lons - lon) / 2) ** 2)
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))


class PlacePoints(NamedTuple):
    id: np.ndarray
    lat: np.ndarray  # ascending (ties by id)
    lon: np.ndarray
    au_locality: np.ndarray  # an Australian locality (it carries a remoteness class)
    area: np.ndarray  # index into areas
    remoteness: np.ndarray  # Modified Monash class, NO_REMOTENESS when unknown
    areas: list  # distinct (country, region or None)

    @classmethod
    def of(cls, places: list[dict]) -> "PlacePoints":
        """Sorted by latitude, then id (1 for the first place, as the gazetteer numbers them)."""
        areas = list(dict.fromkeys((p["country"], p["region"]) for p in places))
        area_of = {a: i for i, a in enumerate(areas)}
        ids = np.arange(1, len(places) + 1, dtype=np.int64)
        lats = np.array([p["lat"] for p in places], np.float64)
        order = np.lexsort((ids, lats))

        def column(values, dtype):
            return np.array(values, dtype)[order]
        return cls(ids[order], lats[order], column([p["lon"] for p in places], np.float64),
                   column([p["country"] == "AU" and p["kind"] == "locality" for p in places], bool),
                   column([area_of[(p["country"], p["region"])] for p in places], np.uint16),
                   column([p["remoteness"] or NO_REMOTENESS for p in places], np.int8), areas)

    def blobs(self) -> list[tuple[str, bytes]]:
        """(column, bytes) rows for the place_point table."""
        return [*((name, np.ascontiguousarray(getattr(self, name), dtype).tobytes())
                  for name, dtype in COLUMNS.items()),
                ("areas", json.dumps(self.areas).encode())]

    @classmethod
    def from_blobs(cls, rows) -> "PlacePoints":
        data = dict(rows)
        return cls(*(np.frombuffer(data[name], dtype) for name, dtype in COLUMNS.items()),
                   [tuple(area) for area in json.loads(data["areas"])])

    def near(self, lat: float, lon: float, max_km: float) -> tuple[np.ndarray, np.ndarray]:
        """(positions, km) of the places no farther than max_km, nearest first, ties by id."""
        dlat = max_km / KM_PER_DEGREE_LAT
        start = int(np.searchsorted(self.lat, lat - dlat, "left"))
        stop = int(np.searchsorted(self.lat, lat + dlat, "right"))
        cos_lat = math.cos(math.radians(min(90.0, abs(lat) + dlat)))
        dlon = min(180.0, dlat / cos_lat) if cos_lat > 0 else 180.0  # at a pole: every one
        lons = self.lon[start:stop]
        if -180.0 <= lon - dlon and lon + dlon <= 180.0:
            in_box = (lons >= lon - dlon) & (lons <= lon + dlon)
        else:  # across the antimeridian (or every longitude)
            in_box = np.abs((lons - lon + 180.0) % 360.0 - 180.0) <= dlon
        positions = np.flatnonzero(in_box) + start
        km = spherical_km(lat, lon, self.lat[positions], self.lon[positions])
        inside = km <= max_km
        positions, km = positions[inside], km[inside]
        order = np.lexsort((self.id[positions], km))
        return positions[order], km[order]

    def area_of(self, position) -> tuple[str, str | None]:
        """(country, region) of the place at `position`."""
        return self.areas[int(self.area[position])]

    def remoteness_of(self, position) -> int | None:
        return int(self.remoteness[position]) or None
