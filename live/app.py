"""The app factory: configuration, database, activity kinds, extensions, blueprints,
handlers. Routes and handlers reach the services through ``live.extensions.services``,
never by importing this module."""

from __future__ import annotations

from flask import Flask, request
from jinja2 import ChoiceLoader, FileSystemLoader

from live import paths, wordlists
from live.activities import registry
from live.config import LOCALES, Settings
from live.domain.ratelimit import GuessThrottle
from live.extensions import Services, babel, csrf, login_manager, socketio
from live.realtime.connections import Connections, JoinGuard
from live.realtime.outbound import Delivery, push_loop, reactions_loop
from live.offload import make_offload
from live.services.archive_pages import SummaryPages
from live.realtime import malformed
from live.realtime.malformed import StrictPacket
from live.services.runtime import Runtime
from live.store.committer import GroupCommitter
from live.store.db import make_engine, make_sessionmaker, migrate
from live.templating import kind_capabilities, kind_loader, kind_script_url
from live.web.inputs import JSONProvider

# Large enough for any honest payload, small enough that a flood of huge frames costs little.
MAX_SOCKET_FRAME = 64 * 1024


def select_locale() -> str:
    """The language chosen with the switcher (cookie), else the browser's, else English."""
    chosen = request.cookies.get("lang")
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(LOCALES) or "en"


def create_app(settings: Settings | None = None) -> Flask:
    """Build a live app. With no settings, they come from the environment."""
    settings = settings or Settings.from_env()
    registry.register_external(list(settings.activity_kinds))
    app = Flask("live", static_folder=str(paths.STATIC), template_folder=str(paths.TEMPLATES))
    # The pages, then the archive's (the kinds' archive partials import its charts), then the kinds'.
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(paths.TEMPLATES)), FileSystemLoader(str(paths.PACKAGE / "archive")), kind_loader(),
    ])
    app.json = JSONProvider(app)  # JSON nested too deep is a 400, not a 500
    secure = bool(settings.public_url and settings.public_url.startswith("https://"))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        MAX_CONTENT_LENGTH=256 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_TRANSLATION_DIRECTORIES=str(paths.TRANSLATIONS),
        BABEL_DEFAULT_LOCALE="en",
        BABEL_DEFAULT_TIMEZONE=settings.timezone,  # templates' dateformat, and archives written (writer)
    )
    engine = make_engine(settings.database_url)
    migrate(engine)
    sessions = make_sessionmaker(engine)

    socketio.init_app(
        app,
        async_mode=settings.async_mode,
        message_queue=settings.redis_url,
        cors_allowed_origins=[settings.public_url] if settings.public_url else None,
        max_http_buffer_size=MAX_SOCKET_FRAME,
        # Each cluster sharing a Redis gets its own channel.
        channel=f"{settings.redis_prefix}-socketio",
        ping_interval=10,
        ping_timeout=20,
        # Refuses what no honest client sends (live/realtime/malformed.py).
        serializer=StrictPacket,
    )
    malformed.install(socketio, app)
    committer = GroupCommitter(sessions, spawn=socketio.start_background_task)
    # The worker process that writes archives knows the same kinds as this one.
    offload = make_offload(settings.async_mode, setup=(registry.register_external, list(settings.activity_kinds)))
    runtime = Runtime(
        sessions, committer, settings.secret_key, settings.archive_dir,
        # The word lists are read once, here, and handed down: the rules never read files.
        server_filter=wordlists.server_filter(settings.profanity_file),
        max_participants=settings.max_participants, timezone_name=settings.timezone,
        answer_rate=settings.answer_rate, answer_burst=settings.answer_burst, offload=offload,
    )
    delivery = Delivery(socketio)
    pages = SummaryPages(settings.archive_dir, settings.secret_key, settings.timezone, offload)
    live = Services(settings, engine, sessions, committer, runtime, screens=delivery, offload=offload, pages=pages)
    live.realtime.update(
        connections=Connections(), joins=JoinGuard(GuessThrottle(settings.join_guesses_per_minute)),
        socketio=socketio, sleep=socketio.sleep, start_pusher=_pusher_starter(app),
    )
    app.extensions["live"] = live
    if settings.redis_url:
        # Several processes: notices and leases over Redis (live/realtime/cluster.py).
        from live.realtime.cluster import Cluster

        cluster = Cluster(settings.redis_url, settings.redis_prefix, runtime, spawn=socketio.start_background_task)
        runtime.clustered = True
        delivery.cluster = cluster
        cluster.start()
        app.extensions["live_cluster"] = cluster

    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)

    from live.realtime import handlers
    from live.web import api, archives, auth, downloads, errors, limits, pages, security

    handlers.register(socketio)
    for blueprint in (pages.bp, auth.bp, api.bp, archives.bp, downloads.bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)
    errors.register(app)
    security.register(app)
    limits.init_app(app, settings)
    security.trust_proxies(app, settings.trusted_proxies)

    @app.context_processor
    def interface_language():
        from flask_babel import get_locale

        current = str(get_locale() or "en")
        return {"current_locale": current, "other_locales": [code for code in LOCALES if code != current]}

    @app.context_processor
    def activity_kinds():
        return {"activity_kinds": list(registry.KINDS)}

    @app.context_processor
    def server_timezone():
        # The zone times are shown in, and times typed without an offset are taken in.
        return {"server_timezone": app.extensions["live"].settings.timezone}

    @app.context_processor
    def reaction_names():
        from flask_babel import gettext

        from live.domain.reactions import NAMES

        # The names of the emoji the editor offers, in the page's language (buttons are read out so).
        return {"reaction_names": lambda: {emoji: gettext(name) for emoji, name in NAMES.items()}}

    from live.activities.shortlist import MAX_OPTION

    # chain_option_max: how long a poll option may be (the chain shortens longer entries).
    app.jinja_env.globals.update(kind_script_url=kind_script_url, kind_capabilities=kind_capabilities,
                                 chain_option_max=MAX_OPTION)

    return app


def _pusher_starter(app: Flask):
    """Start the results push loop of ``app`` once, at the first connection, and the
    loop that stores the reactions counted."""
    started = []

    def start() -> None:
        if not started:
            started.append(True)
            socketio.start_background_task(push_loop, app)
            socketio.start_background_task(reactions_loop, app)

    return start


def start_retention(app: Flask) -> None:
    """With LIVE_RETENTION_DAYS, delete sessions that ended too long ago now and then
    every hour, in a background task of this process (``live serve`` and live.wsgi)."""
    settings = app.extensions["live"].settings
    if not settings.retention_days:
        return
    from live.services import archives

    live = app.extensions["live"]
    socketio.start_background_task(
        archives.retention_loop, live.sessions, settings.archive_dir, settings.retention_days, socketio.sleep,
        live.runtime.forget,
    )


def start_archive_repair(app: Flask) -> None:
    """Write again, in a background task, the archives a crash or a failure left
    unwritten or incomplete (``live serve`` and live.wsgi, at start)."""
    from live.services import archives

    live = app.extensions["live"]
    socketio.start_background_task(
        archives.repair_archives, live.sessions, live.settings.archive_dir, live.runtime.server_filter,
        live.settings.timezone, live.offload,
    )
