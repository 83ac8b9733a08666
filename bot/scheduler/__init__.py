"""Proactive jobs: check-in prompts, nudges, escalations and digests, in each person's zone."""
