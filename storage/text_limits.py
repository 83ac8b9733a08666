"""How long a text a person may give, in characters (code points).

Each limit is checked where the text comes in (a command, a form, a flow's answer), with a
reply that says the limit; stored text is never cut. They fit what Slack and Feishu can show in
one piece: a Slack header 150 characters, a Slack section 3,000, a Feishu markdown text 5,000.
"""

from __future__ import annotations

TITLE_MAX = 100  # objectives and key results: shown in headers, labels and buttons
NOTE_MAX = 1000  # a check-in note
REASON_MAX = 500  # why a KR is adjusted; a decision's comment
COMMENT_MAX = 1000  # a review's notes
FEEDBACK_MAX = 1000  # feedback on a KPI or a KR, and its reply
BROADCAST_MAX = 2000  # an HR broadcast (shown in one Slack section with its preview lines)

LIMITS = {
    "title": TITLE_MAX,
    "note": NOTE_MAX,
    "reason": REASON_MAX,
    "comment": COMMENT_MAX,
    "feedback": FEEDBACK_MAX,
    "broadcast": BROADCAST_MAX,
}
