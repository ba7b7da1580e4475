from tui.core.mask import PLAIN_MASK, mask_number


def test_a_long_number_keeps_its_first_and_last_four() -> None:
    assert mask_number("15555555510") == "1555•••5510"


def test_a_short_number_keeps_only_its_last_two() -> None:
    assert mask_number("5551234") == "•••34"
    assert mask_number("123") == "•••"


def test_the_plain_mask_is_ascii() -> None:
    assert mask_number("15555555510", mask=PLAIN_MASK) == "1555***5510"
