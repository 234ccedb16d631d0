"""Shared helpers below every other part of aisim (files, ...); imports nothing from the rest."""
