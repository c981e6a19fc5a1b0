"""Unbound Flask extensions, bound to an app in ``live.app.create_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

socketio = SocketIO()
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
