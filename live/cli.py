"""The ``live`` command: ``serve``, ``facilitator add``, ``token create``,
``archive export|import|purge``.

``serve`` monkey-patches for gevent (or eventlet) before anything else imports
sockets, so this module imports nothing heavy at the top.
"""

from __future__ import annotations

import argparse
import getpass
import signal
import socket
import sys

from live.config import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="live", description="Live workshop interaction server.")
    parser.add_argument("--version", action="version", version=f"live {version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all, so phones reach it)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")

    facilitator = commands.add_parser("facilitator", help="manage facilitator accounts")
    facilitator_commands = facilitator.add_subparsers(dest="action", required=True)
    add = facilitator_commands.add_parser("add", help="create a facilitator account")
    add.add_argument("email")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    token = commands.add_parser("token", help="manage API tokens")
    token_commands = token.add_subparsers(dest="action", required=True)
    create = token_commands.add_parser("create", help="print a new API token for a facilitator")
    create.add_argument("email")

    archive = commands.add_parser("archive", help="archived sessions: export, import, purge")
    archive_commands = archive.add_subparsers(dest="action", required=True)
    export = archive_commands.add_parser("export", help="write a session's archive folder (rebuilt if missing)")
    export.add_argument("code", help="the session's join code")
    export.add_argument("--to", metavar="DIR", help="copy the folder into DIR (default: print where it is)")
    imports = archive_commands.add_parser("import", help="index archive folders copied from another server")
    imports.add_argument("folder", metavar="DIR", help="one archive folder, or a folder of them")
    imports.add_argument("--facilitator", metavar="EMAIL", help="whose archives they become (needed when several accounts exist)")
    archive_commands.add_parser("purge", help="delete sessions older than LIVE_RETENTION_DAYS now")
    return parser


def version() -> str:
    """The installed version of live (the checkout's when it is not installed)."""
    from importlib import metadata

    try:
        return metadata.version("live")
    except metadata.PackageNotFoundError:
        from live import __version__

        return __version__


def command_prefix() -> str:
    """How to run ``live`` again from the folder the user is in, as they started it:
    ``live`` when it is on the PATH, ``.venv/bin/live`` from a checkout, or
    ``python -m live``, so every command we print can be pasted as it stands."""
    import os
    import shlex
    import shutil

    started = sys.argv[0] if sys.argv else ""
    if not started or started == "-c" or started.endswith(".py"):
        return f"{shlex.quote(_relative(sys.executable))} -m live"
    on_path = shutil.which(os.path.basename(started))
    if on_path and os.path.realpath(on_path) == os.path.realpath(started):
        return os.path.basename(started)
    return shlex.quote(_relative(started))


