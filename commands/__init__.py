"""okrbot commands."""
