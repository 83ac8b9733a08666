"""okrbot flows."""
