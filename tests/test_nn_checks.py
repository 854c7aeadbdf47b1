"""nn.checks: one rule for counts and one for numbers in a range, and the words each refusal says."""

import math

import numpy as np
import pytest

from nn import checks


def test_count_takes_whole_numbers_at_or_above_the_minimum():
    assert checks.count("n", 3) == 3 and type(checks.count("n", np.int64(3))) is int
    assert checks.count("epochs", 0, 0) == 0
    assert checks.optional_count("batch_size", None) is None


@pytest.mark.parametrize("bad", [0, -2, 1.5, "3", True, None])
def test_count_refuses_the_rest_in_one_sentence(bad):
    with pytest.raises(ValueError, match=rf"^n must be a whole number >= 1, got {re_escape(bad)}$"):
        checks.count("n", bad)


def re_escape(value) -> str:
    import re

    return re.escape(repr(value))


def test_optional_count_says_none_is_accepted_and_accepted_rewords():
    with pytest.raises(ValueError, match=r"^batch_size must be a whole number >= 1 or None, got 0$"):
        checks.optional_count("batch_size", 0)
    with pytest.raises(ValueError, match=r"^--epochs must be >= 0, got -3$"):
        checks.count("--epochs", -3, 0, accepted=">= 0")


def test_number_in_a_range():
    assert checks.number("l2", 0) == 0.0 and type(checks.number("l2", 1)) is float
    assert checks.number("val", 0.5, 0.0, 1.0) == 0.5
    with pytest.raises(ValueError, match=r"^val must be a finite number in \[0, 1\), got 1$"):
        checks.number("val", 1, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"^lr must be a finite number >= 0, got -0.1$"):
        checks.number("lr", -0.1)
    with pytest.raises(ValueError, match="finite"):
        checks.number("lr", math.inf)
    with pytest.raises(ValueError, match="finite"):
        checks.number("lr", math.nan)


@pytest.mark.parametrize("bad", ["0.1", None, True, [1.0]])
def test_something_that_is_no_number_is_a_type_error(bad):
    with pytest.raises(TypeError, match=r"^momentum must be a number, got "):
        checks.number("momentum", bad)
