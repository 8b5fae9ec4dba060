"""Bytes on the wire: compressed answers, hashed immutable static URLs, no jQuery shipped."""
import gzip
import hashlib
import json
import re

import pytest

from finder.config import PROJECT_ROOT


def static_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_html_and_json_are_compressed_when_the_client_accepts_gzip(client):
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(page.data)
    spec = client.get("/api/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert spec.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(spec.data))["openapi"].startswith("3")


def test_nothing_is_compressed_for_a_client_that_did_not_ask(client):
    page = client.get("/")
    assert "Content-Encoding" not in page.headers and b"<html" in page.data


def test_static_urls_carry_the_hash_of_the_file(client):
    links = static_links(client.get("/").get_data(as_text=True))
    assert links
    for link in links:
        path, version = link.split("?v=")
        body = (PROJECT_ROOT / path.lstrip("/")).read_bytes()
        assert version == hashlib.sha256(body).hexdigest()[:16]


def test_a_hashed_static_url_is_cached_for_a_year(client):
    link = static_links(client.get("/").get_data(as_text=True))[0]
    answer = client.get(link)
    assert answer.status_code == 200
    assert set(answer.headers["Cache-Control"].split(", ")) == {
        "public", "max-age=31536000", "immutable"}


@pytest.mark.parametrize("query", ["", "?v=0123456789abcdef"])
def test_an_unhashed_or_outdated_static_url_is_revalidated(client, query):
    answer = client.get(f"/static/css/site.css{query}")
    assert answer.headers["Cache-Control"] == "no-cache"
    again = client.get(f"/static/css/site.css{query}",
                       headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


def test_static_text_comes_gzipped_and_intact(client):
    plain = client.get("/static/css/site.css")
    packed = client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data)
    assert "Accept-Encoding" in packed.headers["Vary"]


@pytest.mark.parametrize("name", ["../finder/config.py", "nope.css", "css/../../wsgi.py"])
def test_only_files_inside_static_are_served(client, name):
    assert client.get(f"/static/{name}").status_code == 404


def test_jquery_is_neither_installed_nor_referenced():
    package = json.loads((PROJECT_ROOT / "package.json").read_text())
    assert "jquery" not in {**package.get("dependencies", {}), **package.get("devDependencies", {})}
    lock = json.loads((PROJECT_ROOT / "package-lock.json").read_text())
    assert not any(name.endswith("node_modules/jquery") for name in lock.get("packages", {}))
    assert "jquery" not in (PROJECT_ROOT / "Makefile").read_text().lower()


def test_the_results_map_loads_no_jquery(client, make_center):
    from finder.search.folium_map import LocalMap, LocalMarkerCluster

    assert not any("jquery" in url.lower() for _, url in
                   LocalMap.default_js + LocalMarkerCluster.default_js)
    make_center(name="Clinic A")
    page = client.get("/search?location=Brisbane").get_data(as_text=True)
    assert "jquery" not in page.lower()


def test_the_results_map_assets_are_hashed_too(client, make_center):
    make_center(name="Clinic A")
    links = static_links(client.get("/search?location=Brisbane").get_data(as_text=True))
    assert any("vendor/leaflet/leaflet.js?v=" in link for link in links)
    assert all("?v=" in link for link in links)
