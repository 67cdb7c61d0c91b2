import pytest
from cryptography.exceptions import InvalidTag

from shoumen.lib.crypto import blind_index, decrypt, encrypt


def test_encryption_round_trips_and_differs_each_time():
    a = encrypt("110105198503070019", context="person.id_number")
    b = encrypt("110105198503070019", context="person.id_number")
    assert a != b
    assert decrypt(a, context="person.id_number") == "110105198503070019"


def test_ciphertext_is_bound_to_its_field():
    token = encrypt("13812345678", context="person.phone")
    with pytest.raises(InvalidTag):
        decrypt(token, context="person.id_number")


def test_blind_index_is_deterministic_and_keyed_per_context():
    assert blind_index("x", context="a") == blind_index("x", context="a")
    assert blind_index("x", context="a") != blind_index("x", context="b")


def test_blind_index_changes_with_the_data_key(settings):
    before = blind_index("x", context="a")
    settings.SHOUMEN_DATA_KEY = b"k" * 32
    assert blind_index("x", context="a") != before
