"""Build configuration that pyproject.toml cannot express: bundled data folders.

``scenarios/``, ``experiments/`` and ``lessons/`` stay at the top of the repository
(the design fixes the top level) and ship inside the wheel as ``sim/bundled/<folder>/``,
where :mod:`sim.bundled` finds them with importlib.resources. Every other setting is
in pyproject.toml.
"""

from setuptools import find_packages, setup

BUNDLED = {f"sim.bundled.{name}": name for name in ("scenarios", "experiments", "lessons")}

setup(
    packages=find_packages(include=["sim", "sim.*"]) + list(BUNDLED),
    package_dir=BUNDLED,
)
