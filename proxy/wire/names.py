"""The formats of Kubernetes names, label keys and label values, and the apiserver's words for each way a
string misses one (k8s.io/apimachinery pkg/util/validation and pkg/api/validate/content). Object validation
(apiserver/validation.py) and label selectors (selectors.py) both judge strings by them.
"""

from __future__ import annotations

import re

_LABEL_FMT = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"  # dns1123LabelFmt
SUBDOMAIN_FMT = _LABEL_FMT + r"(\." + _LABEL_FMT + ")*"  # dns1123SubdomainFmt, which a wildcard's also uses
_SUBDOMAIN = re.compile(SUBDOMAIN_FMT)
_SUBDOMAIN_CASELESS = re.compile(SUBDOMAIN_FMT, re.IGNORECASE)
_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                  "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                  f"validation is '{SUBDOMAIN_FMT}')")
_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_KEY = re.compile(_KEY_FMT)
_KEY_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
            f"character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '{_KEY_FMT}')")
_VALUE = re.compile(f"({_KEY_FMT})?")
_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
              "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
              f"regex used for validation is '({_KEY_FMT})?')")
_LABEL = re.compile(_LABEL_FMT)
_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
              "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
              f"'{_LABEL_FMT}')")
_DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035 = re.compile(_DNS1035_FMT)
_DNS1035_MSG = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
                "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
                f"validation is '{_DNS1035_FMT}')")


def subdomain(value: str, chars: str = "characters") -> list[str]:
    errs = [f"must be no more than 253 {chars}"] if len(value) > 253 else []
    if not _SUBDOMAIN.fullmatch(value):
        errs.append(_SUBDOMAIN_MSG)
    return errs


_UNDERSCORED_LABEL_FMT = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_UNDERSCORED_FMT = _UNDERSCORED_LABEL_FMT + r"(\." + _UNDERSCORED_LABEL_FMT + ")*"
_UNDERSCORED = re.compile(_UNDERSCORED_FMT)


def subdomain_with_underscore(value: str) -> list[str]:
    """IsDNS1123SubdomainWithUnderscore: a pod's DNS search domain."""
    errs = ["must be no more than 253 characters"] if len(value) > 253 else []
    if not _UNDERSCORED.fullmatch(value):
        errs.append("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or "
                    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                    f"validation is '{_UNDERSCORED_FMT}')")
    return errs


def subdomain_caseless(value: str) -> list[str]:
    """IsDNS1123SubdomainCaseless: declarative validation's k8s-long-name-caseless (a CSI attacher's name)."""
    errs = ["must be no more than 253 characters"] if len(value) > 253 else []
    if not _SUBDOMAIN_CASELESS.fullmatch(value):
        errs.append("an RFC 1123 subdomain must consist of alphanumeric characters, '-' or '.', and must start and "
                    f"end with an alphanumeric character (e.g. 'Example.com', regex used for validation is "
                    f"'{SUBDOMAIN_FMT}')")
    return errs


def dns1035_label(value: str) -> list[str]:
    """IsDNS1035Label: a CustomResourceDefinition's plural, singular and version names."""
    errs = ["must be no more than 63 characters"] if len(value) > 63 else []
    if not _DNS1035.fullmatch(value):
        errs.append(_DNS1035_MSG)
    return errs


def dns_label(value: str) -> list[str]:
    """IsDNS1123Label: a container's, a volume's or a port's name."""
    errs = ["must be no more than 63 characters"] if len(value) > 63 else []
    if not _LABEL.fullmatch(value):
        errs.append("must not contain dots" if _SUBDOMAIN.fullmatch(value) else _LABEL_MSG)
    return errs


def qualified_name(value: str) -> list[str]:
    """content.IsLabelKey: an optional DNS subdomain prefix and '/', then a name part."""
    parts = value.split("/")
    errs: list[str] = []
    if len(parts) > 2:
        return [f"a valid label key {_KEY_MSG} with an optional DNS subdomain prefix and '/' "
                "(e.g. 'example.com/MyName')"]
    if len(parts) == 2:
        if not parts[0]:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in subdomain(parts[0], "bytes"))
    name = parts[-1]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name.encode()) > 63:
        errs.append("name part must be no more than 63 bytes")
    if not _KEY.fullmatch(name):
        errs.append("name part " + _KEY_MSG)
    return errs


def label_value(value: str) -> list[str]:
    errs = ["must be no more than 63 bytes"] if len(value.encode()) > 63 else []
    if not _VALUE.fullmatch(value):
        errs.append(_VALUE_MSG)
    return errs


def path_segment(name: str) -> list[str]:
    """IsPathSegmentName: a name that can stand in a URL path (an RBAC object's, an HPA's target's)."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in name]


_CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]+")


def config_key(name: str) -> list[str]:
    """IsConfigMapKey: a ConfigMap's or Secret's key, and the key a volume or an env var takes from one."""
    errs = ["must be no more than 253 characters"] if len(name) > 253 else []
    if not _CONFIG_KEY.fullmatch(name):
        errs.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  "
                    "or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
    errs += ["must not be '.'"] if name == "." else ["must not be '..'"] if name == ".." else \
        ["must not start with '..'"] if name.startswith("..") else []
    return errs
