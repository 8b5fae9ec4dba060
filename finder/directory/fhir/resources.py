"""The directory as FHIR R4: each listing becomes an Organization, a Location and a
HealthcareService (docs/fhir.md maps every field). Resources are plain dicts.

Every listing field has one home, standard where one fits and one of our documented extensions
where none does, so `records_from_bundle` can read an exported Bundle back exactly.
"""
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from finder.directory.listing import freshness
from finder.directory.models import Center
from finder.fhir import (
    ATC,
    BCP47,
    CHARACTERISTIC,
    DRUG_CLASS,
    ELIGIBILITY,
    REFERRER,
    ROUTE,
    SERVICE_PROVISION,
    SERVICE_TYPE,
    SNOMED,
    UCUM,
    coding,
    concept,
    extension_url,
    fhir_base,
    identifier_system,
    our_system,
    reference,
)
from finder.vocabulary import DRUG_CLASSES, REFERRAL_FROM, ROUTES

# HealthcareService.specialty is bound (preferred) to the Practice Setting Code Value Set,
# http://hl7.org/fhir/ValueSet/c80-practice-codes (hl7.fhir.r4.core 4.0.1, HITSP C80 Table
# 2-149). Its R4 expansion holds 408480009 "Clinical immunology"; neither 408439002
# "Allergy - specialty" nor 394805004 "Clinical immunology/allergy" is in it.
SPECIALTY = coding(SNOMED, "408480009", "Clinical immunology")
SERVICE_TYPE_CODE = ("drug-desensitization", "Drug desensitization")
# SNOMED CT route of administration concepts (FHIR's route-codes value set).
SNOMED_ROUTES = {"iv": ("47625008", "Intravenous route"), "oral": ("26643006", "Oral route"),
                 "subcutaneous": ("34206005", "Subcutaneous route")}
# Yes/no listing facts carried as characteristic codes; pediatric/adult are derived (never read).
FLAGS = {"telehealth_preassessment": ("telehealth-preassessment", "Telehealth pre-assessment"),
         "emergency_onsite": ("emergency-onsite", "Emergency department on site"),
         "urgent_pathway": ("urgent-pathway", "Urgent referral pathway"),
         "interpreter_service": ("interpreter-service", "Interpreter service")}
AGE_GROUPS = {"pediatric": "Sees children (under 18)", "adult": "Sees adults (18 and over)"}
# Our cost → service-provision-conditions codes (free | disc | cost); "unknown" sends none.
PROVISION = {"public": ("free",), "private": ("cost",), "both": ("free", "cost")}
PROVISION_NAMES = {"free": "Free", "cost": "Fees apply"}
# Our weekday codes (mon … sun) are FHIR's days-of-week codes, so hours go across as they are.


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they are UTC (FHIR instants need an offset)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _ext(name: str, kind: str, value) -> dict:
    return {"url": extension_url(name), f"value{kind}": value}


def _telecom(center: Center) -> list[dict]:
    pairs = (("phone", center.phone), ("email", center.email), ("url", center.website))
    return [{"system": system, "value": value, "use": "work"} for system, value in pairs if value]


def characteristic_concepts(center: Center) -> list[dict]:
    """Drug classes (ours + ATC), routes (ours + SNOMED CT), age groups and yes/no facts."""
    concepts = []
    for code in center.drug_classes:
        drug_class = DRUG_CLASSES[code]
        atc = [coding(ATC, prefix) for prefix in drug_class.atc]
        concepts.append(concept(coding(our_system(DRUG_CLASS), code, drug_class.name), *atc,
                                text=f"Desensitization to {drug_class.name.lower()}"))
    for route in center.routes:
        snomed_code, snomed_name = SNOMED_ROUTES[route]
        concepts.append(concept(coding(our_system(ROUTE), route, ROUTES[route]),
                                coding(SNOMED, snomed_code, snomed_name), text=ROUTES[route]))
    for group, text in AGE_GROUPS.items():
        if getattr(center, group):
            concepts.append(concept(coding(our_system(CHARACTERISTIC), group, text), text=text))
    for field, (code, text) in FLAGS.items():
        if getattr(center, field):
            concepts.append(concept(coding(our_system(CHARACTERISTIC), code, text), text=text))
    return concepts


