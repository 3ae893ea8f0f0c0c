"""Encoding and delimiter sniffing of CSV files (UTF-8 with or without BOM, CP1252)."""

import pytest

from cartera.analytics.io import sniff_delimiter, sniff_encoding


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("cliente;importe\nPeña;1,5\n".encode(), "utf-8"),
        ("\ufeffcliente;importe\nPeña;1,5\n".encode(), "utf-8-sig"),
        ("cliente;importe\nPeña;1,5\n".encode("cp1252"), "cp1252"),
        ("cliente;importe\nPeña;1,5 €\n".encode("cp1252"), "cp1252"),
    ],
)
def test_sniff_encoding(tmp_path, data, expected):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert sniff_encoding(path) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["a;b;c", "1,5;2,5;x", "3;4;5"], ";"),
        (["a,b,c", '"1,5",2,x', "3,4,5"], ","),
        (["a\tb", "1,5\t2"], "\t"),
        (["a|b|c", "1;2|3|4"], "|"),
        (["only"], ","),
    ],
)
def test_sniff_delimiter_prefers_the_most_regular_split(lines, expected):
    assert sniff_delimiter(lines) == expected
