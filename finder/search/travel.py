"""State patient travel schemes: which one applies, and whether a trip likely qualifies.

The wording follows the rules every state scheme shares (PTSS/IPTAAS/PATS/PAX/TTPAS/SAPTAS): the
distance that counts is by road to the nearest suitable service, not the center a patient
picks; we only ever say "may be eligible"; we never quote rates. A straight line is shorter
than the road, so beyond the threshold in a straight line is "likely"; within it, the patient
may still qualify if the road trip is longer.
"""
import csv
from dataclasses import dataclass
from functools import cache

from finder.config import PROJECT_ROOT

SCHEMES_CSV = PROJECT_ROOT / "data" / "travel_schemes.csv"
COVERAGE = ("Specialist treatment such as this may be covered: ask your GP or the center's "
            "social worker.")


@dataclass(frozen=True)
class Scheme:
    state: str
    abbreviation: str
    name: str
    threshold_km: int | None   # None: no distance rule (ACT: interstate treatment only)
    inclusive: bool            # "100 km or more" (True) or "more than 100 km" (False)
    conditions: str
    url: str
    checked_on: str

    def exceeded_by(self, km: float) -> bool:
        return km >= self.threshold_km if self.inclusive else km > self.threshold_km


@cache
def schemes() -> dict[str, Scheme]:
    with SCHEMES_CSV.open(newline="", encoding="utf-8") as handle:
        return {
            row["state"]: Scheme(
                state=row["state"], abbreviation=row["scheme"], name=row["name"],
                threshold_km=int(row["threshold_km"]) if row["threshold_km"] else None,
                inclusive=row["threshold_inclusive"] == "true", conditions=row["conditions"],
                url=row["url"], checked_on=row["checked_on"])
            for row in csv.DictReader(handle)
        }


# Modified Monash classes 3-7 in words (Department of Health, Modified Monash Model 2019).
REMOTENESS_WORDS = {3: "a large rural town", 4: "a medium rural town", 5: "a small rural town",
                    6: "a remote community", 7: "a very remote community"}


def worth_showing(place, assistance: dict | None) -> bool:
    """Pages and letters show travel help to regional patients (MM3-MM7), and to anyone whose
    trip likely qualifies; the API always returns it for an Australian origin."""
    return bool(assistance) and (place.is_regional or assistance["likely"])


def travel_assistance(place, matches) -> dict | None:
    """The home state's scheme for a trip to the nearest suitable center; None outside Australia.

    `matches` are search matches sorted by distance (each with `.center` and `.distance_km`).
    """
    if place is None or place.country != "AU" or not place.region:
        return None
    scheme = schemes().get(place.region.upper())
    if scheme is None:
        return None
    nearest = matches[0] if matches else None
    likely, message = _judge(scheme, nearest)
    return {"scheme": scheme.abbreviation, "name": scheme.name, "state": scheme.state,
            "threshold_km": scheme.threshold_km, "likely": likely,
            "message": f"{message} {scheme.conditions} {COVERAGE}",
            "url": scheme.url, "checked_on": scheme.checked_on}


def _judge(scheme: Scheme, nearest) -> tuple[bool, str]:
    title = f"{scheme.name} ({scheme.abbreviation})"
    if nearest is None:
        return False, (f"We found no suitable center to measure the trip to. {title} helps with "
                       "travel to the nearest suitable specialist service.")
    km = round(nearest.distance_km)
    if scheme.threshold_km is None:  # ACT: interstate treatment not available locally
        interstate = (nearest.center.region or "").upper() != scheme.state
        if interstate:
            return True, (f"The nearest suitable center is interstate, {km} km away: you may be "
                          f"eligible for {title}.")
        return False, (f"The nearest suitable center is in the ACT; {title} helps only when the "
                       "treatment is not available in the ACT.")
    if scheme.exceeded_by(nearest.distance_km):
        return True, (f"The nearest suitable center is {km} km away in a straight line, beyond "
                      f"the {scheme.threshold_km} km of {title}: you may be eligible.")
    return False, (f"The nearest suitable center is {km} km away in a straight line. You may "
                   f"still be eligible for {title} if the trip by road is over "
                   f"{scheme.threshold_km} km.")
