"""Spot the TF1 API in a script and serve ``tf.compat.v1`` for it."""

from __future__ import annotations

import ast
from typing import Any

import tensorflow as tf

v1 = tf.compat.v1


def tf1_names(tree: ast.AST) -> list[str]:
    """Names the script uses on ``import tensorflow (as tf)`` that exist only in ``tf.compat.v1``:
    ``tf.placeholder``, ``tf.Session``, ``tf.train.GradientDescentOptimizer``, ..."""
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "tensorflow"
    }
    found: dict[str, tuple[int, int]] = {}
    for node in ast.walk(tree):
        path = _attribute_path(node)
        if path and path[0] in aliases and len(path) > 1:
            name = ".".join(["tf", *path[1:]])
            if name not in found and not _resolves(tf, path[1:]) and _resolves(v1, path[1:]):
                found[name] = (node.lineno, node.col_offset)
    return sorted(found, key=found.__getitem__)


def serve_compat_v1(tree: ast.Module) -> ast.Module:
    """Turn ``import tensorflow as tf`` into ``import tensorflow.compat.v1 as tf`` (lines kept)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "tensorflow":
                    alias.asname = alias.asname or "tensorflow"
                    alias.name = "tensorflow.compat.v1"
    return tree


def _attribute_path(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or not parts:
        return None
    return [node.id, *reversed(parts)]


def _resolves(module: Any, path: list[str]) -> bool:
    value = module
    for name in path:
        try:
            value = getattr(value, name)
        except Exception:  # noqa: BLE001  (AttributeError, or a lazy import that fails)
            return False
    return True
