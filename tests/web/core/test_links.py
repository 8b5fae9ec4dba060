"""Remembered links are the links url_for builds: the same text for any arguments, under any
URL prefix, and a static file's link follows an edit of the file."""
import os
import time

from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finder.web.core import links
from finder.web.core.links import link, with_query

values = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                   st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30))
queries = st.dictionaries(st.text(min_size=1, max_size=12).filter(lambda k: not k.startswith("_")),
                          values, max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries, prefix=st.sampled_from(["", "/finder", "/a b"]))
def test_a_path_with_a_query_is_what_url_for_writes(app, query, prefix):
    with app.test_request_context("/", base_url=f"http://localhost{prefix}/"):
        for endpoint, path_values in (("search.results", {}), ("referral.form", {}),
                                      ("center.center_page", {"center_id": 7})):
            path_values = {k: v for k, v in path_values.items() if k not in query}
            expected = url_for(endpoint, **path_values, **query)
            assert with_query(link(endpoint, **path_values), query) == expected
            assert link(endpoint, **path_values, **query) == expected  # remembered: the same


def test_links_are_kept_apart_per_prefix_and_absolute_ones_are_not_kept(app):
    with app.test_request_context("/", base_url="http://localhost/one/"):
        assert link("search.results", drug="x") == "/one/search?drug=x"
        assert link("search.results", _external=True).startswith("http://localhost/one/")
    with app.test_request_context("/", base_url="http://localhost/"):
        assert link("search.results", drug="x") == "/search?drug=x"


def test_a_static_files_link_follows_an_edit(app, monkeypatch, tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    style = static / "css" / "site.css"
    style.write_text("body { color: red }")
    monkeypatch.setattr(app, "static_folder", str(static))
    with app.test_request_context("/"):
        before = link("static", filename="css/site.css")
        style.write_text("body { color: blue }")
        os.utime(style, (time.time() + 5, time.time() + 5))
        monkeypatch.setattr(links, "RECHECK_S", 0.0)
        after = link("static", filename="css/site.css")
    assert before != after and after == url_for_in(app, "static", filename="css/site.css")


def url_for_in(app, endpoint, **values):
    with app.test_request_context("/"):
        return url_for(endpoint, **values)
