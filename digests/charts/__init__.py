"""Charts as PNG files (matplotlib, headless), with Chinese text rendered properly."""
