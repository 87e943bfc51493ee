"""A planned intervention as a change to the user's own source, shown as a unified diff.

Only where the fix is a change of one line (per layer) that can be found with certainty: an
initializer argument on the layer's line, its activation, a dropout rate or a penalty factor,
the one ``from_logits=`` or learning-rate literal of the file, a ``shuffle=False``. Nothing is
ever written to the user's files; anything less certain gets no diff.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from pathlib import Path

from netdoctor import metrics as m
from netdoctor.interventions import Planned
from netdoctor.recording import Recording
from netdoctor.target import read_source

#: Keras initializer names for the interventions' initializer kinds.
KERAS_INITIALIZERS = {"he": "he_normal", "glorot": "glorot_uniform"}
#: A numeric literal.
NUMBER = r"(?<![\w.])(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)(?![\w.])"

Lines = list[str]
Edit = Callable[[Planned, Recording, Lines, str], dict[int, str]]


def _line_of(source: str | None, display: str) -> int | None:
    """The 0-based line of ``source`` ("file.py:LINE") when it is in the target file."""
    if not source or ":" not in source:
        return None
    file, _, line = source.rpartition(":")
    if Path(file) != Path(display) or not line.isdigit():
        return None
    return int(line) - 1


def _layer_lines(rec: Recording, names, display: str) -> dict[str, int]:
    found = {}
    for name in names:
        layer = rec.layer(name)
        index = _line_of(layer.source if layer else None, display)
        if index is not None:
            found[name] = index
    return found


def _only(lines: Lines, pattern: str) -> int | None:
    """The one line that matches ``pattern``, or None when none or several do."""
    hits = [i for i, line in enumerate(lines) if re.search(pattern, line) and not line.lstrip().startswith("#")]
    return hits[0] if len(hits) == 1 else None


def _quoted(value: str, line: str) -> str:
    quote = "'" if "'" in line and '"' not in line else '"'
    return f"{quote}{value}{quote}"


def _reinitialize(plan: Planned, rec: Recording, lines: Lines, display: str) -> dict[int, str]:
    edits = {}
    for name, index in _layer_lines(rec, plan.params.get("kernels") or {}, display).items():
        line = lines[index]
        value = _quoted(KERAS_INITIALIZERS[plan.params["kernels"][name]], line)
        new = re.sub(r"kernel_initializer\s*=\s*([\"'][\w.]+[\"']|[\w.]+\([^()]*\))", f"kernel_initializer={value}", line)
        if new != line:
            edits[index] = new
    for source, kind in (plan.params.get("sources") or {}).items():
        index = _line_of(source, display)
        if index is None:
            continue
        line = lines[index]
        shape = re.search(r"tf\.(?:zeros|ones)\((\[[^\]]*\])", line)
        if shape is None:
            continue
        dims = [int(d) for d in re.findall(r"\d+", shape.group(1))]
        if len(dims) < 2:
            continue
        fan_in, fan_out = dims[-2], dims[-1]
        std = math.sqrt(2.0 / fan_in) if kind == "he" else math.sqrt(2.0 / (fan_in + fan_out))
        call = re.search(r"tf\.(?:zeros|ones)\(\[[^\]]*\][^()]*\)", line)
        if call is not None:
            edits[index] = line[: call.start()] + f"tf.random.normal({shape.group(1)}, stddev={std:.3g})" + line[call.end() :]
    return edits


def _activation(line: str, activation: str) -> str:
    """``line`` with its layer's activation set to ``activation`` (added when absent)."""
    value = _quoted(activation, line)
    new = re.sub(r"activation\s*=\s*[\"'][\w.]+[\"']", f"activation={value}", line)
    if new != line or "activation" in line:
        return new
    return re.sub(r"(Dense\([^()]*)\)", rf"\1, activation={value})", line, count=1)


def _hidden_relu(plan: Planned, rec: Recording, lines: Lines, display: str) -> dict[int, str]:
    edits = {}
    for index in _layer_lines(rec, plan.params.get("names") or [], display).values():
        new = _activation(lines[index], "relu")
        if new != lines[index]:
            edits[index] = new
    return edits


def _learning_rate(plan: Planned, rec: Recording, lines: Lines, display: str) -> dict[int, str]:
    rate = rec.meta.get(m.LEARNING_RATE)
    if not isinstance(rate, (int, float)) or rate <= 0:
        return {}
    hits = []
    for index, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            continue
        for match in re.finditer(NUMBER, line):
            if math.isclose(float(match.group(1)), rate, rel_tol=1e-6):
                hits.append((index, match))
    if len(hits) != 1:
        return {}
    index, match = hits[0]
    line = lines[index]
    return {index: line[: match.start()] + f"{rate * plan.params['factor']:g}" + line[match.end() :]}