def _years(value: int) -> dict:
    return {"value": value, "unit": "years", "system": UCUM, "code": "a"}


def _eligibility(center: Center) -> list[dict]:
    low, high = center.age_min_years, center.age_max_years
    if low is None and high is None:
        return []
    if low is not None and high is not None:
        words = f"Ages {low} to {high} years"
    else:
        words = f"Ages {low} years and over" if low is not None else f"Ages up to {high} years"
    age_range = {**({"low": _years(low)} if low is not None else {}),
                 **({"high": _years(high)} if high is not None else {})}
    return [{"extension": [_ext("age-range", "Range", age_range)],
             "code": concept(coding(our_system(ELIGIBILITY), "age", "Age limits"), text="Age limits"),
             "comment": words}]


def _available_time(center: Center) -> list[dict]:
    return [{"daysOfWeek": [span["day"]], "availableStartTime": f"{span['opens']}:00",
             "availableEndTime": f"{span['closes']}:00"} for span in center.hours]


def _verification(center: Center, today: date, stale_months: int) -> tuple[dict, str]:
    fresh = freshness(aware(center.verified_at) if center.verified_at else None,
                      today=today, stale_months=stale_months)
    parts = [{"url": "status", "valueCode": fresh.status}]
    if center.verified_at:
        parts.append({"url": "verifiedAt", "valueDateTime": aware(center.verified_at).isoformat()})
    return {"url": extension_url("listing-verification"), "extension": parts}, fresh.message


def _service_extensions(center: Center, verification: dict) -> list[dict]:
    extensions = [_ext("listing-status", "Code", center.status), verification,
                  _ext("accepting-referrals", "Code", center.accepting_referrals)]
    extensions += [_ext("referral-from", "Coding", coding(our_system(REFERRER), who, REFERRAL_FROM[who]))
                   for who in center.referral_from]
    optional = (
        ("accepting-note", "String", center.accepting_note),
        ("wait-time", "Duration", None if center.wait_weeks is None else {
            "value": center.wait_weeks, "unit": "weeks", "system": UCUM, "code": "wk"}),
        ("wait-reported-on", "Date",
         center.wait_reported_on.isoformat() if center.wait_reported_on else None),
        ("cost-note", "String", center.cost_note),
        ("procedures-per-year", "Integer", center.procedures_per_year),
        ("travel-note", "String", center.travel_note),
    )
    return extensions + [_ext(name, kind, value) for name, kind, value in optional
                         if value is not None]


def service_type() -> dict:
    return coding(our_system(SERVICE_TYPE), *SERVICE_TYPE_CODE)


def _meta(center: Center) -> dict:
    """The listing's version (it changes on every edit) and time of its last edit."""
    return {"versionId": str(center.version), "lastUpdated": aware(center.updated_at).isoformat()}


def _identifier(resource_type: str, center: Center) -> list[dict]:
    """The listing id as a business identifier, so a consumer can match records over time."""
    return [{"use": "official", "system": identifier_system(resource_type),
             "value": str(center.id)}]


