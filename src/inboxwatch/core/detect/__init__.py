"""Detection: what a message is (acknowledgment, interview, rejection, ...) and the facts it carries.

``from inboxwatch.core.detect import classify`` gives the classifier, the function of ``classifier.py``. Its
phrase tables and model take a while to load, so the package looks the name up on first use only (a PEP 562
module ``__getattr__``): importing ``inboxwatch.core.detect.senders`` (as tracking and composing do) does not
load them. Import the classifier's other names from ``inboxwatch.core.detect.classifier``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inboxwatch.core.detect.classifier import classify

__all__ = ["classify"]


def __getattr__(name: str) -> object:
    if name == "classify":
        from inboxwatch.core.detect.classifier import classify

        globals()["classify"] = classify  # looked up once; later uses are a plain attribute
        return classify
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
