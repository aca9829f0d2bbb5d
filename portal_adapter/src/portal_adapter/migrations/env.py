"""Alembic environment: the URL comes from the caller's config (portal_adapter.db.upgrade)."""

from alembic import context

from portal_adapter.db import make_engine, metadata


def run_migrations_online() -> None:
    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
