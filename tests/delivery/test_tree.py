"""Files of the static tree: addresses, atomic replacement, removal."""

import os

import pytest

from delivery import tree


@pytest.fixture
def root(settings, tmp_path):
    settings.DELIVERY_STATIC_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("path", "relative"),
    [
        ("/", "index.html"),
        ("/news/", "news/index.html"),
        ("/news/202603/t20260302_17.html", "news/202603/t20260302_17.html"),
        ("/news/rss.xml", "news/rss.xml"),
        ("/robots.txt", "robots.txt"),
        ("/../etc/passwd", None),
        ("/news/../../x.html", None),
        ("/.tmp.html", None),
        ("/news//x.html", None),
        ("/news/x.php", None),
        ("/news", None),
        ("/a\\b.html", None),
    ],
)
def test_addresses_map_to_files_inside_the_host_folder(path, relative):
    assert tree.relative_file(path) == relative
    if relative is not None:
        assert tree.address_of(relative) == path


def test_a_host_must_be_a_plain_host_name():
    assert tree.valid_host("heping.shenyang.example.cn")
    for host in ("", "..", "a/b", "a..b", "-a.cn", "A B"):
        assert not tree.valid_host(host)


def test_replacement_is_atomic(root):
    tree.write("a.example.cn", "/news/", b"first version")
    target = root / "a.example.cn" / "news" / "index.html"
    with open(target, "rb") as reader:
        tree.write("a.example.cn", "/news/", b"second version, longer")
        # A reader that opened the file before keeps the whole old file.
        assert reader.read() == b"first version"
    assert target.read_bytes() == b"second version, longer"
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(root, monkeypatch):
    tree.write("a.example.cn", "/", b"good")

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        tree.write("a.example.cn", "/", b"new")
    assert tree.read("a.example.cn", "/") == b"good"
    assert os.listdir(root / "a.example.cn") == ["index.html"]


def test_removal_prunes_empty_folders(root):
    tree.write("a.example.cn", "/news/202603/t20260302_17.html", b"x")
    tree.write("a.example.cn", "/news/", b"list")
    assert tree.remove("a.example.cn", "/news/202603/t20260302_17.html")
    assert not (root / "a.example.cn" / "news" / "202603").exists()
    assert tree.addresses("a.example.cn") == {"/news/"}
    assert not tree.remove("a.example.cn", "/news/202603/t20260302_17.html")
