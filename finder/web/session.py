"""One database session per request, opened on first use and closed at teardown."""
from flask import current_app, g
from sqlmodel import Session

from finder.db import open_session


def db() -> Session:
    if "db_session" not in g:
        g.db_session = open_session(current_app.extensions["finder.engine"])
    return g.db_session


def settings():
    return current_app.config["FINDER"]


def _close(error):
    session = g.pop("db_session", None)
    if session is not None:
        if error is not None:
            session.rollback()
        session.close()


def init_app(app) -> None:
    app.teardown_appcontext(_close)
