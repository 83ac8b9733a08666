"""Load only the parts of lark-oapi that okrbot uses.

`import lark_oapi` imports every Open API service the SDK knows (60 services, ~10,600 modules,
~1.9 s and ~160 MB) because its package `__init__`, `Client` and `EventDispatcherHandler` name
them all. okrbot calls three services (im, contact, tenant). `install()` puts a finder first on
`sys.meta_path` that answers for `lark_oapi.api` and every other service with empty stand-in
modules, so the SDK's own client, dispatcher, signature check, decryption, event parsing and
HTTP transport run unchanged while the unused services are never loaded.

A stand-in module offers what the SDK's own modules take from it when they load: a `…Service`
class for `Client` (a client attribute okrbot never calls) and, for an event processor module,
the event and processor names the dispatcher's annotations mention (read from the processor's
source text, not imported). Registering a handler for such an event raises ImportError when the
dispatcher is built, and any other name is an AttributeError, so a newer SDK or a new event
fails loudly at start-up instead of misbehaving later.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

# The Open API services okrbot calls or hears from: messages and images, people and
# departments, the tenant, and the application (its bot menu events).
USED_SERVICES = frozenset({"im", "contact", "tenant", "application"})
_EVENT_NAMES = re.compile(r"\b(P[12]\w+)\b")


class UnusedService:
    """Stands in for a service okrbot never calls (a `Client` attribute nobody reads)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        del args, kwargs


class _UnusedServices(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves `lark_oapi.api` without its `__init__` and the unused services as stand-ins."""

    def __init__(self, api_dir: Path) -> None:
        self.api_dir = api_dir

    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        parts = fullname.split(".")
        if parts[:2] != ["lark_oapi", "api"]:
            return None
        if len(parts) == 2:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        if parts[2] in USED_SERVICES:
            return None  # the real modules, found the usual way below `lark_oapi.api`
        leaf = parts[-1] in ("service", "processor")
        return importlib.machinery.ModuleSpec(fullname, self, is_package=not leaf)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        name = module.__name__
        if name == "lark_oapi.api":
            module.__path__ = [str(self.api_dir)]
            return
        if module.__spec__ is not None and module.__spec__.submodule_search_locations is not None:
            module.__path__ = []
        if name.endswith(".processor"):
            _name_events(module, self.api_dir.joinpath(*name.split(".")[2:]).with_suffix(".py"))
        module.__getattr__ = _service_only(name)  # type: ignore[method-assign]


class UnusedEvent:
    """Names an event (or its processor) of a service okrbot does not load: fine in an
    annotation, an error when the dispatcher is asked to handle it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        del args, kwargs
        raise ImportError(
            f"{type(self).__name__} belongs to a lark-oapi service okrbot does not load;"
            " add the service to bot.feishu.lark_lite.USED_SERVICES"
        )


def _name_events(module: ModuleType, source: Path) -> None:
    """Placeholders for the event and processor classes an unused processor module defines."""
    names = sorted(set(_EVENT_NAMES.findall(source.read_text(encoding="utf-8"))))
    for event_name in names:
        setattr(module, event_name, type(event_name, (UnusedEvent,), {}))
    module.__all__ = names  # type: ignore[attr-defined]


def _service_only(module_name: str) -> Any:
    def attribute(name: str) -> Any:
        if name.endswith("Service"):
            return UnusedService
        raise AttributeError(f"{module_name}.{name}: not loaded (okrbot does not use it)")

    return attribute


def install() -> None:
    """Install the finder once, before lark_oapi is first imported; a no-op after that, when
    lark_oapi was imported already (then it is simply all there) or is not installed (then
    importing it fails as it would anyway)."""
    if "lark_oapi" in sys.modules or any(isinstance(f, _UnusedServices) for f in sys.meta_path):
        return
    spec = importlib.util.find_spec("lark_oapi")
    if spec is None or spec.origin is None:
        return
    api_dir = Path(spec.origin).parent / "api"
    if not (api_dir / "im" / "v1" / "processor.py").is_file():
        raise ImportError(f"lark-oapi at {api_dir.parent} has an unexpected layout")
    sys.meta_path.insert(0, _UnusedServices(api_dir))
