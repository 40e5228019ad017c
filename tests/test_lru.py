"""The per-process memos' bounded map forgets its least recently used entry first."""

from safkat.lru import LeastRecentlyUsed


def test_the_least_recently_used_entry_is_forgotten_first():
    entries = LeastRecentlyUsed(2)
    entries.put("a", 1)
    entries.put("b", 2)
    assert entries.get("a") == 1  # "a" used last: "b" goes first
    entries.put("c", 3)
    assert [entries.get(key) for key in "abc"] == [1, None, 3]
    entries.clear()
    assert entries.get("a") is None
