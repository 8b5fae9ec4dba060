"""The FHIR API tests share the directory FHIR tests' validating GET helper and a small directory."""
import pytest

from tests.directory.fhir.conftest import fhir  # noqa: F401  (fixture)


@pytest.fixture
def directory(make_center):
    """Five active centers and two that the public never sees."""
    made = {
        "brisbane": make_center(name="Brisbane Drug Allergy", lat=-27.47, lon=153.02,
                                postcode="4000", region="QLD", drug_classes=["platinum"],
                                routes=["iv"], age_min_years=18),
        "ipswich": make_center(name="Ipswich Allergy", lat=-27.61, lon=152.76, postcode="4305",
                               region="QLD", drug_classes=["penicillins"], routes=["oral"],
                               telehealth_preassessment=True),
        "gold": make_center(name="Gold Coast Immunology", lat=-28.0, lon=153.4, postcode="4215",
                            region="QLD", drug_classes=["penicillins", "taxanes"],
                            routes=["iv"], age_max_years=17),
        "sydney": make_center(name="Sydney Immunology", lat=-33.87, lon=151.21, postcode="2000",
                              region="NSW", drug_classes=["platinum"], routes=["iv"]),
        "perth": make_center(name="Perth Allergy", lat=-31.95, lon=115.86, postcode="6000",
                             region="WA", drug_classes=["local_anaesthetics"],
                             routes=["subcutaneous"]),
        "pending": make_center(name="Pending Allergy", status="pending"),
        "archived": make_center(name="Archived Allergy", status="archived"),
    }
    return {k: c.id for k, c in made.items()}
