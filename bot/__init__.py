"""okrbot bot."""
