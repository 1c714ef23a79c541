"""The migrations build exactly the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db
from portal.models.schema import include_object


def test_models_and_migrations_agree(app):
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, "include_object": include_object},
            )
            differences = compare_metadata(context, db.metadata)
    assert differences == [], differences


def test_the_sqlite_search_index_follows_every_write(app):
    """A migration that copies ``complaint`` into a new table (SQLite batch mode) keeps the search triggers."""
    import pytest
    import sqlalchemy as sa

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("FTS5 and its triggers are SQLite's")
        triggers = set(db.session.scalars(sa.text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'complaint'")))
        assert {"complaint_fts_insert", "complaint_fts_update", "complaint_fts_delete"} <= triggers
