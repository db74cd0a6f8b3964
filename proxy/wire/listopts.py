"""A list's or watch's options read in the order the apiserver reads them (handlers/get.go listOpts, then the
storage), so that a query with several faults gets the refusal of the one the apiserver meets first:

1. the query's conversion: timeoutSeconds, then limit, that do not parse (400, Go's words);
2. the label selector's syntax, then the field selector's (400);
3. ValidateListOptions of the options SetListOptionsDefaults leaves (422: a watch from "now" with a
   `continue` is refused as a watch-list);
4. the field selector's labels, as the kind converts them (400 `field label not supported`);
5. on the legacy /watch/.../NAME path, a field selector that does not require that name (400);
6. the storage's: a resourceVersion that does not parse (a list's 400, a watch's 500 without a reason), not
   read at all by a list with a continue token (lists.answer checks that token first).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from .params import InvalidParams, ListOptions, converted, invalid_resource_version, validate
from .selectors import field_terms, for_name, matcher, parse_label_selector


def parse_list_options(query: str, *, watch_path: bool = False, watch_list: bool = True) -> ListOptions:
    """The options of a list or watch of no kind in particular (steps 1–3 and 6)."""
    return list_request(query, "", watch_path=watch_path, watch_list=watch_list)[0]


def list_request(query: str, resource: str, group: str = "", name: str = "", *, watch_path: bool = False,
                 watch_list: bool = True, storage: bool = True) -> tuple[ListOptions, Callable[[dict[str, Any]], bool]]:
    """The options of a list or watch of `resource` (of `name` alone on the legacy watch path) and the
    predicate its selectors make; InvalidParams with the apiserver's answer. A watch's continue token is
    validated, then dropped: a watch does not read it. `resource` "": the field labels are not checked.
    `storage` False: step 6 is left to the caller (a collection delete reads its DeleteOptions first:
    resource_version_error)."""
    opts = converted(query, watch_path=watch_path)
    parse_label_selector(opts.label_selector)
    field_terms(opts.field_selector)
    validate(opts, watch_list=watch_list)
    match: Callable[[dict[str, Any]], bool] = lambda obj: True  # noqa: E731
    if resource:
        match = matcher(opts.label_selector, opts.field_selector, resource, group)
    if name:
        opts = dataclasses.replace(opts, field_selector=for_name(opts.field_selector, name))
        match = matcher(opts.label_selector, opts.field_selector, resource, group)
    if opts.watch:
        opts = dataclasses.replace(opts, continue_token="")
    if storage and (error := resource_version_error(opts)) is not None:
        raise error
    return opts, match


def resource_version_error(opts: ListOptions) -> InvalidParams | None:
    """The storage's refusal of a resourceVersion it cannot parse: a list's 400, a watch's 500 without a reason
    (the watch handler lets the error through: kubernetes#113939); a list with a continue token reads none."""
    if not (invalid := invalid_resource_version(opts.resource_version)) or (opts.continue_token and not opts.watch):
        return None
    if opts.watch:
        return InvalidParams(invalid, code=500)
    return InvalidParams(f"invalid resource version: {invalid}")
