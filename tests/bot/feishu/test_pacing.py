"""The token buckets keep sends within Feishu's limits."""

from __future__ import annotations

from bot.feishu.pacing import Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_five_per_second_to_one_user_then_waits() -> None:
    time = FakeTime()
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    delays = [pacer.wait("ou_ana") for _ in range(7)]
    assert delays[:5] == [0.0] * 5
    assert delays[5] > 0
    assert time.now >= 0.39  # 7 sends to one user need at least 2/5 s


def test_fifty_per_second_per_app_across_users() -> None:
    time = FakeTime()
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    for n in range(60):
        pacer.wait(f"ou_{n}")
    assert 0.19 <= time.now <= 0.21  # 10 over the 50 burst, at 50/s


def test_a_thousand_per_minute_per_app() -> None:
    time = FakeTime()
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    for n in range(1100):
        pacer.wait(f"ou_{n}")
    assert time.now >= 5.9  # 100 over the 1,000 burst, at 1,000/min