def _pair_output(plan: Planned, rec: Recording, lines: Lines, display: str) -> dict[int, str]:
    edits = {}
    for name, index in _layer_lines(rec, plan.params.get("activation") or {}, display).items():
        new = _activation(lines[index], plan.params["activation"][name])
        if new != lines[index]:
            edits[index] = new
    for index in _layer_lines(rec, plan.params.get("identity") or [], display).values():
        if re.fullmatch(r"\s*[\w.]*(Softmax|Activation)\([^()]*\),?\s*", lines[index]):
            edits[index] = ""
    wanted = (plan.params.get("criterion") or {}).get("logits")
    if wanted is not None:
        index = _only(lines, r"from_logits\s*=\s*(True|False)")
        if index is not None:
            edits[index] = re.sub(r"from_logits\s*=\s*(True|False)", f"from_logits={wanted}", lines[index])
    if plan.params.get("clip_log"):
        index = _only(lines, r"tf\.(math\.)?log\(")
        if index is not None:
            edits[index] = _wrap_call_argument(lines[index], r"tf\.(?:math\.)?log\(", "tf.clip_by_value({}, 1e-10, 1.0)")
    return {i: line for i, line in edits.items() if line is not None}


def _wrap_call_argument(line: str, call: str, template: str) -> str | None:
    """``line`` with the argument of its ``call(...)`` put into ``template``."""
    match = re.search(call, line)
    if match is None:
        return None
    depth, start = 1, match.end()
    for position in range(start, len(line)):
        depth += {"(": 1, ")": -1}.get(line[position], 0)
        if depth == 0:
            return line[:start] + template.format(line[start:position]) + line[position:]
    return None


def _reduce_dropout(plan: Planned, rec: Recording, lines: Lines, display: str) -> dict[int, str]:
    edits = {}
    for name, index in _layer_lines(rec, plan.params.get("names") or [], display).items():
        layer = rec.layer(name)
        line = lines[index]
        new = re.sub(rf"(Dropout\(\s*(?:rate\s*=\s*)?){NUMBER}", rf"\g<1>{plan.params['rate']}", line)
        if new != line and layer is not None:
            edits[index] = new
    return edits


def _reduce_regularization(plan: Planned, rec: Recording, lines: Lines, display: str) -> dict[int, str]:
    edits = {}
    factor = plan.params["factor"]
    for index in _layer_lines(rec, plan.params.get("names") or [], display).values():
        line = lines[index]
        new = re.sub(
            rf"((?:l1|l2|L1|L2)\(\s*(?:l[12]\s*=\s*)?){NUMBER}",
            lambda match: f"{match.group(1)}{float(match.group(2)) * factor:g}",
            line,
        )
        if new != line:
            edits[index] = new
    return edits


def _shuffle(plan: Planned, rec: Recording, lines: Lines, display: str) -> dict[int, str]:
    index = _only(lines, r"shuffle\s*=\s*False")
    return {index: re.sub(r"shuffle\s*=\s*False", "shuffle=True", lines[index])} if index is not None else {}


def _smaller_batch(plan: Planned, rec: Recording, lines: Lines, display: str) -> dict[int, str]:
    index = _only(lines, r"\.fit\(.*batch_size\s*=\s*\w+")
    if index is None:
        return {}
    return {index: re.sub(r"batch_size\s*=\s*\w+", f"batch_size={plan.params['batch']}", lines[index])}


def _descend(plan: Planned, rec: Recording, lines: Lines, display: str) -> dict[int, str]:
    hits = [i for i, line in enumerate(lines) if ".assign_add(" in line and not line.lstrip().startswith("#")]
    return {i: lines[i].replace(".assign_add(", ".assign_sub(") for i in hits}


#: How each intervention reads as an edit of the user's source.
EDITS: dict[str, Edit] = {
    "reinitialize": _reinitialize,
    "hidden-relu": _hidden_relu,
    "lower-learning-rate": _learning_rate,
    "raise-learning-rate": _learning_rate,
    "pair-output": _pair_output,
    "reduce-dropout": _reduce_dropout,
    "reduce-regularization": _reduce_regularization,
    "shuffle": _shuffle,
    "smaller-batch": _smaller_batch,
    "descend": _descend,
}


def unified_diff(plan: Planned, rec: Recording, path: Path, display: str) -> str | None:
    """The fix of ``plan`` as a unified diff of the target file, or None where it is not a
    change of the file that can be made with certainty."""
    parts = [Planned(p["name"], p["params"], "") for p in plan.params["parts"]] if plan.name == "together" else [plan]
    edits: dict[int, str] = {}
    try:
        lines = read_source(path).splitlines(keepends=True)
        for part in parts:
            edit = EDITS.get(part.name)
            if edit is not None:
                edits.update(edit(part, rec, lines, display))
    except (OSError, UnicodeDecodeError, KeyError, ValueError, IndexError):
        return None
    if not edits:
        return None
    changed = [edits.get(i, line) for i, line in enumerate(lines)]
    text = "".join(difflib.unified_diff(lines, changed, f"a/{display}", f"b/{display}", n=1))
    return text or None
