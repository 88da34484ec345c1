"""Storage: every published upload is a version in a SQL database (SQLite by default, any SQLAlchemy URL)."""
