"""Insights from the check-in and KPI history: KR forecasts, OKR ↔ KPI relations, org health.

Pure computation, no database: `stats` (Theil–Sen, ranks, Spearman and its exact p-value),
`forecast` (one KR, or `forecast_many` with numpy), `relations` and `pairing` (every KR ↔ KPI
pair of a group at once). `history` loads what they need in a few set queries; `org_health` is
the HR view. Where they surface: `prompt` (the owner's check-in prompt), `digest_section` (the
manager digest), `review_section` (the cycle review report), `views` (template data).
"""
