from __future__ import annotations

from jointcampaign.render.frame.layout import frame_size
from jointcampaign.render.video.memory_budget import (
    DEFAULT_BUDGET_MIB,
    encoder_threads,
    pass_mib,
    plan_passes,
)

ALL_ASPECTS = [frame_size(aspect, 1080) for aspect in ("16:9", "9:16", "1:1", "4:5")]


def test_all_four_1080p_aspects_share_one_decode_within_the_budget() -> None:
    assert pass_mib(ALL_ASPECTS, threads=1) < DEFAULT_BUDGET_MIB
    assert plan_passes(ALL_ASPECTS, DEFAULT_BUDGET_MIB, cores=2) == [[0, 1, 2, 3]]


def test_a_tighter_budget_splits_the_cuts_into_passes_in_order() -> None:
    passes = plan_passes(ALL_ASPECTS, 900, cores=2)
    assert [index for group in passes for index in group] == [0, 1, 2, 3]
    assert len(passes) > 1
    for group in passes:
        sizes = [ALL_ASPECTS[i] for i in group]
        assert len(group) == 1 or pass_mib(sizes, encoder_threads(2, len(group))) <= 900


def test_a_cut_too_big_for_the_budget_still_gets_its_own_pass() -> None:
    assert plan_passes([(3840, 2160), (1920, 1080)], 100, cores=2) == [[0], [1]]


def test_encoders_share_the_cores() -> None:
    assert encoder_threads(2, 1) == 2
    assert encoder_threads(2, 4) == 1
    assert encoder_threads(8, 4) == 2
