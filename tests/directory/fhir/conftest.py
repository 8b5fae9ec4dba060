"""FHIR test helpers: every body the server returns is checked against fhir.resources (R4B)."""
import pytest
from fhir.resources.R4B import get_fhir_model_class


def validate(resource: dict) -> dict:
    """Validate a resource (and every Bundle entry's resource) by its own type; returns it."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    for entry in resource.get("entry", []):
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    return resource


@pytest.fixture
def fhir(client):
    """GET a /fhir URL, check the status and content type, validate the body, return it."""
    def get(url: str, status: int = 200, **kwargs) -> dict:
        response = client.get(url, **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.mimetype == "application/fhir+json"
        body = validate(response.get_json(force=True))
        if status >= 400:
            assert body["resourceType"] == "OperationOutcome"
        return body
    return get
