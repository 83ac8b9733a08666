"""Repository functions. Every query is scoped by workspace; sessions are keyword-only."""