def healthcare_service(center: Center, *, today: date | None = None,
                       stale_months: int = 12) -> dict:
    """The listing as a HealthcareService; verification shows in an extension and the comment."""
    today = today or datetime.now(UTC).date()
    verification, verification_text = _verification(center, today, stale_months)
    comment = " ".join(p for p in (center.referral_process, verification_text) if p)
    resource = {
        "resourceType": "HealthcareService", "id": str(center.id), "meta": _meta(center),
        "identifier": _identifier("HealthcareService", center),
        "extension": _service_extensions(center, verification),
        "active": center.status == "active",
        "providedBy": {**reference("Organization", center.id), "display": center.organisation},
        "type": [concept(service_type(), text="Drug desensitization")],
        "specialty": [concept(SPECIALTY, text="Clinical immunology")],
        "location": [{**reference("Location", center.id), "display": center.name}],
        "name": center.name,
        "comment": comment,
        "extraDetails": center.referral_process,
        "telecom": _telecom(center),
        "serviceProvisionCode": [concept(coding(SERVICE_PROVISION, code, PROVISION_NAMES[code]))
                                 for code in PROVISION.get(center.cost, ())],
        "eligibility": _eligibility(center),
        "characteristic": characteristic_concepts(center),
        "communication": [concept(coding(BCP47, tag)) for tag in center.languages],
        "appointmentRequired": True,
        "availableTime": _available_time(center),
        "availabilityExceptions": center.hours_note,
    }
    return _prune(resource)


def location(center: Center, *, today: date | None = None, stale_months: int = 12) -> dict:
    """Where the service is: address, position, phone, opening hours in the center's zone;
    like the service, it says whether the center has confirmed the listing."""
    today = today or datetime.now(UTC).date()
    verification, verification_text = _verification(center, today, stale_months)
    address = {"use": "work", "type": "physical",
               "line": [center.street] if center.street else None, "city": center.locality,
               "state": center.region, "postalCode": center.postcode, "country": center.country}
    hours = [{"daysOfWeek": [span["day"]], "openingTime": f"{span['opens']}:00",
              "closingTime": f"{span['closes']}:00"} for span in center.hours]
    resource = {
        "resourceType": "Location", "id": str(center.id), "meta": _meta(center),
        "identifier": _identifier("Location", center),
        # R4 hoursOfOperation has no time zone: the IANA zone the hours are in goes here.
        "extension": [verification, *([_ext("timezone", "Code", center.timezone)]
                                       if center.timezone else [])],
        "status": "active" if center.status == "active" else "inactive",
        "name": center.name, "mode": "instance", "description": verification_text,
        "telecom": [t for t in _telecom(center) if t["system"] in ("phone", "email")],
        "address": _prune(address),
        "position": {"longitude": center.lon, "latitude": center.lat},
        "managingOrganization": {**reference("Organization", center.id),
                                 "display": center.organisation},
        "hoursOfOperation": hours,
        "availabilityExceptions": center.hours_note,
    }
    return _prune(resource)


def organization(center: Center) -> dict:
    """The hospital or health service running the center (one per listing)."""
    return {"resourceType": "Organization", "id": str(center.id), "meta": _meta(center),
            "identifier": _identifier("Organization", center),
            "active": center.status == "active", "name": center.organisation}


RESOURCE_BUILDERS = {"HealthcareService": healthcare_service, "Location": location,
                     "Organization": organization}


def resources_of(center: Center, *, today: date | None = None, stale_months: int = 12) -> list:
    return [organization(center), location(center, today=today, stale_months=stale_months),
            healthcare_service(center, today=today, stale_months=stale_months)]


def directory_bundle(session: Session, *, base_url: str | None = None,
                     today: date | None = None) -> dict:
    """A collection Bundle of every listing, whatever its status (the export file); full URLs
    under `base_url`, by default this deployment's FHIR base."""
    base_url = base_url or fhir_base()
    centers = session.exec(select(Center).order_by(Center.id)).all()
    entries = [{"fullUrl": f"{base_url}/{r['resourceType']}/{r['id']}", "resource": r}
               for center in centers for r in resources_of(center, today=today)]
    return {"resourceType": "Bundle", "type": "collection",
            "timestamp": datetime.now(UTC).isoformat(), "entry": entries}


def _prune(resource: dict) -> dict:
    """Drop empty values: FHIR forbids empty strings, lists and objects."""
    return {k: v for k, v in resource.items() if v is not None and v != [] and v != ""}
