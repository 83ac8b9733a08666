"""OKR ↔ KPI relations on generated histories: a planted relation is found, chance is not."""

from __future__ import annotations

import itertools
import math
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from digests.insights.relations import (
    MIN_PERIODS,
    Subject,
    changes,
    correlate,
    find_relations,
    kpi_weekly,
    kr_weekly,
    strength,
)
from digests.insights.stats import ranks, spearman, spearman_p_value

CYCLE_START = date(2026, 9, 28)  # a Monday
SALES = ("department", 1)


def kr_subject(key: str, steps: list[float], group: object = SALES) -> Subject:
    """A KR checked in every Wednesday, moving by `steps`."""
    check_ins = []
    value = 0.0
    for week, step in enumerate(steps):
        value += step
        at = datetime(2026, 9, 30, 9, tzinfo=UTC) + timedelta(weeks=week)
        check_ins.append((at, value))
    return Subject(key, group, kr_weekly(start=0.0, cycle_start=CYCLE_START, check_ins=check_ins))


def kpi_subject(key: str, values: list[float], group: object = SALES) -> Subject:
    """A weekly KPI read for the weeks of the KR above (period ends on Sundays)."""
    readings = [(date(2026, 10, 4) + timedelta(weeks=w), v) for w, v in enumerate(values)]
    return Subject(key, group, kpi_weekly(readings, "last"))


def planted(weeks: int, seed: int = 1) -> tuple[Subject, Subject, list[float]]:
    rng = random.Random(seed)
    steps = [rng.uniform(0, 10) for _ in range(weeks)]
    level = 50.0
    kpi_values = []
    for step in steps:
        level += 0.3 * step + rng.gauss(0, 0.3)  # moves with the KR, a little noise
        kpi_values.append(level)
    return kr_subject("KR-1", steps), kpi_subject("CSAT", kpi_values), steps


def test_planted_relation_is_found_with_its_rho_and_periods() -> None:
    kr, kpi, steps = planted(12)
    found = find_relations([kr], [kpi])
    assert len(found) == 1
    relation = found[0]
    assert (relation.kr, relation.kpi) == ("KR-1", "CSAT")
    # 12 weekly check-ins and 12 weekly readings: 11 week-on-week changes compared.
    assert relation.periods == 11
    xs, ys = changes(kr.weekly, kpi.weekly)
    assert xs == pytest.approx(steps[1:])
    assert relation.rho == pytest.approx(spearman(xs, ys))
    assert relation.rho > 0.9
    assert relation.strength == "strong"


def test_random_pairs_are_not_reported() -> None:
    rng = random.Random(7)
    krs = [kr_subject(f"KR-{i}", [rng.uniform(0, 10) for _ in range(12)]) for i in range(40)]
    kpis = [kpi_subject(f"K{i}", [rng.gauss(50, 5) for _ in range(12)]) for i in range(10)]
    assert find_relations(krs, kpis, limit=None) == []  # 400 pairs tested, none reported


def test_planted_relation_stands_out_among_random_pairs() -> None:
    rng = random.Random(11)
    krs = [kr_subject(f"KR-{i}", [rng.uniform(0, 10) for _ in range(12)]) for i in range(20)]
    kpis = [kpi_subject(f"K{i}", [rng.gauss(50, 5) for _ in range(12)]) for i in range(5)]
    kr, kpi, _ = planted(12, seed=3)
    found = find_relations([*krs, kr], [*kpis, kpi], limit=3)
    assert [(r.kr, r.kpi) for r in found] == [("KR-1", "CSAT")]


def test_fewer_than_six_periods_are_never_reported() -> None:
    # Perfectly related, but only 5 week-on-week changes.
    kr, kpi, _ = planted(MIN_PERIODS)
    assert len(changes(kr.weekly, kpi.weekly)[0]) == MIN_PERIODS - 1
    assert correlate(kr, kpi) is None
    assert find_relations([kr], [kpi]) == []
    longer, longer_kpi, _ = planted(MIN_PERIODS + 1)
    assert correlate(longer, longer_kpi) is not None


def test_only_the_same_group_is_paired() -> None:
    kr, kpi, _ = planted(12)
    elsewhere = Subject("CSAT", ("department", 2), kpi.weekly)
    assert find_relations([kr], [elsewhere]) == []


