"""Teaching with aisim: lesson files, roles, fair scores, debrief packs and class reports.

A front end like the game and the batch tools: it calls the model through its
public API (build, ``apply_decision``, ``step``, histories) and never the reverse.
"""
