"""Alembic environment for saidwhat. Driven from code (see ``saidwhat.store.db.migrate``).

Online: the caller passes an open connection in ``config.attributes["connection"]``.
Offline (``sql=True``): SQL for the URL in ``sqlalchemy.url`` is printed instead of run.
"""
from __future__ import annotations

from alembic import context

from saidwhat.store.schema import metadata

config = context.config


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # e.g. the alembic command line with sqlalchemy.url set
        import sqlalchemy as sa

        engine = sa.create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
