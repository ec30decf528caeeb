"""The one place a test says it needs a real component (import: ``from components import require``).

Under ``CI=true`` a missing component fails the test loudly: CI installs every one of
them, so a skip there would hide a broken setup. Elsewhere the test is skipped, and
the skip names the missing component and how to provide it.
"""

from __future__ import annotations

import importlib
import os
import shutil
from types import ModuleType
from typing import NoReturn

import pytest

CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}

#: The real components the suite uses, and how to provide each.
COMPONENTS = {
    "PostgreSQL": "set SCRIMMAGE_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)",
    "Chromium": "apt-get install -y chromium (the browser tests drive /usr/bin/chromium)",
    "playwright": "pip install -e '.[test]'",
    "port 80": "the official kaggle client only talks to http://localhost on port 80: run as root with the port free",
    "kaggle client": "pip install -e '.[test]' (kaggle and six)",
    "package index": "the catalogue fetch tests download from the package index, as pip install does: go online",
    "bubblewrap": "apt-get install -y bubblewrap (/usr/bin/bwrap)",
    "dask.distributed": "pip install -e '.[test]' (or 'scrimmage[dask]')",
    "mlflow": "pip install -e '.[test]' (or 'scrimmage[mlflow]')",
    "moto": "pip install -e '.[test]' (moto[server]: the S3-compatible server the object-store tests run against)",
    "nginx": "apt-get install -y nginx (/usr/sbin/nginx: the load balancer in front of the replicas)",
    "openssl": "apt-get install -y openssl (makes the self-signed certificate of the TLS deployment test)",
}


def require(component: str, reason: str = "", *, module_level: bool = False) -> NoReturn:
    """Stop a test that needs ``component``, missing here: fail under CI=true, else skip naming it."""
    if component not in COMPONENTS:
        raise KeyError(f"unknown component {component!r}; known: {', '.join(COMPONENTS)}")
    message = f"needs {component}, missing here: {reason or COMPONENTS[component]}"
    if CI:
        pytest.fail(f"CI=true and this test {message}", pytrace=False)
    pytest.skip(message, allow_module_level=module_level)


def require_module(name: str, component: str, *, module_level: bool = False) -> ModuleType:
    """Import ``name``, or :func:`require` the component that provides it."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        require(component, f"cannot import {name} ({exc}); {COMPONENTS[component]}", module_level=module_level)


def require_program(path: str, component: str, *, module_level: bool = False) -> str:
    """The executable at ``path``, or :func:`require` the component that provides it."""
    if not (os.path.isfile(path) and os.access(path, os.X_OK)) and shutil.which(path) is None:
        require(component, f"no executable {path}; {COMPONENTS[component]}", module_level=module_level)
    return path
