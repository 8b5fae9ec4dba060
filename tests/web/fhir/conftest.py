"""The FHIR API tests share the directory FHIR tests' validating GET helper."""
from tests.directory.fhir.conftest import fhir  # noqa: F401  (fixture)
