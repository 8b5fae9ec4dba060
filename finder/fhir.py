"""Our FHIR R4 vocabulary in one place: code systems and small builders shared by the referral
Bundle and the directory mapping. Resources are built as plain dicts (fast, and shaped exactly as
written); fhir.resources (R4B) validates a Bundle given to the directory import, and the tests
validate every resource we build with it.
"""
import uuid

SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
BCP47 = "urn:ietf:bcp:47"
SERVICE_PROVISION = "http://terminology.hl7.org/CodeSystem/service-provision-conditions"

# Our own code systems and extensions live under one base URL (see docs/fhir.md). It names
# definitions, it is not a server: nothing is fetched from it.
OUR_BASE = "https://desensitization-finder.example/fhir"
OUR_SERVICE_TYPE = f"{OUR_BASE}/CodeSystem/service-type"
OUR_DRUG_CLASS = f"{OUR_BASE}/CodeSystem/drug-class"
OUR_ROUTE = f"{OUR_BASE}/CodeSystem/route"
OUR_CHARACTERISTIC = f"{OUR_BASE}/CodeSystem/service-characteristic"
OUR_REFERRER = f"{OUR_BASE}/CodeSystem/referrer"
OUR_ELIGIBILITY = f"{OUR_BASE}/CodeSystem/eligibility"


def extension_url(name: str) -> str:
    """The canonical URL of one of our extensions, e.g. extension_url("wait-time")."""
    return f"{OUR_BASE}/StructureDefinition/{name}"


def new_full_url() -> str:
    """A fresh urn:uuid for a Bundle entry that has no server id."""
    return f"urn:uuid:{uuid.uuid4()}"


def coding(system: str, code: str, display: str | None = None) -> dict:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def concept(*codings: dict, text: str | None = None) -> dict:
    return {"coding": list(codings), **({"text": text} if text else {})}


def reference(resource_type: str, resource_id) -> dict:
    return {"reference": f"{resource_type}/{resource_id}"}
