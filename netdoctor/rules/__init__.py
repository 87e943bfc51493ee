"""Every rule netdoctor knows, by code. Importing the family modules registers them.

=====  ==========================================================
ND1xx  initialization: constant weights, symmetric neurons, weight scale, initial loss
ND2xx  gradients: vanishing, exploding, missing; frozen weights, update ratio
ND3xx  activations: dead ReLUs, saturated units, non-finite values
ND4xx  progress: loss not decreasing, accuracy at chance, diverging loss
ND5xx  configuration: output, loss and labels that do not fit; stacked linear layers
ND6xx  data: unnormalized inputs, unshuffled batches, NaN/Inf values
ND7xx  graph: ops, traces or variables that grow while training; metrics over the batch axis;
       resources: memory that grows step after step
=====  ==========================================================
"""

from netdoctor.rules import (  # noqa: F401  (registration)
    activations,
    data,
    gradients,
    graph,
    init,
    model_config,
    progress,
    resources,
)
from netdoctor.rules.registry import REGISTRY, Rule, RuleContext, rule

__all__ = ["REGISTRY", "Rule", "RuleContext", "rule", "all_rules", "get_rule"]


def all_rules() -> list[Rule]:
    """Every registered rule, ordered by code."""
    return [REGISTRY[code] for code in sorted(REGISTRY)]


def get_rule(code_or_name: str) -> Rule | None:
    """Look a rule up by code (``ND101``) or name (``constant-weights``)."""
    key = code_or_name.strip()
    if key.upper() in REGISTRY:
        return REGISTRY[key.upper()]
    return next((r for r in REGISTRY.values() if r.name == key.lower()), None)
