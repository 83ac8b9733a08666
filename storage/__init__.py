"""okrbot storage: SQLModel models, repositories and Alembic migrations."""
