"""The one command grammar: text (English or Chinese, any width, any spacing) -> Command.

`/okr update KR-12 65 at-risk supplier late` and `okr 更新 12 65% 有风险 供应商延期` parse alike.
Each verb is a row of VERBS; later features add rows, not branches.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from commands import grammar_audit as audit_grammar
from commands import grammar_checkin as checkin_grammar
from commands import grammar_insights as insights
from commands import grammar_kpi_alert as kpi_alert_grammar
from commands import grammar_lifecycle as lifecycle
from commands import grammar_review as review
from commands import grammar_rework as rework
from commands import grammar_schedule as schedule
from commands.grammar_update import parse_update_line
from commands.grammar_words import cycle_label, period_label
from commands.refs import KR_ONLY_REF, KR_REF, OBJECTIVE_REF
from commands.types import (
    Command,
    CommandError,
    FlowCancel,
    Help,
    HrInsights,
    HrRole,
    KpiAssess,
    KpiCorrectionAct,
    KpiDefine,
    KpiFeedbackReply,
    KpiFeedbackSend,
    KpiList,
    KpiPeriodAct,
    KpiRecord,
    KpiShow,
    KpiTargetSet,
    KpiTree,
    OkrDecide,
    OkrList,
    OkrNew,
    OkrShow,
    OkrTeam,
    Value,
)
from commands.values import parse_value
from commands.words import KPI_DIRECTION_WORDS, normalise
from digests.i18n import Phrase
from storage import cycle_names, periods
from storage.models.enums import Aggregation, Frequency

NAMESPACES: dict[str, str] = {
    "okr": "okr",
    "目标": "okr",
    "kpi": "kpi",
    "指标": "kpi",
    "hr": "hr",
    "人事": "hr",
}

_KPI_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Token:
    """A word of the input: `norm` for matching, `start` to cut free text from the original."""

    norm: str
    start: int


@dataclass(frozen=True)
class Args:
    """What follows the verb."""

    tokens: list[Token]
    original: str

    def rest_from(self, index: int) -> str | None:
        """The original text from token `index` on (a free-text note), or None."""
        if index >= len(self.tokens):
            return None
        return self.original[self.tokens[index].start :].strip() or None


Parser = Callable[[Args], Command]


@dataclass(frozen=True)
class Verb:
    namespace: str
    names: tuple[str, ...]
    usage: str
    parse: Parser


def tokenize(text: str) -> list[Token]:
    """Split on any white space (ASCII or ideographic), keeping offsets into `text`."""
    return [Token(normalise(m.group()), m.start()) for m in re.finditer(r"\S+", text)]


def _kr_number(token: Token | None, usage: str) -> int:
    if token is None:
        raise CommandError("error.missing_kr_ref", usage=usage)
    match = KR_REF.match(token.norm)
    if match is None:
        raise CommandError("error.bad_kr_ref", {"ref": token.norm}, usage=usage)
    return int(match[1])


def _parse_hr_role(args: Args) -> Command:
    """`@person ROLE`: the last word is the role, everything before it names the person."""
    if len(args.tokens) < 2:
        raise CommandError("hr.role.missing", usage="hr.role")
    person = args.original[args.tokens[0].start : args.tokens[-1].start].strip()
    return HrRole(person=person, role=args.original[args.tokens[-1].start :].strip())


def _parse_okr_list(args: Args) -> Command:
    """`[@person] [CYCLE]`: a last word that is a cycle name (2026-Q4, 2026年第4季度) names
    the cycle; the rest names the person."""
    if args.tokens:
        last = cycle_label(args.tokens[-1].norm)
        if cycle_names.is_cycle_name(last):
            before = args.original[args.tokens[0].start : args.tokens[-1].start].strip()
            return OkrList(person=before or None, cycle=cycle_names.canonical(last))
    return OkrList(person=args.rest_from(0))


def _parse_okr_update(args: Args) -> Command:
    """One KR or several (grammar_update): confidence words anywhere, notes as typed."""
    if not args.tokens:
        raise CommandError("error.missing_kr_ref", usage="okr.update")
    return parse_update_line(args.original[args.tokens[0].start :])


def _parse_okr_show(args: Args) -> Command:
    usage = "okr.show"
    if not args.tokens:
        raise CommandError("error.missing_objective_ref", usage=usage)
    if len(args.tokens) > 1:
        raise CommandError("error.too_many_args", usage=usage)
    if kr := KR_ONLY_REF.match(args.tokens[0].norm):
        return OkrShow(0, kr_number=int(kr[1]))
    match = OBJECTIVE_REF.match(args.tokens[0].norm)
    if match is None:
        raise CommandError("error.bad_objective_ref", {"ref": args.tokens[0].norm}, usage=usage)
    return OkrShow(int(match[1]))


_SCOPES = {
    **dict.fromkeys(["company", "公司"], "company"),
    **dict.fromkeys(["department", "dept", "team", "部门"], "department"),
    **dict.fromkeys(["me", "mine", "personal", "个人"], "person"),
}


def _parse_okr_new(args: Args) -> Command:
    if not args.tokens:
        return OkrNew()
    scope = _SCOPES.get(args.tokens[0].norm)
    if scope is None or len(args.tokens) > 1:
        raise CommandError("error.too_many_args", usage="okr.new")
    return OkrNew(scope)


def _objective_number(args: Args, usage: str) -> int:
    if not args.tokens:
        raise CommandError("error.missing_objective_ref", usage=usage)
    match = OBJECTIVE_REF.match(args.tokens[0].norm)
    if match is None:
        raise CommandError("error.bad_objective_ref", {"ref": args.tokens[0].norm}, usage=usage)
    return int(match[1])


def _parse_decision(decision: str) -> Parser:
    def parse_decision(args: Args) -> Command:
        kr = KR_ONLY_REF.match(args.tokens[0].norm) if args.tokens else None
        if kr is not None:
            return OkrDecide(decision, None, args.rest_from(1), kr_number=int(kr[1]))
        number = _objective_number(args, f"okr.{decision}")
        return OkrDecide(decision, number, args.rest_from(1))

    return parse_decision


def _parse_cancel(args: Args) -> Command:
    return FlowCancel()


def _parse_help(topic: str) -> Parser:
    return lambda args: Help(topic=topic)


def _kpi_code(args: Args, usage: str) -> str:
    if not args.tokens:
        raise CommandError("error.missing_kpi_code", usage=usage)
    code = args.tokens[0].norm
    if not _KPI_CODE.match(code):
        raise CommandError("error.bad_kpi_code", {"code": code}, usage=usage)
    return code.upper()


def _parse_kpi_list(args: Args) -> Command:
    if args.tokens:
        raise CommandError("error.too_many_args", usage="kpi.list")
    return KpiList()


def _parse_kpi_show(args: Args) -> Command:
    code = _kpi_code(args, "kpi.show")
    if len(args.tokens) > 1:
        raise CommandError("error.too_many_args", usage="kpi.show")
    return KpiShow(code)


def _parse_kpi_record(args: Args) -> Command:
    usage = "kpi.record"
    code = _kpi_code(args, usage)
    if len(args.tokens) < 2:
        raise CommandError("error.missing_value", {"ref": code}, usage=usage)
    try:
        value = parse_value(args.tokens[1].norm)
    except CommandError as error:
        error.usage = usage
        raise
    period: str | None = None
    if len(args.tokens) > 2:
        raw_period = period_label(args.tokens[2].norm)
        if not periods.is_valid(raw_period):
            raise CommandError("error.bad_period", {"period": raw_period}, usage=usage)
        period = periods.normalise(raw_period)
    if len(args.tokens) > 3:
        raise CommandError("error.too_many_args", usage=usage)
    return KpiRecord(code, value, period)


_WARNING_WORDS = ("warning", "warn", "w", "预警", "预警线")
_CRITICAL_WORDS = ("critical", "crit", "c", "严重", "严重线", "红线")


def _parse_kpi_target(args: Args) -> Command:
    """CODE, the scope (every word up to the first value: `department:Machining Workshop`),
    the target, then `warning W`, `critical C` and a period, in any order."""
    usage = "kpi.target"
    code = _kpi_code(args, usage)
    at = next((i for i in range(2, len(args.tokens)) if _is_value(args.tokens[i].norm)), None)
    if len(args.tokens) < 3 or at is None:
        raise CommandError("kpi.target.missing", usage=usage)
    scope = args.original[args.tokens[1].start : args.tokens[at].start].strip()
    target = _value_of(args.tokens[at], usage)
    found: dict[str, Value] = {}
    period: str | None = None
    rest = args.tokens[at + 1 :]
    while rest:
        word = rest[0].norm
        if word in _WARNING_WORDS + _CRITICAL_WORDS and len(rest) > 1:
            found["warning" if word in _WARNING_WORDS else "critical"] = _value_of(rest[1], usage)
            rest = rest[2:]
        elif period is None and periods.is_valid(period_label(word)):
            period = periods.normalise(period_label(word))
            rest = rest[1:]
        else:
            raise CommandError("kpi.target.unexpected", {"word": word}, usage=usage)
    return KpiTargetSet(code, scope, target, found.get("warning"), found.get("critical"), period)


_PERIOD_ACTIONS = {
    "close": "close",
    "关闭": "close",
    "open": "open",
    "reopen": "open",
    "开启": "open",
    "重新开启": "open",
    "list": "list",
    "列表": "list",
}


def _parse_kpi_period(args: Args) -> Command:
    """`close PERIOD`, `open PERIOD`, or nothing (the closed periods)."""
    usage = "kpi.period"
    if not args.tokens:
        return KpiPeriodAct()
    action = _PERIOD_ACTIONS.get(args.tokens[0].norm)
    if action is None:
        raise CommandError("kpi.period.unknown_action", {"word": args.tokens[0].norm}, usage=usage)
    if action == "list":
        return KpiPeriodAct()
    if len(args.tokens) != 2:
        raise CommandError("kpi.period.missing", usage=usage)
    return KpiPeriodAct(action, _optional_period(args.tokens[1], usage))


_CORRECTION_DECISIONS = {
    **dict.fromkeys(["approve", "ok", "批准", "同意"], True),
    **dict.fromkeys(["reject", "decline", "驳回", "拒绝"], False),
}


def _parse_kpi_correction(args: Args) -> Command:
    """`approve N` or `reject N` (`批准 N`, `驳回 N`)."""
    usage = "kpi.correction"
    words = [token.norm for token in args.tokens]
    if len(words) != 2 or words[0] not in _CORRECTION_DECISIONS:
        raise CommandError("kpi.correction.bad", usage=usage)
    ref = words[1].lstrip("#")
    if not ref.isdigit():
        raise CommandError("kpi.correction.bad", usage=usage)
    return KpiCorrectionAct(int(ref), _CORRECTION_DECISIONS[words[0]])


def _is_value(text: str) -> bool:
    try:
        parse_value(text)
    except CommandError:
        return False
    return True


def _value_of(token: Token, usage: str) -> Value:
    try:
        return parse_value(token.norm)
    except CommandError as error:
        error.usage = usage
        raise


def _optional_period(token: Token, usage: str) -> str:
    label = period_label(token.norm)
    if not periods.is_valid(label):
        raise CommandError("error.bad_period", {"period": token.norm}, usage=usage)
    return periods.normalise(label)


def _parse_kpi_tree(args: Args) -> Command:
    usage = "kpi.tree"
    code = _kpi_code(args, usage)
    if len(args.tokens) > 2:
        raise CommandError("error.too_many_args", usage=usage)
    period = _optional_period(args.tokens[1], usage) if len(args.tokens) > 1 else None
    return KpiTree(code, period)


def _parse_kpi_assess(args: Args) -> Command:
    usage = "kpi.assess"
    period: str | None = None
    names: list[str] = []  # the words naming the person, which may be several ("@Ana Lima")
    previous_named = False
    for token in args.tokens:
        label = period_label(token.norm)
        if periods.is_valid(label) and period is None:
            period = periods.normalise(label)
            previous_named = False
        elif not periods.is_valid(label) and (not names or previous_named):
            names.append(args.original[token.start :].split()[0])
            previous_named = True
        else:
            raise CommandError("error.too_many_args", usage=usage)
    return KpiAssess(" ".join(names) or None, period)


def _parse_kpi_feedback(args: Args) -> Command:
    usage = "kpi.feedback"
    if len(args.tokens) < 3:
        raise CommandError("kpi.feedback.missing", usage=usage)
    subject = args.tokens[0].norm
    person_and_text = args.rest_from(1) or ""
    if (match := KR_REF.match(subject)) and subject.startswith(("kr", "#")):
        return KpiFeedbackSend(person_and_text, kr_number=int(match[1]))
    return KpiFeedbackSend(person_and_text, code=_kpi_code(args, usage))


def _parse_kpi_reply(args: Args) -> Command:
    usage = "kpi.reply"
    if len(args.tokens) < 2 or not args.tokens[0].norm.lstrip("#").isdigit():
        raise CommandError("kpi.feedback.missing_reply", usage=usage)
    return KpiFeedbackReply(int(args.tokens[0].norm.lstrip("#")), args.rest_from(1) or "")


_DEFINE_KEYS = {
    **dict.fromkeys(["name", "名称"], "name"),
    **dict.fromkeys(["name_zh", "zh", "中文名"], "name_zh"),
    **dict.fromkeys(["unit", "单位"], "unit"),
    **dict.fromkeys(["direction", "dir", "方向"], "direction"),
    **dict.fromkeys(["frequency", "freq", "频率"], "frequency"),
    **dict.fromkeys(["aggregation", "agg", "汇总"], "aggregation"),
}
_DEFINE_VALUES: dict[str, dict[str, object]] = {
    "direction": dict(KPI_DIRECTION_WORDS),
    "frequency": {
        **dict.fromkeys(["daily", "day", "日", "每日"], Frequency.DAILY),
        **dict.fromkeys(["weekly", "week", "周", "每周"], Frequency.WEEKLY),
        **dict.fromkeys(["monthly", "month", "月", "每月"], Frequency.MONTHLY),
        **dict.fromkeys(["quarterly", "quarter", "季", "季度", "每季"], Frequency.QUARTERLY),
    },
    "aggregation": {
        **dict.fromkeys(["sum", "total", "合计", "求和", "累加"], Aggregation.SUM),
        **dict.fromkeys(["avg", "average", "mean", "平均"], Aggregation.AVG),
        **dict.fromkeys(["last", "latest", "最新", "期末"], Aggregation.LAST),
    },
}
_DEFINE_PAIR = re.compile(r'\s*([^\s=]+)\s*=\s*("[^"]*"|“[^”]*”|\S*)')
_QUOTES = "\"“”'‘’"


# `名称 客户净推荐值` / `名称：…`: the name said with its field word in front.
_NAME_WORD = re.compile(r"^(?:名称|名字)\s*[:：]?\s*")


def _spaced_pairs(text: str) -> str:
    """`方向 越高越好` → `方向=越高越好`: a field with a fixed set of values (direction,
    frequency, aggregation) written with a space, where the word after it is one of them."""
    parts = re.split(r"(\s+)", text)  # words at even places, the spaces between at odd
    index = 0
    while index + 2 < len(parts):
        key = _DEFINE_KEYS.get(normalise(parts[index]))
        if key in _DEFINE_VALUES and normalise(parts[index + 2]) in _DEFINE_VALUES[key]:
            parts[index : index + 3] = [f"{parts[index]}={parts[index + 2]}"]
        index += 2
    return "".join(parts)


def _parse_kpi_define(args: Args) -> Command:
    """`CODE [Name] [key=value …]`: the name is the text before the first key=value."""
    usage = "kpi.define"
    code = _kpi_code(args, usage)
    rest = _spaced_pairs((args.rest_from(1) or "").replace("＝", "="))
    first_pair = re.search(r"[^\s=]+\s*=", rest)
    name_text = rest[: first_pair.start()] if first_pair else rest
    name_text = _NAME_WORD.sub("", name_text.strip(), count=1)
    fields: dict[str, Any] = {}
    if name_text.strip().strip(_QUOTES).strip():
        fields["name"] = name_text.strip().strip(_QUOTES).strip()
    position = first_pair.start() if first_pair else len(rest)
    while position < len(rest.rstrip()):
        match = _DEFINE_PAIR.match(rest, position)
        if match is None:
            raise CommandError("kpi.define.bad_field", {"field": rest[position:].strip()}, usage)
        key = _DEFINE_KEYS.get(normalise(match[1]))
        if key is None:
            raise CommandError("kpi.define.bad_field", {"field": match[1]}, usage=usage)
        raw = match[2].strip(_QUOTES).strip()
        value: Any = raw
        if key in _DEFINE_VALUES:
            value = _DEFINE_VALUES[key].get(normalise(raw))
            if value is None:
                raise CommandError(
                    "kpi.define.bad_value",
                    {"field": Phrase.of(f"audit.field.{key}"), "value": raw},
                    usage=usage,
                )
        fields[key] = value or None
        position = match.end()
    return KpiDefine(code, **fields)


VERBS: list[Verb] = [
    Verb("okr", ("list", "ls", "列表", "我的"), "okr.list", _parse_okr_list),
    Verb(
        "okr",
        ("update", "u", "更新"),
        "okr.update",
        _parse_okr_update,
    ),
    Verb(
        "okr",
        ("checkin", "check-in", "ci", "打卡", "签到", "进展"),
        "okr.checkin",
        checkin_grammar.parse_checkin,
    ),
    Verb("okr", ("adjust", "调整", "变更"), "okr.adjust", checkin_grammar.parse_adjust),
    Verb("okr", ("show", "view", "查看", "详情"), "okr.show", _parse_okr_show),
    Verb("okr", ("team", "reports", "团队", "下属"), "okr.team", lambda args: OkrTeam()),
    Verb("okr", ("help", "h", "?", "帮助"), "okr.help", _parse_help("okr")),
    Verb("okr", ("new", "create", "新建", "创建"), "okr.new", _parse_okr_new),
    Verb("okr", ("edit", "rework", "修改", "编辑"), "okr.edit", rework.parse_edit),
    Verb("okr", ("submit", "resubmit", "提交", "重新提交"), "okr.submit", rework.parse_submit),
    Verb("okr", ("approve", "批准", "同意"), "okr.approve", _parse_decision("approve")),
    Verb(
        "okr",
        ("changes", "request-changes", "send-back", "sendback", "退回", "要求修改"),
        "okr.changes",
        _parse_decision("changes"),
    ),
    Verb("okr", ("reject", "驳回", "拒绝"), "okr.reject", _parse_decision("reject")),
    Verb("okr", ("cancel", "取消"), "okr.cancel", _parse_cancel),
    Verb("okr", ("pause", "snooze", "vacation", "暂停", "休假"), "okr.pause", schedule.parse_pause),
    Verb("okr", ("delegate", "委托"), "okr.delegate", schedule.parse_delegate),
    Verb("okr", ("undelegate", "取消委托"), "okr.undelegate", schedule.parse_undelegate),
    Verb("okr", ("resume", "恢复"), "okr.resume", schedule.parse_resume),
    Verb("okr", ("prompts", "prompt", "提醒时间"), "okr.prompts", schedule.parse_prompts),
    Verb(
        "okr",
        ("map", "tree", "alignment", "地图", "目标地图", "对齐"),
        "okr.map",
        lifecycle.parse_map,
    ),
    Verb("okr", ("cycle", "cycles", "周期"), "okr.cycle", lifecycle.parse_cycle),
    Verb("okr", ("carry", "rollover", "结转"), "okr.carry", lifecycle.parse_carry),
    Verb("okr", ("score", "评分", "打分"), "okr.score", review.parse_score),
    Verb("okr", ("review", "retro", "复盘", "回顾"), "okr.review", review.parse_review),
    Verb("okr", ("link", "关联"), "okr.link", insights.parse_link),
    Verb("okr", ("unlink", "取消关联"), "okr.unlink", insights.parse_unlink),
    Verb("kpi", ("list", "ls", "列表"), "kpi.list", _parse_kpi_list),
    Verb("kpi", ("show", "view", "查看", "详情"), "kpi.show", _parse_kpi_show),
    Verb("kpi", ("record", "add", "记录", "录入", "上报"), "kpi.record", _parse_kpi_record),
    Verb("kpi", ("tree", "cascade", "分解", "树"), "kpi.tree", _parse_kpi_tree),
    Verb("kpi", ("assess", "assessment", "考核", "评估"), "kpi.assess", _parse_kpi_assess),
    Verb("kpi", ("feedback", "fb", "反馈"), "kpi.feedback", _parse_kpi_feedback),
    Verb("kpi", ("reply", "回复"), "kpi.reply", _parse_kpi_reply),
    Verb("kpi", ("ack", "acknowledge", "确认"), "kpi.ack", kpi_alert_grammar.parse_ack),
    Verb("kpi", ("assign", "指派"), "kpi.assign", kpi_alert_grammar.parse_assign),
    Verb("kpi", ("define", "def", "定义"), "kpi.define", _parse_kpi_define),
    Verb("kpi", ("help", "h", "?", "帮助"), "kpi.help", _parse_help("kpi")),
    Verb("hr", ("broadcast", "广播"), "hr.broadcast", schedule.parse_broadcast),
    Verb("hr", ("status", "状态"), "hr.status", schedule.parse_status),
    Verb("hr", ("insights", "insight", "洞察", "分析"), "hr.insights", lambda args: HrInsights()),
    Verb("hr", ("audit", "log", "审计", "审计日志"), "hr.audit", audit_grammar.parse_audit),
    Verb("hr", ("role", "角色"), "hr.role", _parse_hr_role),
    Verb("kpi", ("target", "targets", "目标"), "kpi.target", _parse_kpi_target),
    Verb("kpi", ("period", "periods", "周期"), "kpi.period", _parse_kpi_period),
    Verb("kpi", ("correction", "corrections", "更正"), "kpi.correction", _parse_kpi_correction),
    Verb("hr", ("help", "h", "?", "帮助"), "hr.help", _parse_help("hr")),
]
DEFAULT_VERB = {"okr": "list", "kpi": "list", "hr": "help"}
TOP_LEVEL_HELP = {"help", "h", "?", "帮助"}


def find_verb(namespace: str, name: str) -> Verb | None:
    """The verb of `namespace` that `name` (already normalised) is a name of."""
    return next((v for v in VERBS if v.namespace == namespace and name in v.names), None)


def parse(text: str) -> Command:
    """Parse one chat line into a Command, or raise CommandError saying what is wrong.

    The namespace (`/okr`, `okr`, `目标`, `/kpi`, `指标`) may be left out before an okr verb,
    so a Feishu message `更新 3 60` works. (Free text meant for a waiting flow never gets
    here: the core offers it to the flow first.)
    """
    tokens = tokenize(text)
    if not tokens:
        return Help()
    first = tokens[0].norm.lstrip("/")
    if first in NAMESPACES:
        namespace, rest = NAMESPACES[first], tokens[1:]
    elif first in TOP_LEVEL_HELP:
        return Help()
    elif find_verb("okr", first) is not None:
        namespace, rest = "okr", tokens
    else:
        raise CommandError("error.unknown_command", {"command": tokens[0].norm}, usage="help")
    if not rest:
        verb = find_verb(namespace, DEFAULT_VERB[namespace])
        assert verb is not None
        return verb.parse(Args([], text))
    verb = find_verb(namespace, rest[0].norm)
    if verb is None:
        unknown = {"namespace": namespace, "verb": rest[0].norm}
        close = closest_name(namespace, rest[0].norm)
        if close is not None:
            name, meant = close
            raise CommandError(
                "error.unknown_verb_close", unknown | {"close": name}, usage=meant.usage
            )
        raise CommandError("error.unknown_verb", unknown, usage=f"{namespace}.help")
    return verb.parse(Args(rest[1:], text))


def closest_name(namespace: str, word: str) -> tuple[str, Verb] | None:
    """The name of a `namespace` verb `word` is most likely a slip for (`updte` → `update`,
    `aprove` → `approve`), with its verb; None when nothing is close."""
    names = {name: verb for verb in VERBS if verb.namespace == namespace for name in verb.names}
    found = difflib.get_close_matches(word, [n for n in names if len(n) > 2], n=1, cutoff=0.75)
    return (found[0], names[found[0]]) if found else None


def command_instead(text: str) -> Command | None:
    """The command a line is, when its first word names a verb (`更新 1 4`, `list`) and the
    rest parses; None otherwise. For a line a waiting flow refused as its answer."""
    tokens = tokenize(text)
    if not tokens or find_verb("okr", tokens[0].norm) is None:
        return None
    try:
        return parse(text)
    except CommandError:
        return None


def is_explicit_command(text: str) -> bool:
    """True when the line is plainly addressed as a command: it starts with `/` or a
    namespace word (`okr`, `kpi`, `目标` …). Anything else may answer a waiting flow first."""
    tokens = tokenize(text)
    if not tokens:
        return False
    first = tokens[0].norm
    return first.startswith("/") or first in NAMESPACES
