"""Validators for identifiers used across the portal, the dashboard and the API."""

from django.core.exceptions import ValidationError

# GB 32100-2015: the unified social credit code is 18 characters from this 31-character set
# (no I, O, S, V or Z); the 18th is a check character over the first 17, modulo 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Reject a unified social credit code with a bad length, character or check character."""
    code = value.strip().upper()
    if len(code) != 18:
        raise ValidationError(
            "A unified social credit code has 18 characters; this one has %(n)d.",
            code="uscc_length",
            params={"n": len(code)},
        )
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            "A unified social credit code cannot contain %(chars)s.",
            code="uscc_character",
            params={"chars": ", ".join(bad)},
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            "The check character of this unified social credit code is wrong "
            "(the last character should be %(expected)s). Please check for a typing error.",
            code="uscc_check",
            params={"expected": expected},
        )


# Licence numbers end in a Luhn mod-36 check character, so a mistyped number is caught by
# anyone verifying a licence before it is looked up.
LICENCE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def licence_check_character(body: str) -> str:
    n = len(LICENCE_ALPHABET)
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * LICENCE_ALPHABET.index(char)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return LICENCE_ALPHABET[(n - total % n) % n]


def is_valid_licence_number(number: str) -> bool:
    body, check = number[:-1].replace("-", ""), number[-1:]
    valid_chars = body.isalnum() and all(c in LICENCE_ALPHABET for c in body)
    return bool(check) and valid_chars and licence_check_character(body) == check
