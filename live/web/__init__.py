"""Flask routes: ``pages`` (landing, join page, QR, host screen, dashboard,
archives), ``auth`` (login/logout), ``api`` (JSON API), ``forms``,
``errors`` (404 pages and JSON errors) and ``security`` (headers)."""