def _relative(path: str) -> str:
    """``path`` relative to the working folder when it lies below it (with ``./``
    when a shell would otherwise look it up on the PATH), else absolute. Links are
    kept as they are: a venv's python is a link, and only the link knows the venv."""
    import os

    absolute = os.path.abspath(path)
    inside = os.path.relpath(absolute, os.getcwd())
    if inside.startswith(os.pardir):
        return absolute
    return inside if os.sep in inside else f".{os.sep}{inside}"


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``live`` console script and of ``python -m live``."""
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    from live import installation

    installation.check(settings)
    if args.command == "serve":
        serve(settings, args.host, args.port)
    elif args.command == "facilitator":
        add_facilitator(settings, args.email, args.password_stdin)
    elif args.command == "token":
        create_token(settings, args.email)
    elif args.command == "archive":
        ARCHIVE_ACTIONS[args.action](settings, args)


def _patch(async_mode: str) -> None:
    if async_mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    elif async_mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()


def _database(settings: Settings):
    from live.store.db import make_engine, make_sessionmaker, migrate

    engine = make_engine(settings.database_url)
    migrate(engine)
    return make_sessionmaker(engine)


# Where a route is looked up to find this machine's address on the network: a UDP
# "connect" only asks the kernel which interface it would use; no packet is sent. An
# address outside any local network first (TEST-NET-2: the default route), then one
# in each private range, for a venue's network with no way out to the internet.
ROUTE_PROBES = ("198.51.100.1", "10.254.254.254", "172.31.254.254", "192.168.254.254")


def lan_address(probes: tuple[str, ...] = ROUTE_PROBES) -> str | None:
    """This machine's address on the local network, for phones (no packet is sent):
    the source address of the route the kernel would use, else what the machine's
    name resolves to, never a loopback address."""
    for probe in probes:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                udp.connect((probe, 9))
                address = udp.getsockname()[0]
        except OSError:
            continue
        if address and not address.startswith(("127.", "0.")):
            return address
    try:
        # Many systems map their own name to 127.0.1.1 (Debian) or 127.0.0.1 only.
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = info[4][0]
            if not address.startswith("127."):
                return address
    except OSError:
        pass
    return None


def serve(settings: Settings, host: str, port: int) -> None:
    """Run the server until interrupted."""
    _patch(settings.async_mode)
    from live import serving
    from live.app import create_app, start_archive_repair, start_retention
    from live.extensions import socketio
    from live.services import accounts

    app = create_app(settings)
    lan = lan_address()
    if lan and host in ("0.0.0.0", "::"):
        app.config["LIVE_LAN_URL"] = f"http://{lan}:{port}"
    local = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    print(f"live is running at {local}  (async mode: {settings.async_mode})", flush=True)
    print(f"  database: {settings.database_url.split('@')[-1]}", flush=True)
    print(f"  archives: {settings.archive_dir}", flush=True)
    phones = settings.public_url or app.config.get("LIVE_LAN_URL") or local
    print(f"  phones join at: {phones}  (set LIVE_PUBLIC_URL to change)", flush=True)
    if not accounts.has_facilitators(app.extensions["live"].sessions):
        print(
            "\nNo facilitator account exists yet. Create the first one in another terminal, in this folder:\n"
            f"    {command_prefix()} facilitator add you@example.org\n"
            f"then sign in at {local}/login\n",
            flush=True,
        )
    if settings.retention_days:
        print(f"  retention: sessions are deleted {settings.retention_days} days after they end", flush=True)
        start_retention(app)
    start_archive_repair(app)
    for line in serving.open_files_lines(*serving.raise_open_files_limit()):
        print(line, flush=True)
    _stop_on_signals(socketio, settings.async_mode)
    try:
        _run(app, socketio, settings, host, port)
    except KeyboardInterrupt:
        pass
    finally:
        # A clean stop keeps the reactions counted in the last second.
        app.extensions["live"].runtime.store_reactions()


def _run(app, socketio, settings: Settings, host: str, port: int) -> None:
    """Serve ``app`` until stopped: under gevent with our own handler (timeouts and
    the per-address cap of live/serving.py), under eventlet with the timeouts its
    server offers, under threading (development) as Flask-SocketIO does."""
    from live import serving

    limits = serving.HttpLimits(
        header_timeout=settings.http_header_timeout, idle_timeout=settings.http_idle_timeout,
        body_timeout=settings.http_body_timeout, slow_per_address=settings.slow_requests_per_address,
    )
    if settings.async_mode == "gevent":
        # socketio.stop() (our SIGINT/SIGTERM handler) stops the server it finds here.
        socketio.wsgi_server = serving.make_gevent_server(app, host, port, limits)
        socketio.wsgi_server.serve_forever()
    elif settings.async_mode == "eventlet":
        serving.run_eventlet_server(app, host, port, limits)
    else:
        socketio.run(app, host=host, port=port, log_output=False, allow_unsafe_werkzeug=True)


def _stop_on_signals(socketio, async_mode: str) -> None:
    """Ctrl-C and SIGTERM (what service managers send) stop the server cleanly, so
    that exit handlers run: with several processes, this one's results leases are
    handed back at once instead of expiring seconds later.

    Under gevent a Python signal handler runs in whichever greenlet happens to be
    running (a phone's WebSocket, say), so a KeyboardInterrupt raised there is
    printed as a traceback before it reaches the server. gevent's own handler
    runs in a greenlet of its own and stops the server from there instead.

    Under eventlet the same holds, and worse: a handler that catches everything
    (python-engineio's, around a phone's disconnect) swallows the interrupt and
    the server goes on. The interrupt is thrown into the main green thread, where
    the server runs, by eventlet's hub (as eventlet.kill does)."""
    if async_mode == "gevent":
        import gevent

        for number in (signal.SIGINT, signal.SIGTERM):
            gevent.signal_handler(number, socketio.stop)
    elif async_mode == "eventlet":
        import greenlet
        from eventlet import hubs

        server = greenlet.getcurrent()

        def interrupt_the_server(_number, _frame) -> None:
            hubs.get_hub().schedule_call_global(0, server.throw, KeyboardInterrupt())

        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, interrupt_the_server)
    else:
        signal.signal(signal.SIGTERM, signal.default_int_handler)


