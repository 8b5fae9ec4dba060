"""The desensitization center finder: `create_app` wires settings, storage, web and commands."""
from datetime import timedelta
from pathlib import Path

from flask import Flask

from finder.config import PROJECT_ROOT, Settings, load_settings
from finder.db import build_engine


def create_app(overrides: dict | None = None) -> Flask:
    """A configured app. `overrides` replaces settings by name (or gives `settings` whole)."""
    overrides = dict(overrides or {})
    settings: Settings = overrides.pop("settings", None) or load_settings()
    settings = settings.with_overrides(**overrides) if overrides else settings
    app = Flask(
        __name__,
        instance_path=str(Path(settings.instance_path).resolve()),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _configure(app, settings)
    _register_extensions(app)
    _register_blueprints(app)
    _register_transfer(app)
    _register_commands(app)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        FINDER=settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.https,
        REMEMBER_COOKIE_SECURE=settings.https,
        REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        TRUSTED_HOSTS=list(settings.trusted_hosts) or None,  # another Host header is a 400
    )
    app.json.sort_keys = False
    app.extensions["finder.engine"] = build_engine(settings.database_url)
    if settings.proxy_hops:  # trust X-Forwarded-For/-Proto from exactly that many proxies
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops,
                                x_proto=settings.proxy_hops)


def _register_extensions(app: Flask) -> None:
    from finder.web.core import auth, extensions

    extensions.init_app(app)
    extensions.login_manager.user_loader(auth.load_account)


def _register_blueprints(app: Flask) -> None:
    from finder.web import blueprints
    from finder.web.core import context, errors, guards, links
    from finder.web.core.params import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter  # before any rule is added
    context.init_app(app)
    links.init_app(app)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    errors.init_app(app)
    guards.init_app(app)


def _register_transfer(app: Flask) -> None:
    """Fewer bytes on the wire: responses compressed when the client accepts it (static
    files come precompressed, under content-hashed URLs cached for a year)."""
    from flask_compress import Compress

    from finder.web.core import assets

    assets.init_app(app)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    Compress(app)


def _register_commands(app: Flask) -> None:
    from finder.cli import finder_commands

    app.cli.add_command(finder_commands)
