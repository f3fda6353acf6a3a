import pytest
from django.core.exceptions import ValidationError

from licensing.validators import (
    is_valid_licence_number,
    licence_check_character,
    uscc_check_character,
    validate_uscc,
)


def test_published_example_credit_code_is_valid() -> None:
    validate_uscc("91350100M000100Y43")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "check character"),
        ("91350100M000100Y4", "18 characters"),
        ("91350100M0001O0Y43", "cannot contain O"),
        ("", "18 characters"),
    ],
)
def test_bad_credit_codes_are_refused_with_a_reason(code: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_uscc(code)


def test_credit_code_check_character_is_computed_over_17_characters() -> None:
    assert uscc_check_character("91350100M000100Y4") == "3"


def test_licence_number_detects_a_single_typo() -> None:
    body = "RE2026000123"
    number = body + licence_check_character(body)
    assert is_valid_licence_number(number)
    assert not is_valid_licence_number("RE2026000124" + number[-1])
