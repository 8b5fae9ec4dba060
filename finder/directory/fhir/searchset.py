"""A page of search results as a FHIR searchset Bundle, written as JSON text: matches, includes,
paging links and an OperationOutcome entry naming any parameter the server ignored.

Each resource's text is written once per listing version, day and FHIR base (everything it is
made of) and kept with the page's snapshot generation (`SearchPage.remembered`), so a search
only writes its own parts: full URLs, search modes, distances, links and the total.
"""
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, date, datetime

from finder.directory.fhir.resources import healthcare_service, location, organization
from finder.directory.fhir.search import SearchPage
from finder.fhir import UCUM, fhir_base, new_full_url

# FHIR core extension for a near search's distance on Bundle.entry.search.
LOCATION_DISTANCE = "http://hl7.org/fhir/StructureDefinition/location-distance"
INCLUDED = {"HealthcareService:location": "Location",
            "HealthcareService:organization": "Organization"}
TEXTS_KEPT = 2048  # resource texts kept per generation; the least recently served go first
TEXTS = "fhir.resource_texts"  # their name among what a snapshot keeps


def dumps(body) -> str:
    """FHIR JSON as this server writes it: compact, UTF-8 characters as they are."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


class ResourceTexts:
    """Resources as JSON text, only those served, at most `kept` (least recently used go)."""

    def __init__(self, kept: int = TEXTS_KEPT):
        self.kept, self._texts, self._lock = kept, OrderedDict(), threading.Lock()

    def __len__(self) -> int:
        return len(self._texts)

    def text(self, key, write: Callable[[], str]) -> str:
        with self._lock:
            text = self._texts.get(key)
            if text is not None:
                self._texts.move_to_end(key)
                return text
        text = write()
        with self._lock:
            self._texts[key] = text
            if len(self._texts) > self.kept:
                self._texts.popitem(last=False)
        return text


def _texts(remembered: dict) -> ResourceTexts:
    texts = remembered.get(TEXTS)
    return texts if texts is not None else remembered.setdefault(TEXTS, ResourceTexts())


def _resource(kind: str, center, today: date, stale_months: int) -> dict:
    if kind == "Organization":
        return organization(center)
    build = healthcare_service if kind == "HealthcareService" else location
    return build(center, today=today, stale_months=stale_months)


def _entry(full_url: str, resource_text: str, search: dict) -> str:
    return f'{{"fullUrl":{dumps(full_url)},"resource":{resource_text},"search":{dumps(search)}}}'


def _search(mode: str, distance_km: float | None = None) -> dict:
    search = {"mode": mode}
    if distance_km is not None:
        search["extension"] = [{"url": LOCATION_DISTANCE, "valueDistance": {
            "value": round(distance_km, 3), "unit": "km", "system": UCUM, "code": "km"}}]
    return search


def searchset_text(page: SearchPage, resource_type: str, *, base_url: str,
                   link_for: Callable[[int], str], today: date | None = None,
                   stale_months: int = 12) -> str:
    """The Bundle for one page as JSON text; `link_for(offset)` gives the URL of the page at
    that offset."""
    today = today or datetime.now(UTC).date()
    texts = None if page.remembered is None else _texts(page.remembered)
    our_base = fhir_base()  # our code systems' and extensions' base, inside every resource

    def entry(kind, center, search):
        def write():
            return dumps(_resource(kind, center, today, stale_months))

        key = (kind, center.id, center.version, center.updated_at, today, stale_months, our_base)
        text = write() if texts is None else texts.text(key, write)
        return _entry(f"{base_url}/{kind}/{center.id}", text, search)

    entries = [entry(resource_type, c, _search("match", page.distances.get(c.id)))
               for c in page.centers]
    for include in page.includes:
        entries += [entry(INCLUDED[include], c, _search("include")) for c in page.centers]
    if page.ignored:
        entries.append(dumps({"fullUrl": new_full_url(), "resource": ignored_outcome(page.ignored),
                              "search": {"mode": "outcome"}}))
    return (f'{{"resourceType":"Bundle","type":"searchset","total":{page.total},'
            f'"link":{dumps(_links(page, link_for))},"entry":[{",".join(entries)}]}}')


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
