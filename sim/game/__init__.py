"""The pygame front end: ``aisim play`` and ``aisim replay``.

``session`` holds the game state (pure Python, no pygame); ``app`` runs the
window and its screens; ``charts`` draws cached chart surfaces; ``commands``
adds the CLI subcommands.
"""
