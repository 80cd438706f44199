"""Metadata database: SQLAlchemy 2 models and sessions, migrated with Alembic."""
