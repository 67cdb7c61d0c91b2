from shoumen.lib.pinyin import pinyin_keys, search_text


def test_heteronym_surnames_index_every_reading():
    keys = pinyin_keys("单明")
    assert {"shanming", "danming", "sm", "dm"} <= set(keys)
    assert {"zengli", "cengli", "zl", "cl"} <= set(pinyin_keys("曾丽"))


def test_search_text_starts_with_the_name():
    keys = search_text("王刚").split()
    assert keys[0] == "王刚"
    assert {"wanggang", "wg"} <= set(keys)


def test_empty_name_has_no_keys():
    assert pinyin_keys("  ") == []
