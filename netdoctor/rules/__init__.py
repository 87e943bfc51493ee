"""Every rule netdoctor knows, by code. Importing the family modules registers them.

=====  ==========================================================
ND1xx  initialization: constant weights, symmetric neurons
ND2xx  gradients: vanishing, exploding, missing
ND3xx  activations: dead ReLUs, non-finite values
ND4xx  progress: loss not decreasing, accuracy at chance
=====  ==========================================================
"""

from netdoctor.rules import activations, gradients, init, progress  # noqa: F401  (registration)
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
