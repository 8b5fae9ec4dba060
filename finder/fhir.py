"""Our FHIR R4 vocabulary in one place: code systems and small builders shared by the referral
Bundle and the directory mapping. Resources are built as plain dicts (fast, and shaped exactly as
written); fhir.resources (R4B) validates a Bundle given to the directory import, and the tests
validate every resource we build with it.
"""
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
BCP47 = "urn:ietf:bcp:47"
SERVICE_PROVISION = "http://terminology.hl7.org/CodeSystem/service-provision-conditions"

# Our own code systems and extensions live under the deployment's public URL (FINDER_PUBLIC_URL,
# see docs/fhir.md): `<public url>/fhir/CodeSystem/<name>`. The web layer and the CLI set it per
# request or command with `public_url(...)`; the default matches the setting's default.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
_public_url: ContextVar[str] = ContextVar("finder_public_url", default=DEFAULT_PUBLIC_URL)
SERVICE_TYPE, DRUG_CLASS, ROUTE, CHARACTERISTIC, REFERRER, ELIGIBILITY = (
    "service-type", "drug-class", "route", "service-characteristic", "referrer", "eligibility")


def set_public_url(url: str):
    """Make `url` the base of our code systems, extensions and identifier systems in this
    context; returns the token `reset_public_url` takes."""
    return _public_url.set(url.rstrip("/"))


def reset_public_url(token) -> None:
    _public_url.reset(token)


@contextmanager
def public_url(url: str):
    token = set_public_url(url)
    try:
        yield
    finally:
        reset_public_url(token)


def fhir_base() -> str:
    """The FHIR base of this deployment: `<FINDER_PUBLIC_URL>/fhir`."""
    return f"{_public_url.get()}/fhir"


def our_system(name: str) -> str:
    """The canonical URL of one of our code systems, e.g. our_system(DRUG_CLASS)."""
    return f"{fhir_base()}/CodeSystem/{name}"


def identifier_system(resource_type: str) -> str:
    """The system under which our listing ids are business identifiers of each resource."""
    return f"{fhir_base()}/NamingSystem/{resource_type.lower()}-id"


def extension_url(name: str) -> str:
    """The canonical URL of one of our extensions, e.g. extension_url("wait-time")."""
    return f"{fhir_base()}/StructureDefinition/{name}"


def new_full_url() -> str:
    """A fresh urn:uuid for a Bundle entry that has no server id."""
    return f"urn:uuid:{uuid.uuid4()}"


def coding(system: str, code: str, display: str | None = None) -> dict:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def concept(*codings: dict, text: str | None = None) -> dict:
    return {"coding": list(codings), **({"text": text} if text else {})}


def reference(resource_type: str, resource_id) -> dict:
    return {"reference": f"{resource_type}/{resource_id}"}
