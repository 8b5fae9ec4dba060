"""Our FHIR R4 vocabulary in one place: code systems and small builders shared by the referral
Bundle and the directory mapping. Resources are built as plain dicts; fhir.resources (R4B)
validates them in the tests only, so nothing here depends on it at run time.
"""
import uuid

SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"


def new_full_url() -> str:
    """A fresh urn:uuid for a Bundle entry that has no server id."""
    return f"urn:uuid:{uuid.uuid4()}"


def coding(system: str, code: str, display: str | None = None) -> dict:
    return {"system": system, "code": code, **({"display": display} if display else {})}
