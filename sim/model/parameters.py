"""Names of the numbers the model reads, their types and hard bounds.

The values, ranges, units, labels and sources live in the scenario (one home per
fact): policy levers, uncertainties and settings under ``parameters:``, behavioural
constants under ``model:``. This module only says which names the model needs and
the widest range its equations can take, so a scenario that forgets a name, or
widens a range past what the model can handle, is refused at load time instead of
failing mid-run. A scenario may narrow these bounds, never widen them.
"""

from __future__ import annotations

from dataclasses import dataclass

SEGMENTS = ("consumer", "enterprise", "public")


@dataclass(frozen=True)
class Needed:
    """A name the model reads: its kind, type and the hard bounds of its equations."""

    kind: str  # lever, uncertainty, setting or constant
    type: str  # number, integer or choice
    low: float | None = None
    high: float | None = None


INF = float("inf")

MODEL_PARAMETERS: dict[str, Needed] = {
    # policy levers
    "sovereign_ai_budget_krw_bn": Needed("lever", "number", 0, 1e6),
    "public_compute_gpus_k": Needed("lever", "number", 0, 1e4),
    "procurement_domestic_preference": Needed("lever", "number", 0, 0.9),
    "act_stringency": Needed("lever", "number", 0, 5),
    "act_enforcement_probability": Needed("lever", "number", 0, 1),
    "act_grace_quarters": Needed("lever", "integer", 0, 40),
    "public_data_openness": Needed("lever", "number", 0, 1),
    "partnership_review": Needed("lever", "choice"),
    "rd_tax_credit": Needed("lever", "number", 0, 0.9),
    "talent_programme_krw_bn": Needed("lever", "number", 0, 1e6),
    # uncertainties about the world
    "frontier_growth_per_year": Needed("uncertainty", "number", 0, 3),
    "inference_cost_decline_per_year": Needed("uncertainty", "number", 0, 0.9),
    "adoption_speed": Needed("uncertainty", "number", 0.05, 10),
    "outside_option_shift": Needed("uncertainty", "number", -5, 5),
    "network_effect": Needed("uncertainty", "number", 0, 5),
    "foreign_trust": Needed("uncertainty", "number", -5, 5),
    "compliance_cost_scale": Needed("uncertainty", "number", 0, 20),
    "entry_rate_per_year": Needed("uncertainty", "number", 0, 20),
    "foreign_entry_rate_per_year": Needed("uncertainty", "number", 0, 20),
    "open_weight_lag_years": Needed("uncertainty", "number", 0, 10),
    "gpu_cost_krw_m_per_year": Needed("uncertainty", "number", 1, 1000),
    # scenario settings
    "policy_budget_krw_bn_per_year": Needed("setting", "number", 0, 1e6),
    "tax_credit_cap_krw_bn_per_year": Needed("setting", "number", 0, 1e6),
}

PARTNERSHIP_REVIEW_OPTIONS = ("allow", "conditions", "block")

# Behavioural constants (declared under ``model:`` with value, range, unit and source).
MODEL_CONSTANTS: dict[str, Needed] = {
    name: Needed("constant", "number", low, high)
    for name, (low, high) in {
        # adopters
        "taste_sigma": (0, 3),
        "intensity_awareness_bias": (0, 5),
        "intensity_value_weight": (0, 5),
        "channel_awareness_boost": (0, 10),
        "platform_switch_review": (0, 1),
        "usage_capability_elasticity": (0, 5),
        "brand_convergence_per_quarter": (0, 1),
        "min_initial_share": (0, 0.1),
        "min_marginal_cost_share": (0, 1),
        # capability and investment
        "catch_up_max_per_quarter": (0, 1),
        "catch_up_half_saturation_usd_bn": (1e-6, 1e3),
        "absorptive_exponent": (0, 5),
        "compute_output_share": (0.01, 0.99),
        "open_weight_spillover_per_quarter": (0, 1),
        "frontier_lab_reversion_per_quarter": (0, 1),
        "frontier_lab_noise_sd": (0, 0.5),
        "korean_learning_per_quarter": (0, 1),
        "korean_half_saturation_usd_bn": (1e-6, 1e3),
        "data_learning_per_quarter": (0, 1),
        "korean_quality_ceiling": (0.5, 1),
        "data_ceiling_gain": (0, 0.5),
        "foreign_data_locality": (0, 1),
        "talent_max_boost": (0, 5),
        "talent_half_saturation_krw_bn": (1e-6, 1e6),
        "rd_revenue_intensity": (0, 2),
        "rd_credit_elasticity": (0, 5),
        "min_runway_years": (0.1, 20),
        "korean_investment_share": (0, 1),
        "price_step_max": (0.001, 1),
        "partner_bid_unit_usd_bn": (0, 10),
        # platforms
        "partner_choice_noise": (0, 5),
        "partner_money_weight": (0, 100),
        "conditions_channel_strength": (0, 1),
        # entry
        "max_entrants": (0, 200),
        "entrant_cash_usd_bn": (0, 100),
        "entrant_capability_vs_open_weights": (0.1, 2),
        "entrant_korean_quality": (0, 1),
        "entrant_fixed_cost_usd_bn_per_year": (0, 10),
        "entrant_base_investment_usd_bn_per_year": (0, 10),
        "foreign_entrant_capability": (0.1, 1.5),
        "foreign_entrant_korean_quality": (0, 1),
        "entry_payback_years": (0.1, 20),
        # AI Basic Act, incidents, trust and pressure
        "incident_rate_per_quarter": (0, 1),
        "voluntary_safety": (0, 1),
        "stringency_safety_effect": (0, 20),
        "incident_trust_hit": (0, 5),
        "foreign_incident_spillover": (0, 5),
        "trust_half_life_quarters": (0.1, 100),
        "grace_compliance_share": (0, 1),
        "launch_delay_quarters_per_stringency": (0, 8),
        "small_firm_delay_multiplier": (0, 10),
        "trust_value_share_of_revenue": (0, 1),
        "pressure_half_life_quarters": (0.1, 100),
        "pressure_enforcement_response": (0, 10),
        "pressure_review_threshold": (0, 100),
        "sovereignty_concern_threshold": (0, 1),
        "sovereignty_pressure_per_quarter": (0, 20),
        "influence_half_saturation_usd_bn": (1e-6, 10),
        "influence_cost_relief": (0, 1),
        "influence_review_threshold": (0, 1),
        # public programmes
        "data_programme_cost_krw_bn_per_year": (0, 1e5),
        "inspection_cost_krw_bn_per_year": (0, 1e5),
        "team_compute_share": (0, 1),
        "public_gpu_serving_relief": (0, 1),
        "public_gpu_serving_half_k": (1e-3, 1e4),
    }.items()
}

NEEDED: dict[str, Needed] = {**MODEL_PARAMETERS, **MODEL_CONSTANTS}
