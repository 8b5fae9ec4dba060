"""A FHIR collection Bundle (as `directory_bundle` writes it) back into import rows.

Each HealthcareService with the Organization and Location it refers to becomes one row of
listing fields; `finder.directory.exchange` then validates and imports the rows all-or-nothing.
"""
from finder.directory.exchange import ImportRejected
from finder.fhir import (
    BCP47,
    CHARACTERISTIC,
    DRUG_CLASS,
    REFERRER,
    ROUTE,
    SERVICE_PROVISION,
    extension_url,
    our_system,
)

FLAG_CODES = {"telehealth-preassessment": "telehealth_preassessment",
              "emergency-onsite": "emergency_onsite", "urgent-pathway": "urgent_pathway",
              "interpreter-service": "interpreter_service"}
COSTS_BY_PROVISION = {frozenset(): "unknown", frozenset({"free"}): "public",
                      frozenset({"cost"}): "private", frozenset({"free", "cost"}): "both"}


def records_from_bundle(bundle) -> list[dict]:
    """One import row per HealthcareService; raises ImportRejected naming each problem
    (the entry number, from 1, stands in for the row)."""
    _check_bundle(bundle)
    entries = bundle.get("entry") or []
    by_url = {}
    for entry in entries:
        resource = entry["resource"]
        by_url[f"{resource['resourceType']}/{resource.get('id')}"] = resource
        if entry.get("fullUrl"):
            by_url[entry["fullUrl"]] = resource
    rows, problems = [], []
    for number, entry in enumerate(entries, start=1):
        if entry["resource"]["resourceType"] != "HealthcareService":
            continue
        try:
            rows.append(_row(entry["resource"], by_url))
        except ValueError as problem:
            field, _, message = str(problem).partition(": ")
            problems.append((number, field, message))
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([(0, "Bundle", "holds no HealthcareService to import")])
    return rows


def _check_bundle(bundle) -> None:
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise ImportRejected([(0, "file",
                               'is not a FHIR Bundle (expected "resourceType": "Bundle")')])
    if bundle.get("type") not in ("collection", "searchset"):
        raise ImportRejected([(0, "Bundle.type", "must be collection (as export writes it)")])
    try:
        get_fhir_model_class("Bundle").model_validate(bundle)
    except ValidationError as invalid:
        problems = [(0, ".".join(str(p) for p in e["loc"]) or "Bundle", e["msg"])
                    for e in invalid.errors()[:20]]
        raise ImportRejected(problems) from None
    for number, entry in enumerate(bundle.get("entry") or [], start=1):
        if not isinstance(entry.get("resource"), dict):
            raise ImportRejected([(number, "resource", "the entry holds no resource")])


def _resolve(ref: dict | None, kind: str, by_url: dict) -> dict:
    target = (ref or {}).get("reference", "")
    found = by_url.get(target) or by_url.get("/".join(target.split("/")[-2:]))
    if found is None or found.get("resourceType") != kind:
        raise ValueError(f"{kind}: the reference {target!r} names no {kind} in the Bundle")
    return found


def _extensions(resource: dict) -> dict[str, list]:
    found = {}
    for ext in resource.get("extension") or []:
        found.setdefault(ext.get("url"), []).append(ext)
    return found


def _value(found: dict, name: str, kind: str):
    values = found.get(extension_url(name)) or []
    if len(values) > 1:
        raise ValueError(f"extension {name}: appears more than once")
    return values[0].get(f"value{kind}") if values else None


def _codes(concepts: list, system: str) -> list[str]:
    return [c["code"] for cc in concepts or [] for c in cc.get("coding") or []
            if c.get("system") == system and c.get("code")]


def _row(service: dict, by_url: dict) -> dict:
    org = _resolve(service.get("providedBy"), "Organization", by_url)
    place = _resolve((service.get("location") or [None])[0], "Location", by_url)
    found = _extensions(service)
    address, position = place.get("address") or {}, place.get("position") or {}
    telecom = {t.get("system"): t.get("value") for t in service.get("telecom") or []}
    characteristic = service.get("characteristic") or []
    flags = set(_codes(characteristic, our_system(CHARACTERISTIC)))
    row = {
        "name": service.get("name"), "organisation": org.get("name"),
        "street": (address.get("line") or [None])[0], "locality": address.get("city"),
        "region": address.get("state"), "postcode": address.get("postalCode"),
        "country": address.get("country"),
        "lat": position.get("latitude"), "lon": position.get("longitude"),
        "phone": telecom.get("phone"), "email": telecom.get("email"), "website": telecom.get("url"),
        "drug_classes": _codes(characteristic, our_system(DRUG_CLASS)),
        "routes": _codes(characteristic, our_system(ROUTE)),
        **_age_range(service),
        "procedures_per_year": _value(found, "procedures-per-year", "Integer"),
        "referral_process": service.get("extraDetails"),
        "wait_weeks": (_value(found, "wait-time", "Duration") or {}).get("value"),
        "wait_reported_on": _value(found, "wait-reported-on", "Date"),
        "accepting_referrals": _value(found, "accepting-referrals", "Code") or "unknown",
        "accepting_note": _value(found, "accepting-note", "String"),
        "referral_from": [e["valueCoding"]["code"]
                          for e in found.get(extension_url("referral-from"), [])
                          if (e.get("valueCoding") or {}).get("system") == our_system(REFERRER)],
        "cost": _cost(service), "cost_note": _value(found, "cost-note", "String"),
        "languages": _codes(service.get("communication"), BCP47),
        "hours": _hours(place), "hours_note": place.get("availabilityExceptions"),
        "timezone": _value(_extensions(place), "timezone", "Code"),
        "travel_note": _value(found, "travel-note", "String"),
        "status": _value(found, "listing-status", "Code") or (
            "active" if service.get("active", True) else "archived"),
        "verified_at": _verified_at(found),
    }
    row.update({field: code in flags for code, field in FLAG_CODES.items()})
    return row


def _age_range(service: dict) -> dict:
    ages = {"age_min_years": None, "age_max_years": None}
    for eligibility in service.get("eligibility") or []:
        age_range = _value(_extensions(eligibility), "age-range", "Range")
        if age_range:
            ages["age_min_years"] = (age_range.get("low") or {}).get("value")
            ages["age_max_years"] = (age_range.get("high") or {}).get("value")
    return {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in ages.items()}


def _cost(service: dict) -> str:
    codes = frozenset(_codes(service.get("serviceProvisionCode"), SERVICE_PROVISION))
    if codes not in COSTS_BY_PROVISION:
        raise ValueError(f"serviceProvisionCode: {sorted(codes)} cannot be read as a cost; "
                         "use free, cost, or both")
    return COSTS_BY_PROVISION[codes]


def _hours(place: dict) -> list[dict]:
    spans = []
    for hours in place.get("hoursOfOperation") or []:
        opens, closes = hours.get("openingTime"), hours.get("closingTime")
        if not opens or not closes:
            raise ValueError("hoursOfOperation: each entry needs openingTime and closingTime")
        spans += [{"day": day, "opens": opens[:5], "closes": closes[:5]}
                  for day in hours.get("daysOfWeek") or []]
    return spans


def _verified_at(found: dict) -> str | None:
    for ext in found.get(extension_url("listing-verification"), []):
        for part in ext.get("extension") or []:
            if part.get("url") == "verifiedAt":
                return part.get("valueDateTime")
    return None
