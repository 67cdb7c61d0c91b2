from shoumen.lib.pinyin import MAX_SEARCH_TEXT, pinyin_keys, search_text


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


def test_search_text_of_a_long_heteronym_name_is_capped_at_a_whole_key():
    text = search_text("单曾单曾单曾单曾单曾")
    assert len(text) <= MAX_SEARCH_TEXT
    assert text.split()[0] == "单曾单曾单曾单曾单曾"
    assert all(key.isalpha() for key in text.split())


def test_names_are_read_word_by_word_exactly_as_pypinyin_reads_them_whole():
    from pypinyin import Style, pinyin

    from shoumen.lib.pinyin import _readings

    names = ["单于明", "欧阳晓明", "长孙无忌", "尉迟恭", "曾重庆"]
    names += ["朝阳", "乐乐", "张伟", "王A刚", "李 四"]
    for name in names:
        whole = pinyin(name, style=Style.NORMAL, heteronym=True, strict=False, errors="default")
        assert [list(r) for r in _readings(name)] == whole, name
