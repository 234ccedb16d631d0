"""Names of the files a run folder holds: one home for help texts, messages and writers (no heavy imports)."""

RUN_FILES = ("quarters.csv", "firms.csv", "news.csv", "run.json", "scenario.json")  # what write_run writes
