"""Per-request and per-app resources: one database session per request, opened on first use
and closed at teardown; the geocoding service, opened once per app on first use."""
import threading

from flask import current_app, g
from sqlmodel import Session
from werkzeug.exceptions import ServiceUnavailable

from finder.db import open_session
from finder.fhir import reset_public_url, set_public_url

_geocoder_lock = threading.Lock()


def db() -> Session:
    if "db_session" not in g:
        g.db_session = open_session(current_app.extensions["finder.engine"])
    return g.db_session


class _SessionOnFirstUse:
    """The request's session for code that usually needs none (a search answered from the
    worker's snapshot): it names the engine without opening a session; anything else opens
    the request's session (db()) and is done by it."""

    def get_bind(self):
        return current_app.extensions["finder.engine"]

    def __getattr__(self, name: str):
        return getattr(db(), name)


SESSION_ON_FIRST_USE = _SessionOnFirstUse()


def db_when_needed() -> Session:
    """db(), opened only when first used (see _SessionOnFirstUse)."""
    return SESSION_ON_FIRST_USE  # type: ignore[return-value]


def settings():
    return current_app.config["FINDER"]


def geocoder():
    """The app's GeocodingService; 503 when the offline gazetteer has not been built."""
    service = current_app.extensions.get("finder.geocoder")
    if service is None:
        with _geocoder_lock:
            service = current_app.extensions.get("finder.geocoder")
            if service is None:
                service = _build_geocoder(current_app)
                current_app.extensions["finder.geocoder"] = service
    return service


def _build_geocoder(app):
    from finder.geocoding import GeocodingService, gazetteer_is_current, open_gazetteer
    from finder.geocoding.dbcache import database_cache

    config = app.config["FINDER"]
    if config.gazetteer_path is None or not gazetteer_is_current(config.gazetteer_path):
        raise ServiceUnavailable("Place search is not ready yet: the offline gazetteer has not "
                                 "been built (run `flask --app wsgi finder build-gazetteer`).")
    cache_get, cache_put = database_cache(app.extensions["finder.engine"])
    return GeocodingService(
        open_gazetteer(config.gazetteer_path, config.default_country),
        online=config.geocoder if config.geocoder != "gazetteer" else None,
        cache_get=cache_get, cache_put=cache_put,
        rate_limit_path=config.instance_path / "online-geocoder.lock",
    )


def _close(error):
    session = g.pop("db_session", None)
    if session is not None:
        if error is not None:
            session.rollback()
        session.close()


def _use_public_url(sender, **_):
    """Our code systems and identifiers follow FINDER_PUBLIC_URL in every request and command."""
    g.public_url_token = set_public_url(sender.config["FINDER"].public_url)


def _forget_public_url(_error):
    token = g.pop("public_url_token", None)
    if token is not None:
        reset_public_url(token)


def init_app(app) -> None:
    from flask import appcontext_pushed

    appcontext_pushed.connect(_use_public_url, app)
    app.teardown_appcontext(_close)
    app.teardown_appcontext(_forget_public_url)
