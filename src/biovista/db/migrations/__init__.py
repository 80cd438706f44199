"""Alembic migrations, shipped inside the package so an installed biovista can upgrade."""
