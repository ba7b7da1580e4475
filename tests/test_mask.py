from tui.core.mask import PLAIN_MASK, mask_in, mask_number


def test_a_long_number_keeps_its_first_and_last_four() -> None:
    assert mask_number("15555555510") == "1555•••5510"


def test_a_short_number_keeps_only_its_last_two() -> None:
    assert mask_number("5551234") == "•••34"
    assert mask_number("123") == "•••"


def test_the_plain_mask_is_ascii() -> None:
    assert mask_number("15555555510", mask=PLAIN_MASK) == "1555***5510"


def test_a_number_quoted_in_a_text_is_masked_wherever_it_occurs() -> None:
    text = "Mobile number 15555550102 is invalid (+15555550102)"
    assert mask_in(text, "15555550102") == "Mobile number 1555•••0102 is invalid (+1555•••0102)"
    assert mask_in("Rejected", "15555550102") == "Rejected"
    assert mask_in("an empty number masks nothing", "") == "an empty number masks nothing"