def test_weeks_without_a_kpi_reading_are_left_out() -> None:
    kr, kpi, steps = planted(12)
    gappy = Subject(
        kpi.key, kpi.group, {w: v for i, (w, v) in enumerate(kpi.weekly.items()) if i not in (3, 7)}
    )
    xs, ys = changes(kr.weekly, gappy.weekly)
    # each missing week removes the change into and out of it: weeks 3, 4, 7 and 8 go
    kept = (1, 2, 5, 6, 9, 10, 11)
    levels = list(kpi.weekly.values())
    assert xs == pytest.approx([steps[i] for i in kept])
    assert ys == pytest.approx([levels[i] - levels[i - 1] for i in kept])


def test_kr_keeps_its_value_between_check_ins() -> None:
    weekly = kr_weekly(
        start=5.0,
        cycle_start=CYCLE_START,
        check_ins=[
            (datetime(2026, 10, 7, tzinfo=UTC), 10.0),
            (datetime(2026, 10, 8, tzinfo=UTC), 12.0),  # same week: the later one counts
            (datetime(2026, 10, 21, tzinfo=UTC), 20.0),
        ],
    )
    assert list(weekly.values()) == [5.0, 12.0, 12.0, 20.0]


def test_kpi_weeks_follow_the_aggregation() -> None:
    days = [(date(2026, 10, 5), 2.0), (date(2026, 10, 6), 4.0)]
    assert list(kpi_weekly(days, "sum").values()) == [6.0]
    assert list(kpi_weekly(days, "avg").values()) == [3.0]
    assert list(kpi_weekly(days, "last").values()) == [4.0]


def test_strength_words_and_statistics() -> None:
    assert [strength(r) for r in (0.2, -0.5, 0.71, -0.9)] == [
        "weak",
        "moderate",
        "strong",
        "strong",
    ]
    assert ranks([3, 1, 2, 2]) == [4.0, 1.0, 2.5, 2.5]
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 1], [1, 2, 3]) is None
    # Beyond EXACT_MAX, as scipy.stats.spearmanr reports it: t = 1.664 with 28 degrees of freedom.
    assert spearman_p_value(0.3, 30) == pytest.approx(0.10725, abs=1e-4)


@pytest.mark.parametrize("count", [6, 7, 8])
def test_exact_p_value_matches_enumerating_every_permutation(count: int) -> None:
    everything = [
        spearman(list(range(count)), list(order)) for order in itertools.permutations(range(count))
    ]
    for rho in (1.0, 0.9, 0.75, 0.5, 0.1, -0.8):
        expected = sum(1 for r in everything if r is not None and abs(r) >= abs(rho) - 1e-9)
        assert spearman_p_value(rho, count) == pytest.approx(expected / len(everything))


def test_exact_p_value_is_far_above_the_t_approximation_in_the_tail() -> None:
    # ρ = 0.983 over 9 pairs: 18 of the 9! orderings reach it (Σd² ≤ 2, either sign).
    assert spearman_p_value(1 - 6 * 2 / (9 * 80), 9) == pytest.approx(18 / math.factorial(9))


def test_batch_pairing_matches_one_pair_at_a_time() -> None:
    rng = random.Random(23)
    # Whole-number steps make ties, gaps make pairs compare different weeks.
    krs = [
        kr_subject(f"KR-{i}", [float(rng.randrange(0, 4)) for _ in range(rng.randrange(5, 14))])
        for i in range(60)
    ]
    kpis = []
    for i in range(6):
        values = [float(rng.randrange(40, 46)) for _ in range(12)]
        kpi = kpi_subject(f"K{i}", values)
        dropped = rng.sample(sorted(kpi.weekly), rng.randrange(0, 3))
        kpis.append(
            Subject(kpi.key, kpi.group, {w: v for w, v in kpi.weekly.items() if w not in dropped})
        )
    everything = find_relations(krs, kpis, limit=None, rate=1.0, min_rho=0.0)
    one_by_one = [found for kr in krs for kpi in kpis if (found := correlate(kr, kpi))]
    assert len(everything) == len(one_by_one) > 100
    expected = {(r.kr, r.kpi): r for r in one_by_one}
    for relation in everything:
        single = expected[(relation.kr, relation.kpi)]
        assert relation.periods == single.periods
        assert relation.rho == pytest.approx(single.rho)
        assert relation.p_value == pytest.approx(single.p_value)
