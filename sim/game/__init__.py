"""The pygame front end: ``aisim play`` (``aisim replay`` is headless and lives in the CLI and runner).

``session`` holds the game state (pure Python, no pygame); ``app`` runs the
window and its screens; ``charts`` draws cached chart surfaces; ``commands``
adds the CLI subcommands.
"""
