"""The CRD `format` checkers (proxy/apiserver/strformats.py) as a table: each value with what kube-openapi's
strfmt.Default.Validates answered for it when run in Go, the edges where the Go parsers behind the formats are
more or less lenient than the format's name suggests included."""

from __future__ import annotations

import pytest
from watchproxy.apiserver import strformats

CASES: list[tuple[str, str, bool]] = [
    # byte: padded standard base64, nothing else
    ("byte", "aGVsbG8=", True), ("byte", "aGVsbA==", True), ("byte", "+/+/", True),
    ("byte", "", False), ("byte", "aGVsbG8", False), ("byte", "a-_b", False), ("byte", "aGVs\n", False),
    ("byte", "ab=c", False),
    # creditcard: every non-digit is dropped first, then a card number's pattern and the Luhn sum
    ("creditcard", "4111111111111111", True), ("creditcard", "4111-1111-1111-1111", True),
    ("creditcard", "4111 x1111 1111 1111", True), ("creditcard", "340000000000009", True),
    ("creditcard", "4111111111111112", False), ("creditcard", "1234567812345670", False),
    ("creditcard", "4111１111111111111", True),  # a full-width digit is no [0-9], so it is dropped
    # email: net/mail.ParseAddress, display names, groups of one and comments too
    ("email", "a@b.c", True), ("email", "a@b", True), ("email", "John Doe <john@example.com>", True),
    ("email", "<a@b>", True), ("email", '"quoted"@example.com', True), ("email", "a@[1.2.3.4]", True),
    ("email", "a@[::1]", True), ("email", "Group: a@b.c;", True), ("email", "a@b.c (comment)", True),
    ("email", "é@ü.de", True), ("email", "Jörg <j@x.y>", True), ("email", "=?utf-8?q?J=C3=B6rg?= <j@x.y>", True),
    ("email", "x =?foo?q?x?= <j@x.y>", True), ("email", "=?us-aſcii?q?x?= <a@b>", True),
    ("email", "John (x) Doe <a@b>", True), ("email", "a@b.c (x (y) \\) z)", True),
    ("email", "=?foo?q?x?= <j@x.y>", False), ("email", "a@b (=?foo?b?YQ==?=)", False), ("email", "a..b@c", False),
    ("email", ".a@b", False), ("email", '""@b', False), ("email", "a @b", False), ("email", "G:;", False),
    ("email", "G: a@b, c@d;", False), ("email", "a@b, c@d", False), ("email", "a@[fe80::1%eth0]", False),
    ("email", "a@[1.2.3.04]", False), ("email", "a@b.c (unclosed", False), ("email", "John Doe", False),
    ("email", "=?utf-8?q?a?= (c) <a@b>", False),
    # hexcolor
    ("hexcolor", "#fff", True), ("hexcolor", "fff", True), ("hexcolor", "#FfAa00", True),
    ("hexcolor", "#ffff", False), ("hexcolor", "#ggg", False), ("hexcolor", "#fff\n", False),
    # hostname: letters and symbols of any script (Unicode 15.0's), a top-level label of letters only
    ("hostname", "example.com", True), ("hostname", "a", True), ("hostname", "a-", True), ("hostname", "a.bc", True),
    ("hostname", "例え.テスト", True), ("hostname", "☃.net", True), ("hostname", "a$b.com", True),
    ("hostname", "\U0001fa75.com", True), ("hostname", "a.\U00031350\U00031350", True), ("hostname", "a" * 63, True),
    ("hostname", "a\ud800", True),  # Go reads a lone surrogate as U+FFFD, a symbol
    ("hostname", "a.b", False), ("hostname", "1.2.3.4", False), ("hostname", "-a", False),
    ("hostname", "foo_bar.com", False), ("hostname", "a" * 64, False), ("hostname", "a.😀", False),
    ("hostname", "a..bc", False), ("hostname", "a.bc.", False), ("hostname", ".".join(["a" * 63] * 4) + "z", False),
    # ipv4: k8s.io/utils' sloppy parser (leading zeros), any IPv6 form with a dot in it too
    ("ipv4", "1.2.3.4", True), ("ipv4", "01.02.03.004", True), ("ipv4", "::ffff:1.2.3.4", True),
    ("ipv4", "::1.2.3.4", True), ("ipv4", "256.1.1.1", False), ("ipv4", "1.2.3", False), ("ipv4", "::1", False),
    ("ipv4", "1.2.3.4/8", False),
    # ipv6: net.ParseIP (no leading zeros in a dotted tail, no zone), IPv4-mapped forms too
    ("ipv6", "::1", True), ("ipv6", "::", True), ("ipv6", "2001:db8::1", True), ("ipv6", "::ffff:1.2.3.4", True),
    ("ipv6", "1:2:3:4:5:6:7::", True), ("ipv6", "fe80::1%eth0", False), ("ipv6", "1.2.3.4", False),
    ("ipv6", "::1.2.3.04", False), ("ipv6", "12345::", False), ("ipv6", "1:2:3:4:5:6:7:8:9", False),
    ("ipv6", "1::2::3", False), ("ipv6", "1:2:3:4:5:6:7:8::", False),
    # cidr: the sloppy parser again, a decimal prefix length the address has room for
    ("cidr", "1.2.3.4/8", True), ("cidr", "01.2.3.4/08", True), ("cidr", "::/0", True),
    ("cidr", "::ffff:1.2.3.4/96", True), ("cidr", "0000000001::/64", True), ("cidr", "1.2.3.4/33", False),
    ("cidr", "::1/129", False), ("cidr", "1.2.3.4", False), ("cidr", "1.2.3.4/+8", False), ("cidr", "1.2.3.4/", False),
    # isbn, isbn10, isbn13: spaces (\s, not \v) and dashes dropped, then the check digit
    ("isbn", "0-306-40615-2", True), ("isbn", "978-0-306-40615-7", True), ("isbn", "123456789X", True),
    ("isbn", "\t0306406152\n", True), ("isbn", "0306406153", False), ("isbn", "0306406152\v", False),
    ("isbn10", "0306406152", True), ("isbn10", "0 306 40615 2", True), ("isbn10", "123456789x", False),
    ("isbn10", "9780306406157", False),
    ("isbn13", "9780306406157", True), ("isbn13", "978 0 306 40615 7", True), ("isbn13", "9780306406158", False),
    ("isbn13", "0306406152", False),
    # mac: net.ParseMAC, 6, 8 or 20 octets
    ("mac", "01:23:45:67:89:ab", True), ("mac", "01-23-45-67-89-AB", True), ("mac", "0123.4567.89ab", True),
    ("mac", "0123456789ab", True), ("mac", ":".join(["ab"] * 20), True),
    ("mac", "01:23-45:67:89:ab", False), ("mac", "01:23:45:67:89", False), ("mac", "01:23:45:67:89:ab:cd", False),
    ("mac", "0123.4567-89ab", False),
    # password: anything
    ("password", "", True), ("password", "any thing\n", True),
    # rgbcolor
    ("rgbcolor", "rgb(0,0,0)", True), ("rgbcolor", "rgb( 255 , 255 , 255 )", True),
    ("rgbcolor", "rgb(\t1,\n2,\r3)", True), ("rgbcolor", "rgb(256,0,0)", False), ("rgbcolor", "rgb(01,0,0)", False),
    ("rgbcolor", "RGB(0,0,0)", False), ("rgbcolor", "rgb(\v1,2,3)", False),
    # ssn: eleven bytes long, so the separators are there
    ("ssn", "123-45-6789", True), ("ssn", "123 45 6789", True), ("ssn", "123-45 6789", True),
    ("ssn", "123456789", False), ("ssn", "123-456789", False), ("ssn", "١٢٣-٤٥-٦٧٨٩", False),
    # uri: url.ParseRequestURI, an absolute URI or an absolute path; strict colons in an http(s) host
    ("uri", "http://example.com", True), ("uri", "/path", True), ("uri", "*", True), ("uri", "mailto:x@y", True),
    ("uri", "http:", True), ("uri", "//host/p", True), ("uri", "http://[::1]:80/", True),
    ("uri", "http://[fe80::1%25en0]/", True), ("uri", "mongodb://a:1,b:2/", True), ("uri", "http://%C3%A9/", True),
    ("uri", "http://h/é#x", True), ("uri", "http://user@@host/", True), ("uri", "ftp://[::ffff:1.2.3.4]/", True),
    ("uri", "rel/path", False), ("uri", ":foo", False), ("uri", "", False), ("uri", "http://[1.2.3.4]/", False),
    ("uri", "http://a:1:2/", False), ("uri", "http://a b/", False), ("uri", "http://%41/", False),
    ("uri", "/a%2", False), ("uri", "/a\x7f", False), ("uri", "http://x y@h/", False),
    ("uri", "http://[fe80::1%25%2f]/", False),
    # uuid, uuid3, uuid4, uuid5: dashes optional, either case
    ("uuid", "123e4567-e89b-12d3-a456-426614174000", True), ("uuid", "123e4567e89b12d3a456426614174000", True),
    ("uuid", "123E4567-E89B-12D3-A456-426614174000", True), ("uuid", "123e4567-e89b-12d3-a456-42661417400", False),
    ("uuid", "{123e4567-e89b-12d3-a456-426614174000}", False),
    ("uuid3", "a3bb189e-8bf9-3888-9912-ace4e6543002", True), ("uuid3", "a3bb189e-8bf9-4888-9912-ace4e6543002", False),
    ("uuid4", "123e4567-e89b-42d3-B456-426614174000", True), ("uuid4", "123e4567-e89b-42d3-c456-426614174000", False),
    ("uuid5", "123e4567-e89b-52d3-8456-426614174000", True), ("uuid5", "123e4567-e89b-42d3-8456-426614174000", False),
    # date: time.Parse("2006-01-02"), with its day-of-month check
    ("date", "2020-02-29", True), ("date", "2000-02-29", True), ("date", "0000-02-29", True),
    ("date", "2019-02-29", False), ("date", "1900-02-29", False), ("date", "2020-04-31", False),
    ("date", "2020-13-01", False), ("date", "2020-1-01", False), ("date", "2020-01-01\n", False),
    # date-time
    ("date-time", "2020-01-01T10:00:00Z", True), ("date-time", "2020-01-01t10:00:00z", True),
    ("date-time", "2020-01-01T10:00:00.123+01:00", True), ("date-time", "2020-01-01T10:00:00Zt whatever", True),
    ("date-time", "2020-01-01T10:00:00x5Z", True), ("date-time", "2020-01-01T10:00:00İ5z", True),
    ("date-time", "2020-01-01T24:00:00Z", False), ("date-time", "2020-01-01T10:00:00", False),
    ("date-time", "2020-02-30T10:00:00Z", False), ("date-time", "2020-01-01T10:00:00+0100", False),
    ("date-time", "2020-01-01 10:00:00Z", False),
    # duration: time.ParseDuration, else number-and-unit pairs in Scala's words
    ("duration", "1s", True), ("duration", "1h30m", True), ("duration", "-1.5h", True), ("duration", "0", True),
    ("duration", "1µs", True), ("duration", "1μs", True), ("duration", "3 days", True), ("duration", "5 MS", True),
    ("duration", "2 weeks and 1 fortnight", True), ("duration", "2562048h", True),
    ("duration", "9223372036854775808ns9223372036854775808ns", True),  # Go's uint64 sum wraps to zero
    ("duration", "", False), ("duration", "1", False), ("duration", "1 fortnight", False),
    ("duration", "9223372036854775808ns", False), ("duration", "1 day 99999999999999999999 x", False),
    # bsonobjectid: 12 bytes in hex
    ("bsonobjectid", "507f1f77bcf86cd799439011", True), ("bsonobjectid", "507F1F77BCF86CD799439011", True),
    ("bsonobjectid", "507f1f77bcf86cd79943901", False), ("bsonobjectid", "507f1f77bcf86cd79943901g", False),
    # k8s-short-name, k8s-long-name
    ("k8s-short-name", "abc", True), ("k8s-short-name", "a-b", True), ("k8s-short-name", "a" * 63, True),
    ("k8s-short-name", "-a", False), ("k8s-short-name", "A", False), ("k8s-short-name", "a" * 64, False),
    ("k8s-short-name", "a.b", False),
    ("k8s-long-name", "a.b.c", True), ("k8s-long-name", "a" * 70 + ".b", True), ("k8s-long-name", "a" * 253, True),
    ("k8s-long-name", "a..b", False), ("k8s-long-name", "a" * 254, False), ("k8s-long-name", "a.", False),
]


@pytest.mark.parametrize(("name", "value", "want"), CASES)
def test_answers_as_go(name: str, value: str, want: bool) -> None:
    assert strformats.valid(name, value) is want


@pytest.mark.parametrize(("name", "value", "want"), [
    ("datetime", "2020-01-01T10:00:00Z", True), ("k8sshortname", "a", True), ("k8s-shortname", "A", False),
    ("uu-id", "123e4567e89b12d3a456426614174000", True),
])
def test_dashes_do_not_matter_in_names(name: str, value: str, want: bool) -> None:
    assert strformats.valid(name, value) is want


@pytest.mark.parametrize("name", ["DATE", "Date", "url", "int32", "", "k8s_short_name", "date time"])
def test_names_the_registry_lacks(name: str) -> None:
    assert strformats.valid(name, "x") is None
