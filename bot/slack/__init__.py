"""Slack adapter: Slack payloads -> neutral Inbound, neutral Message -> Slack calls.

Imported only when `slack.enabled` (see bot/http_app.py), so slack_bolt never loads otherwise.
"""
