"""Alembic environment: migrations run on the connection live passes in
(``live.store.db.migrate``), or on ``LIVE_DATABASE_URL`` from the alembic CLI."""

from __future__ import annotations

from alembic import context

from live.store.models import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:
    from live.config import Settings
    from live.store.db import make_engine

    engine = make_engine(Settings.from_env().database_url)
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
