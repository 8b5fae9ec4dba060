"""The results page is kept as a frame (finder.web.search.views) and each search fills in its
own parts: nothing of one search shows in another's page, a visitor's message is shown to
them alone, and an app under a URL prefix keeps its own links."""
import json
import re

import pytest


@pytest.fixture
def uncached(app):
    app.extensions["finder.search_cache"] = None  # every page rendered, none replayed
    return app.test_client()


def page(client, **params) -> str:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_each_search_fills_in_only_its_own_parts(uncached, make_center):
    make_center(name="Brisbane clinic", lat=-27.47, lon=153.02)
    make_center(name="Darwin clinic", lat=-12.46, lon=130.84)
    first = page(uncached, location="Brisbane", drug="amoxicillin")
    second = page(uncached, location="Darwin", child="1", limit="1")
    assert "<title>Centers near Darwin NT 0800</title>" in second
    assert "near Brisbane" not in second and "Amoxicillin ·" not in second
    assert "near Darwin NT 0800 · for a child" in second
    assert "1 center, nearest first." in second and "2 centers, nearest first." in first
    places = json.loads(re.search(r'id="map-data">(.*?)</script>', second, re.S).group(1))
    assert places["origin"]["label"] == "Darwin NT 0800"
    assert [c["name"] for c in places["centers"]] == ["Darwin clinic"]
    # the first search's page is unchanged by the second
    assert page(uncached, location="Brisbane", drug="amoxicillin") == first


def test_a_message_is_shown_to_its_visitor_only(app, uncached, make_center):
    make_center(name="Clinic A", lat=-27.47, lon=153.02)
    plain = page(uncached, location="Brisbane")  # the frame is kept from here
    editor = app.test_client()
    with editor.session_transaction() as stored:
        stored["_flashes"] = [("success", "Token T1 is revoked: it no longer works.")]
    with_message = page(editor, location="Brisbane")
    assert "Token T1 is revoked" in with_message and "Clinic A" in with_message
    assert with_message.replace(
        '<p class="notice notice-success" role="status">Token T1 is revoked: it no longer '
        'works.</p>', "").split() == plain.split()
    assert "Token T1" not in page(app.test_client(), location="Brisbane")


def test_an_app_under_a_prefix_links_under_it(uncached, make_center):
    make_center(name="Clinic A", lat=-27.47, lon=153.02)
    prefixed = uncached.get("/search", query_string={"location": "Brisbane"},
                            base_url="http://localhost/finder/").get_data(as_text=True)
    plain = page(uncached, location="Brisbane")
    assert 'href="/finder/static/css/site.css' in prefixed
    assert 'src="/finder/map/base.js' in prefixed and 'href="/finder/centers/' in prefixed
    assert "/finder/" not in plain and 'href="/static/css/site.css' in plain


def test_while_templates_reload_no_frame_is_kept(app, uncached, make_center):
    make_center(name="Clinic A", lat=-27.47, lon=153.02)
    app.jinja_env.auto_reload = True  # as under `flask run --debug`: an edited template shows
    assert "Clinic A" in page(uncached, location="Brisbane")
    assert not any(name.startswith("finder.frames:") for name in app.extensions)
    app.jinja_env.auto_reload = False
    assert "Clinic A" in page(uncached, location="Brisbane")
    assert "finder.frames:search/found.html" in app.extensions
