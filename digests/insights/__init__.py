"""Insights from the check-in and KPI history: KR forecasts, OKR ↔ KPI relations, org health.

`forecast`, `relations` and `stats` are pure computation (no database); `history` loads what they
need in a few set queries; `org_health` aggregates the HR view.
"""
