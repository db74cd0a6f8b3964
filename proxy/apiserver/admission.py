"""Validating admission of the default plugins that needs more of the cluster than the object written:
PersistentVolumeClaimResize (plugin/pkg/admission/storage/persistentvolume/resize), which lets a claim grow
only once it is bound, and only when the StorageClass it was provisioned by allows volume expansion. It runs
after the object's validation, for dry runs too, and refuses with a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .podvalidation import as_dict
from .specvalidation import BETA_STORAGE_CLASS, storage_at
from .writes import Outcome, Target, fail

Obj = dict[str, Any]
STORAGE_CLASSES = "/apis/storage.k8s.io/v1/storageclasses"
_REQUESTED = ".spec.resources.requests.storage"


def _class(claim: Obj) -> str:
    """GetPersistentVolumeClaimClass: the beta annotation, else the spec's class."""
    annotations = as_dict(as_dict(claim.get("metadata")).get("annotations"))
    return str(annotations.get(BETA_STORAGE_CLASS) or as_dict(claim.get("spec")).get("storageClassName") or "")


def claim_resize(t: Target, old: Obj | None, new: Obj, storage_class: Callable[[str], Obj | None]
                 ) -> Outcome | None:
    """The 403 of a claim's update that grows its storage where the plugin does not allow it; None to go on."""
    if (t.group, t.resource, t.subresource) != ("", "persistentvolumeclaims", "") or old is None:
        return None
    if storage_at(new, _REQUESTED) <= storage_at(old, _REQUESTED):
        return None
    if as_dict(old.get("status")).get("phase") != "Bound":
        why = "Only bound persistent volume claims can be expanded"
    else:
        name = _class(new)
        found = storage_class(name) if name and name == _class(old) else None
        if found is not None and found.get("allowVolumeExpansion") is True:
            return None
        why = ("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must "
               "support resize")
    return fail(403, f'{t.qualified} "{t.name}" is forbidden: {why}', "Forbidden",
                {"name": t.name, "group": t.group, "kind": t.resource})
