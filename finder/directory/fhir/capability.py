"""The CapabilityStatement: exactly the interactions and search parameters /fhir serves."""
from finder.directory.fhir.search import DEFAULT_COUNT, INCLUDES, MAX_COUNT
from finder.directory.fhir.values import DEFAULT_NEAR_KM

STATEMENT_DATE = "2026-11-26"  # when what the server supports last changed
CORE = "http://hl7.org/fhir/SearchParameter/"


def _param(name: str, kind: str, definition: str | None, documentation: str) -> dict:
    return {"name": name, "type": kind, **({"definition": CORE + definition} if definition else {}),
            "documentation": documentation}


NEAR_DOC = (f"latitude|longitude|distance|km; distance defaults to {DEFAULT_NEAR_KM:g} km, km is "
            "the only unit. Results are sorted by distance, nearest first.")

COMMON_PARAMS = [
    _param("_id", "token", "Resource-id", "The listing id; a comma means OR."),
    _param("_lastUpdated", "date", "Resource-lastUpdated",
           "When the listing last changed, with a prefix eq, ne, gt, lt, ge, le, sa or eb, "
           "e.g. ge2026-01-01; a time without a zone is UTC."),
]
STRING_DOC = ("Starts with, without case or accents; :contains and :exact are supported, no other "
              "modifier.")


def _identifier(kind: str) -> dict:
    return _param("identifier", "token", f"{kind}-identifier",
                  "system|value; the listing id under this server's identifier system.")


HEALTHCARE_SERVICE_PARAMS = [
    *COMMON_PARAMS, _identifier("HealthcareService"),
    _param("name", "string", "HealthcareService-name", STRING_DOC),
    _param("service-type", "token", "HealthcareService-service-type",
           "system|code or code: drug-desensitization."),
    _param("organization", "reference", "HealthcareService-organization",
           "Organization/<id> (the organization of listing <id>)."),
    _param("active", "token", "HealthcareService-active",
           "true or false; only active listings are served, so false finds none."),
    _param("specialty", "token", "HealthcareService-specialty",
           "system|code or code, e.g. http://snomed.info/sct|408480009."),
    _param("characteristic", "token", "HealthcareService-characteristic",
           "system|code or code: an ATC prefix (L01XA), a drug class (platinum), a route (iv), "
           "pediatric, adult, telehealth-preassessment, emergency-onsite, urgent-pathway, "
           "interpreter-service."),
    _param("location", "reference", "HealthcareService-location",
           "Chained only: location.near (" + NEAR_DOC + "), location.address-postalcode and "
           "location.address-state (both starts-with, without case)."),
]
LOCATION_PARAMS = [
    *COMMON_PARAMS, _identifier("Location"),
    _param("name", "string", "Location-name", STRING_DOC),
    _param("organization", "reference", "Location-organization", "Organization/<id>."),
    _param("near", "special", "Location-near", NEAR_DOC),
    _param("address-postalcode", "string", "Location-address-postalcode", "Starts with."),
    _param("address-state", "string", "Location-address-state", "Starts with, without case."),
]
PAGING_DOC = (f"_count sets the page size ({DEFAULT_COUNT} by default, 0 to {MAX_COUNT}; 0 or "
              "_summary=count gives the total only); "
              "_offset (this server's own paging parameter) skips that many matches; "
              "Bundle.link carries self, first, previous, next and last. Only JSON is served "
              "(_format=json or an Accept that allows JSON). Unknown search parameters are ignored "
              "and named in an OperationOutcome entry, or rejected with 400 under Prefer: "
              "handling=strict; an unsupported modifier is always rejected. Reads carry an ETag "
              "(W/\"versionId\") and Last-Modified and answer If-None-Match with 304.")


def _resource(kind: str, search_params: list[dict] | None, includes=()) -> dict:
    interactions = [{"code": "read"}] + ([{"code": "search-type"}] if search_params else [])
    resource = {"type": kind, "profile": f"http://hl7.org/fhir/StructureDefinition/{kind}",
                "interaction": interactions, "versioning": "versioned",
                "conditionalRead": "full-support",
                "readHistory": False, "updateCreate": False}
    if search_params:
        resource["searchParam"] = search_params
    if includes:
        resource["searchInclude"] = list(includes)
    return resource


def capability_statement(base_url: str) -> dict:
    return {
        "resourceType": "CapabilityStatement", "status": "active", "date": STATEMENT_DATE,
        "publisher": "Desensitization center finder", "kind": "instance",
        "name": "DesensitizationFinderDirectory",
        "title": "Drug desensitization center directory (read-only FHIR R4)",
        "description": "Hospital centers that perform drug desensitization, as HealthcareService, "
                       "Location and Organization. Demonstration listings are not verified.",
        "implementation": {"description": "Drug desensitization center directory",
                           "url": base_url},
        "fhirVersion": "4.0.1", "format": ["json"],
        "rest": [{"mode": "server", "documentation": PAGING_DOC, "resource": [
            _resource("HealthcareService", HEALTHCARE_SERVICE_PARAMS, INCLUDES),
            _resource("Location", LOCATION_PARAMS),
            _resource("Organization", None),
        ]}],
    }
