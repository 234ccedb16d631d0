"""Names of the parameters the model reads, and what type each must be.

The defaults, ranges and labels live in the scenario's ``parameters:`` section
(one home per fact); this table only says which names the model needs, so a
scenario that forgets one is refused at load time rather than failing mid-run.
"""

from __future__ import annotations

SEGMENTS = ("consumer", "enterprise", "public")

# name -> (kind, type) the model expects
MODEL_PARAMETERS: dict[str, tuple[str, str]] = {
    # policy levers
    "sovereign_ai_budget_krw_bn": ("lever", "number"),
    "public_compute_gpus_k": ("lever", "number"),
    "procurement_domestic_preference": ("lever", "number"),
    "act_stringency": ("lever", "number"),
    "act_enforcement_probability": ("lever", "number"),
    "act_grace_quarters": ("lever", "integer"),
    "public_data_openness": ("lever", "number"),
    "partnership_review": ("lever", "choice"),
    "rd_tax_credit": ("lever", "number"),
    "talent_programme_krw_bn": ("lever", "number"),
    # uncertainties about the world
    "frontier_growth_per_year": ("uncertainty", "number"),
    "spend_growth_shift": ("uncertainty", "number"),
    "adoption_speed": ("uncertainty", "number"),
    "adoption_ceiling_scale": ("uncertainty", "number"),
    "network_effect": ("uncertainty", "number"),
    "foreign_trust": ("uncertainty", "number"),
    "compliance_cost_scale": ("uncertainty", "number"),
    "entry_rate_per_year": ("uncertainty", "number"),
    "gpu_cost_krw_m_per_year": ("uncertainty", "number"),
    # scenario settings
    "policy_budget_krw_bn_per_year": ("setting", "number"),
}

PARTNERSHIP_REVIEW_OPTIONS = ("allow", "conditions", "block")
