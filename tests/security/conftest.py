"""Fixtures shared with the feature tests whose paths the attacks take."""

from tests.bot.slack.conftest import company, stub  # noqa: F401  (the Slack stand-in, a company)
from tests.kpi.conftest import kc  # noqa: F401  (a company with KPI targets)