def add_facilitator(settings: Settings, email: str, password_stdin: bool) -> None:
    """``live facilitator add EMAIL``: asks for the password twice, or reads it from stdin."""
    from live.domain.errors import DomainError
    from live.services import accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = _ask_password()
    try:
        accounts.add_facilitator(_database(settings), email, password)
    except DomainError as error:
        sys.exit(f"error: {error.message}")
    print(f"Facilitator {accounts.normalise_email(email)} created. Sign in at /login on your live server.")


PASSWORD_ATTEMPTS = 3


def _ask_password() -> str:
    """Ask for a new password on the terminal: the rules first, each attempt checked
    before it is asked again, then the confirmation."""
    from live.services.accounts import MIN_PASSWORD, password_problem

    print(f"Choose a password of at least {MIN_PASSWORD} characters (spaces are allowed; it is not shown as you type).")
    for _attempt in range(PASSWORD_ATTEMPTS):
        password = getpass.getpass("Password: ")
        problem = password_problem(password)
        if problem is None:
            break
        print(problem, file=sys.stderr)
    else:
        sys.exit("No acceptable password was given; nothing was created.")
    if getpass.getpass("Same password again: ") != password:
        sys.exit("The two passwords differ; nothing was created.")
    return password


def create_token(settings: Settings, email: str) -> None:
    """``live token create EMAIL``: the token alone on the last line of stdout."""
    from live.domain.errors import DomainError
    from live.services import accounts

    try:
        token = accounts.create_api_token(_database(settings), email)
    except DomainError as error:
        sys.exit(f"error: {error.message}")
    print("API token (shown once; send it as 'Authorization: Bearer <token>'):")
    print(token)


def export_archive(settings: Settings, args) -> None:
    """``live archive export CODE [--to DIR]``: prints the folder's path, alone on the last line."""
    from pathlib import Path

    from live.domain.errors import DomainError
    from live import wordlists
    from live.services import archives

    # The same word lists as the server's, should the folder be written again.
    server_filter = wordlists.server_filter(settings.profanity_file)
    try:
        folder = archives.export_archive(
            _database(settings), args.code, settings.archive_dir, server_filter, Path(args.to).resolve() if args.to else None,
            timezone_name=settings.timezone,
        )
    except DomainError as error:
        sys.exit(f"error: {error.message}")
    print(folder)


def import_archives(settings: Settings, args) -> None:
    """``live archive import DIR [--facilitator EMAIL]``: one line per folder; exits
    with status 1 when any folder was skipped (the others are imported all the same)."""
    from pathlib import Path

    from live.domain.errors import DomainError
    from live.services import archives

    try:
        results = archives.import_archives(_database(settings), Path(args.folder), settings.archive_dir, args.facilitator)
    except DomainError as error:
        sys.exit(f"error: {error.message}")
    for result in results:
        print(f"{'ok  ' if result.ok else 'SKIP'} {result.folder}: {result.message}", flush=True)
    failed = sum(1 for result in results if not result.ok)
    print(f"{len(results) - failed} imported, {failed} skipped.")
    if failed:
        sys.exit(1)


def purge_archives(settings: Settings, _args) -> None:
    """``live archive purge``: apply LIVE_RETENTION_DAYS now."""
    from live.services import archives

    if not settings.retention_days:
        sys.exit("LIVE_RETENTION_DAYS is not set: archives are kept forever, nothing to purge.")
    deleted = archives.purge_expired(_database(settings), settings.archive_dir, settings.retention_days)
    for code in deleted:
        print(f"deleted {code}")
    print(f"{len(deleted)} session(s) older than {settings.retention_days} days deleted.")


ARCHIVE_ACTIONS = {"export": export_archive, "import": import_archives, "purge": purge_archives}
