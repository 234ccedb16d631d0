"""The game's screens: start, dashboard, end."""
