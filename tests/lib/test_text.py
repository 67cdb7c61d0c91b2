from hypothesis import given
from hypothesis import strategies as st

from shoumen.lib.text import _SPACES, strip_all_spaces

typed = st.text(alphabet=st.sampled_from([*_SPACES, "a", "号", "１", "-", "\u2028", "x"]))


@given(st.one_of(typed, st.text()))
def test_every_kind_of_space_is_dropped_and_nothing_else(text):
    assert strip_all_spaces(text) == "".join(ch for ch in text if ch not in _SPACES)


def test_full_width_and_zero_width_spaces_go_too():
    assert strip_all_spaces(" 1\u30002\t3\u00a04\u200b5\ufeff ") == "12345"
