"""Fixtures shared with the feature tests whose paths the attacks take."""

from tests.bot.slack.conftest import company, served, stub  # noqa: F401  (Slack stand-in, app)
from tests.kpi.conftest import kc  # noqa: F401  (a company with KPI targets)
