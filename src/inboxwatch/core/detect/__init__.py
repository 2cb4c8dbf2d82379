"""Detection: what a message is (acknowledgment, interview, rejection, ...) and the facts it carries.

``from inboxwatch.core.detect import classify`` gives the classifier. Its phrase tables take a while to
build, so the submodule loads on first use only: importing ``inboxwatch.core.detect.senders`` (as tracking
and composing do) does not build them.

The function shares its name with its submodule ``classify.py``. Python binds a package's attribute to a
submodule when that submodule loads, which would make ``inboxwatch.core.detect.classify`` the module or the
function depending on import order; the package's module class below keeps it the function, always.
Import other names from the submodule with ``from inboxwatch.core.detect.classify import ...``.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inboxwatch.core.detect.classify import classify

__all__ = ["classify"]


class _DetectPackage(types.ModuleType):
    def __setattr__(self, name: str, value: object) -> None:
        if name == "classify" and isinstance(value, types.ModuleType):
            value = value.classify  # the submodule just loaded: export its function instead
        super().__setattr__(name, value)


def __getattr__(name: str) -> object:
    if name == "classify":
        importlib.import_module(f"{__name__}.classify")  # binds the function through _DetectPackage
        return globals()["classify"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


sys.modules[__name__].__class__ = _DetectPackage
