"""A page of search results as a FHIR searchset Bundle: matches, includes, paging links and an
OperationOutcome entry naming any parameter the server ignored."""
from collections.abc import Callable
from datetime import date

from finder.directory.fhir.resources import healthcare_service, location, organization
from finder.directory.fhir.search import SearchPage
from finder.fhir import UCUM, new_full_url

# FHIR core extension for a near search's distance on Bundle.entry.search.
LOCATION_DISTANCE = "http://hl7.org/fhir/StructureDefinition/location-distance"
INCLUDED = {"HealthcareService:location": location,
            "HealthcareService:organization": organization}


def _entry(resource: dict, base_url: str, mode: str, distance_km: float | None = None) -> dict:
    search = {"mode": mode}
    if distance_km is not None:
        search["extension"] = [{"url": LOCATION_DISTANCE, "valueDistance": {
            "value": round(distance_km, 3), "unit": "km", "system": UCUM, "code": "km"}}]
    return {"fullUrl": f"{base_url}/{resource['resourceType']}/{resource['id']}",
            "resource": resource, "search": search}


def searchset_bundle(page: SearchPage, resource_type: str, *, base_url: str,
                     link_for: Callable[[int], str], today: date | None = None,
                     stale_months: int = 12) -> dict:
    """The Bundle for one page; `link_for(offset)` gives the URL of the page at that offset."""
    def build(center):
        if resource_type == "HealthcareService":
            return healthcare_service(center, today=today, stale_months=stale_months)
        return location(center, today=today, stale_months=stale_months)

    entries = [_entry(build(c), base_url, "match", page.distances.get(c.id)) for c in page.centers]
    for include in page.includes:
        entries += [_entry(INCLUDED[include](c), base_url, "include") for c in page.centers]
    if page.ignored:
        entries.append({"fullUrl": new_full_url(), "resource": ignored_outcome(page.ignored),
                        "search": {"mode": "outcome"}})
    return {"resourceType": "Bundle", "type": "searchset", "total": page.total,
            "link": _links(page, link_for), "entry": entries}


def _links(page: SearchPage, link_for: Callable[[int], str]) -> list[dict]:
    links = [{"relation": "self", "url": link_for(page.offset)}]
    if page.count == 0:  # the total only: there are no pages
        return links
    links.append({"relation": "first", "url": link_for(0)})
    if page.offset > 0:
        links.append({"relation": "previous", "url": link_for(max(0, page.offset - page.count))})
    if page.offset + page.count < page.total:
        links.append({"relation": "next", "url": link_for(page.offset + page.count)})
    last = max(0, (page.total - 1) // page.count * page.count)
    links.append({"relation": "last", "url": link_for(last)})
    return links


def ignored_outcome(pairs: list[str]) -> dict:
    return {"resourceType": "OperationOutcome", "issue": [{
        "severity": "warning", "code": "not-supported",
        "details": {"text": f"Ignored search parameter {pair}: this server does not support it "
                            "(see /fhir/metadata). Send Prefer: handling=strict to have such a "
                            "search rejected instead."}} for pair in pairs]}
