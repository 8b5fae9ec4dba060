"""Public pages and the read API: filters, paging, error bodies, escaping, no 500s."""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SCRIPT = "<script>alert('x')</script>"
IMG = "\"'><img src=x onerror=alert(1)>"


@pytest.fixture
def directory_rows(make_center):
    return {
        "bris": make_center(name="Brisbane Adult Clinic", age_min_years=18, drug_classes=["platinum", "taxanes"]),
        "kids": make_center(name="Kids Allergy", locality="Perth", region="WA", lat=-31.95, lon=115.86,
                            age_min_years=0, age_max_years=17, drug_classes=["penicillins"],
                            timezone="Australia/Perth"),
        "nz": make_center(name="Auckland Service", locality="Auckland", region="Auckland", country="NZ",
                          lat=-36.86, lon=174.77, drug_classes=["penicillins", "platinum"],
                          timezone="Pacific/Auckland"),
    }


def test_home_explains_the_service_and_offers_the_search(client):
    page = client.get("/").get_data(as_text=True)
    assert "only in hospitals" in page and "Never try it yourself" in page
    assert 'name="location"' in page and 'name="drug"' in page


def test_directory_groups_by_country_and_state_and_filters(client, directory_rows):
    page = client.get("/directory").get_data(as_text=True)
    assert page.index('id="country-AU"') < page.index('id="country-NZ"')
    assert re.search(r'<h3 id="region-AU-QLD">QLD <span class="section-count">\(1 center\)', page)
    assert '<a href="#region-AU-WA">WA (1)</a>' in page  # a jump link with its count
    platinum = client.get("/directory?drug_class=platinum").get_data(as_text=True)
    assert "Brisbane Adult Clinic" in platinum and "Kids Allergy" not in platinum
    kids = client.get("/directory?pediatric=true").get_data(as_text=True)
    assert "Kids Allergy" in kids and "Brisbane Adult Clinic" not in kids and "Auckland Service" in kids


@pytest.mark.parametrize("words, shown, hidden", [
    ("perth", "Kids Allergy", "Brisbane Adult Clinic"),  # a town
    ("brisbane adult", "Brisbane Adult Clinic", "Kids Allergy"),  # words of the name
])
def test_directory_filters_by_name_or_town_without_javascript(client, directory_rows, words,
                                                               shown, hidden):
    page = client.get("/directory", query_string={"q": words}).get_data(as_text=True)
    assert shown in page and hidden not in page
    assert f"1 center listed matching “{words}”" in page


def test_bad_directory_filters_are_explained_in_words_and_the_list_still_shows(client,
                                                                               directory_rows):
    response = client.get("/directory?drug_class=magic&pediatric=perhaps&q=" + "x" * 101)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Kids Allergy" in page
    assert "Choose a drug class from the list" in page and "Tick “Sees children”" in page
    assert "must be" not in page and "drug_class" not in page.split("<form")[0]


def test_empty_directory_says_so(client):
    assert "No center matches" in client.get("/directory?drug_class=carbapenems").get_data(as_text=True)


def test_center_page_shows_every_detail_and_the_not_verified_label(client, directory_rows):
    center = directory_rows["bris"]
    page = client.get(f"/centers/{center.id}").get_data(as_text=True)
    assert "Demonstration listing, not verified by the center" in page
    assert "<h3>Chemotherapy</h3>" in page and "Platinum compounds" in page and "Taxanes" in page
    assert "+61 7 3000 0000" in page and "1 Hospital Road" in page


def test_unknown_center_is_an_html_404(client):
    response = client.get("/centers/424242")
    assert response.status_code == 404 and "text/html" in response.content_type


@pytest.mark.parametrize("query,names", [
    ("", {"Brisbane Adult Clinic", "Kids Allergy", "Auckland Service"}),
    ("drug_class=platinum", {"Brisbane Adult Clinic", "Auckland Service"}),
    ("pediatric=true", {"Kids Allergy", "Auckland Service"}),
    ("pediatric=false", {"Brisbane Adult Clinic"}),
    ("country=nz", {"Auckland Service"}),
    ("country=AU&region=wa", {"Kids Allergy"}),
    ("drug_class=penicillins&country=AU", {"Kids Allergy"}),
])
def test_api_filters(client, directory_rows, query, names):
    body = client.get(f"/api/centers?{query}").get_json()
    assert {c["name"] for c in body["results"]} == names
    assert body["total"] == len(names)


def test_api_pagination_walks_every_listing_once(client, directory_rows):
    seen = []
    for offset in range(0, 4, 2):
        body = client.get(f"/api/centers?limit=2&offset={offset}").get_json()
        assert body["total"] == 3 and body["limit"] == 2 and body["offset"] == offset
        seen += [c["id"] for c in body["results"]]
    assert sorted(seen) == sorted(c.id for c in directory_rows.values())


def test_api_center_carries_derived_facts(client, directory_rows):
    body = client.get(f"/api/centers/{directory_rows['kids'].id}").get_json()
    assert (body["pediatric"], body["adult"]) == (True, False)
    assert body["freshness"]["status"] == "unverified" and body["version"] == 1


@pytest.mark.parametrize("url,status,code", [
    ("/api/centers?limit=0", 400, "bad_request"),
    ("/api/centers?limit=ten", 400, "bad_request"),
    ("/api/centers?offset=-1", 400, "bad_request"),
    ("/api/centers?pediatric=perhaps", 400, "bad_request"),
    ("/api/centers?drug_class=%00", 400, "bad_request"),
    ("/api/centers?country=Australia", 400, "bad_request"),
    ("/api/centers/999999", 404, "not_found"),
    ("/api/no-such-thing", 404, "not_found"),
])
def test_api_errors_use_the_error_object(client, url, status, code):
    response = client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"]["code"] == code and body["error"]["message"]


def test_unknown_pages_are_html_404s(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and b"Page not found" in response.data


def test_listing_text_is_escaped_on_every_page(client, make_center):
    evil = make_center(name=f"Evil {SCRIPT} Clinic", organisation=f"Org {IMG}",
                       street=f"1 {IMG} Street", locality=f"Town {SCRIPT}", referral_process=IMG)
    for url in ["/directory", f"/centers/{evil.id}"]:
        page = client.get(url).get_data(as_text=True)
        assert SCRIPT not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;" in page, url
    body = client.get(f"/api/centers/{evil.id}").get_json()
    assert body["name"] == f"Evil {SCRIPT} Clinic"  # JSON carries the text as data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(
    st.sampled_from(["drug_class", "pediatric", "country", "region", "limit", "offset", "x"]),
    st.text(max_size=30), max_size=5))
def test_no_query_parameter_produces_a_500(client, params):
    for path in ("/api/centers", "/directory"):
        assert client.get(path, query_string=params).status_code < 500


def test_a_stale_listing_is_never_shown_as_confirmed(client, session, make_center):
    from datetime import UTC, datetime, timedelta

    from finder.directory.models import Center

    center = make_center(name="Long Ago Clinic")
    session.get(Center, center.id).verified_at = datetime.now(UTC) - timedelta(days=800)
    session.commit()
    for url in ("/directory", f"/centers/{center.id}", "/search?location=Brisbane"):
        page = client.get(url).get_data(as_text=True)
        assert "call before you travel" in page, url
        assert "Confirmed by the center on" not in page, url
