"""The trip from the patient's place to one center, for the center page: how far, whether a
travel scheme may help, and an OpenStreetMap directions link (built here, fetched only when
the patient follows it)."""
from dataclasses import dataclass
from urllib.parse import urlencode

from finder.geocoding.place import Place
from finder.search.nearest import Match, geodesic_km
from finder.search.travel import travel_assistance, worth_showing

OSM_DIRECTIONS = "https://www.openstreetmap.org/directions"


@dataclass(frozen=True)
class Trip:
    place: Place
    distance_km: float
    travel: dict | None
    directions_url: str


def trip_to(center, place: Place) -> Trip:
    """From `place` to `center`; travel help only where the results page would show it."""
    km = geodesic_km(place.lat, place.lon, center.lat, center.lon)
    travel = travel_assistance(place, [Match(center, km)])
    return Trip(place, km, travel if worth_showing(place, travel) else None,
                directions_url(place.lat, place.lon, center.lat, center.lon))


def directions_url(from_lat: float, from_lon: float, to_lat: float, to_lon: float) -> str:
    """OpenStreetMap's directions page for a car trip between two points."""
    route = f"{from_lat:.5f},{from_lon:.5f};{to_lat:.5f},{to_lon:.5f}"
    return f"{OSM_DIRECTIONS}?{urlencode({'engine': 'fossgis_osrm_car', 'route': route})}"
