"""CSV files that pandas, polars and DuckDB all read with the same types (sim/core/tables.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.core.tables import format_float, to_csv_text
from sim.runner import run_scenario, write_run


@pytest.mark.parametrize(
    "value, text", [(0.0, "0.0"), (2.0, "2.0"), (-3.0, "-3.0"), (0.5, "0.5"), (1e20, "1e+20"), (float("nan"), "nan")]
)
def test_floats_always_look_like_floats(value, text):
    assert format_float(value) == text


def test_whole_floats_keep_their_type_in_text():
    text = to_csv_text(pd.DataFrame({"share": [0.0, 1.0, 0.25], "count": [0, 1, 2]}))
    assert text.splitlines() == ["share,count", "0.0,0", "1.0,1", "0.25,2"]


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory, tiny_korea):
    out = tmp_path_factory.mktemp("tables") / "run"
    write_run(run_scenario(tiny_korea, seeds=[0], workers=1), out, {})
    return out


FLOAT_COLUMNS = {
    "quarters.csv": ["market_revenue_usd_bn", "hhi", "budget_left_krw_bn"],
    "firms.csv": ["revenue_share", "share_public", "cash_usd_bn"],
}
COUNT_COLUMNS = {"quarters.csv": ["entries", "exits", "active_firms"], "firms.csv": ["seed"]}


@pytest.mark.parametrize("name", ["quarters.csv", "firms.csv"])
def test_pandas_polars_and_duckdb_read_the_same_types(run_folder, name):
    polars = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    path = run_folder / name
    by_pandas = pd.read_csv(path)
    by_polars = polars.read_csv(path)
    by_duckdb = duckdb.sql(f"SELECT * FROM read_csv_auto('{path}')").df()
    for column in FLOAT_COLUMNS[name]:
        assert by_pandas[column].dtype == "float64", column
        assert by_polars[column].dtype == polars.Float64, column
        assert str(by_duckdb[column].dtype) == "float64", column
    for column in COUNT_COLUMNS[name]:
        assert by_pandas[column].dtype == "int64", column
        assert by_polars[column].dtype == polars.Int64, column
        assert str(by_duckdb[column].dtype) == "int64", column


def test_a_run_folder_holds_exactly_the_documented_files(run_folder):
    from sim.core.outputs import RUN_FILES

    assert sorted(path.name for path in run_folder.iterdir()) == sorted(RUN_FILES)


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    """A team named =HYPERLINK("http://evil","x") went into the class report's teams.csv as is: a spreadsheet
    opening it runs the formula (CSV injection). Text starting like a formula gets an apostrophe; numbers,
    negative ones too, stay numbers."""
    import pandas as pd

    from sim.core.tables import cell_text, to_csv_text

    assert cell_text('=HYPERLINK("http://evil","x")') == '\'=HYPERLINK("http://evil","x")'
    assert [cell_text(v) for v in ("+1+2", "@SUM(A1)", "-x", "Blue", "2024Q1")] == [
        "'+1+2",
        "'@SUM(A1)",
        "'-x",
        "Blue",
        "2024Q1",
    ]
    assert cell_text("-0.5") == "-0.5" and cell_text("+3") == "+3"
    frame = pd.DataFrame({"team": ["=cmd|' /C calc'!A0", "Red"], "score": [-1.5, 2.0]})
    assert to_csv_text(frame) == "team,score\n'=cmd|' /C calc'!A0,-1.5\nRed,2.0\n"
