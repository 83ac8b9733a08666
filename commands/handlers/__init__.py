"""Command handlers: each takes a typed command and a Context and returns a Message."""
