"""A geocoded location, as every layer passes it around, and the distance between two."""
import math
from dataclasses import dataclass, fields

EARTH_KM = 6371.009  # mean radius, as geopy's great_circle


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle km: cheap, within 0.5% of the geodesic in Australia; for choosing and
    prefiltering, while shown distances are geodesic."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, a)))

# Modified Monash Model 2019 classes (Australian Government Department of Health), as carried
# by the bundled postcode data.
MONASH_LABELS = {
    1: "MM1 metropolitan",
    2: "MM2 regional centre",
    3: "MM3 large rural town",
    4: "MM4 medium rural town",
    5: "MM5 small rural town",
    6: "MM6 remote",
    7: "MM7 very remote",
}


@dataclass(frozen=True)
class Place:
    label: str            # what we show: "Toowoomba QLD 4350"
    lat: float
    lon: float
    country: str          # ISO 3166-1 alpha-2, e.g. "AU"
    region: str | None = None     # state code for AU ("QLD"), admin1 elsewhere
    postcode: str | None = None
    kind: str = "locality"        # postcode | locality | address | coordinates | city
    remoteness: int | None = None  # Modified Monash class 1-7 (AU only)
    source: str = "gazetteer"     # gazetteer | nominatim | browser | coordinates

    @property
    def remoteness_label(self) -> str | None:
        return MONASH_LABELS.get(self.remoteness) if self.remoteness else None

    @property
    def is_regional(self) -> bool:
        """MM3–MM7: where travel help and telehealth matter most."""
        return self.remoteness is not None and self.remoteness >= 3

    def to_dict(self) -> dict:
        """Every field (all plain values: no deep copy needed, which asdict would make)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["remoteness"] = (
            {"class": self.remoteness, "label": self.remoteness_label} if self.remoteness else None
        )
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Place":
        """The inverse of to_dict (e.g. for a cached payload); unknown keys are ignored."""
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        if isinstance(fields.get("remoteness"), dict):
            fields["remoteness"] = fields["remoteness"].get("class")
        return cls(**fields)
