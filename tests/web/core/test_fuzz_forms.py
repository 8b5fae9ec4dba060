"""Every HTML form, fuzzed: whatever a browser (or anyone) posts, the answer is never a 500.
Field names come from the form page itself; values are any text, repeated or missing."""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.staff_kit import csrf_token, make_account

FORM_PAGES = {"/referral/result": "/referral", "/referral/download/fhir": "/referral",
              "/referral/download/text": "/referral"}
NAME = re.compile(r'name="([^"]+)"')
VALUES = st.one_of(st.text(max_size=40), st.text(max_size=3000),
                   st.sampled_from(["", "0", "-1", "1e309", "NaN", "99999999999999999999",
                                    "true", "{{7*7}}", "<script>", "2026-02-30", "\x00", "'="]))


def post_forms(app):
    return sorted({r.rule for r in app.url_map.iter_rules()
                   if "POST" in r.methods and not r.rule.startswith(("/api", "/fhir"))})


@pytest.fixture
def staff_client(app, session, make_center):
    center = make_center(name="Fuzzed Clinic")
    make_account(session, "fuzz-admin@example.org", admin=True)
    client = app.test_client()
    token = csrf_token(client, "/manage/login")
    client.post("/manage/login", data={"email": "fuzz-admin@example.org",
                                       "password": "correct horse battery", "csrf_token": token})
    return client, center.id


def test_every_form_is_fuzzed(app):
    assert len(post_forms(app)) >= 10  # the list below is the app's own, not hand-kept


@pytest.mark.parametrize("rule", ["/list-your-center", "/referral/result", "/manage/login",
                                  "/manage/centers/<int:center_id>/edit", "/manage/accounts",
                                  "/manage/tokens", "/referral/download/text",
                                  "/referral/download/fhir",
                                  "/manage/centers/<int:center_id>/approve",
                                  "/manage/centers/<int:center_id>/verify",
                                  "/manage/centers/<int:center_id>/archive",
                                  "/manage/tokens/<int:token_id>/revoke", "/manage/logout"])
def test_no_form_input_gives_a_500(app, staff_client, rule):
    assert rule in post_forms(app)
    client, center_id = staff_client
    url = rule.replace("<int:center_id>", str(center_id)).replace("<int:token_id>", "1")
    page = client.get(FORM_PAGES.get(url, url))
    names = sorted(set(NAME.findall(page.get_data(as_text=True))) - {"csrf_token"}) or ["x"]
    token = csrf_token(client, "/manage/login")

    @given(st.dictionaries(st.sampled_from(names), st.one_of(VALUES, st.lists(VALUES, max_size=3)),
                           max_size=len(names)))
    @settings(max_examples=30, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(form):
        if url == "/manage/logout":
            form = {}
        response = client.post(url, data={**form, "csrf_token": token})
        assert response.status_code < 500, (url, form, response.status_code)

    check()
