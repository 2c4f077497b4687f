"""Errors keep everything a user needs to fix their input, even after crossing into another process."""

from __future__ import annotations

import pickle
from pathlib import Path

from jointcampaign.errors import Problem, StageFailedError, UserInputError


def test_user_input_error_survives_pickling_with_every_problem() -> None:
    error = UserInputError(
        [
            Problem(file=Path("copy/post.md"), message="empty", fix="write the post", line=3),
            Problem(file=Path("campaign.yaml"), message="unknown language", fix="use a BCP 47 tag", field="languages"),
        ]
    )
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, UserInputError)
    assert copy.problems == error.problems
    assert str(copy) == str(error)
    assert "copy/post.md" in str(copy) and "languages" in str(copy)


def test_other_project_errors_keep_their_message_when_pickled() -> None:
    copy = pickle.loads(pickle.dumps(StageFailedError("the encoder crashed")))
    assert isinstance(copy, StageFailedError) and str(copy) == "the encoder crashed"
