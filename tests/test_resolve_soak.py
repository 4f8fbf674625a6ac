"""Soak: a generated 4,000-entry list resolved by the CLI against local services that misbehave."""

from __future__ import annotations

import pytest

from bench.bench_soak import soak


@pytest.mark.slow
def test_a_4000_entry_list_resolves_through_10_percent_faults() -> None:
    result = soak(4000, latency=0.05, fault_rate=0.1)
    print(f"soak: {result}")
    assert result.exit_status in (0, 1)  # finished: 1 only for papers no service knows
    assert result.lockfile_valid
    assert result.peak_mb < 300
    assert result.requests_per_entry <= 1.5
    assert result.second_run_requests == 0
    assert result.statuses.get("listed", 0) == 0
