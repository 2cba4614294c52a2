"""CSV export of untrusted article text: no cell a spreadsheet would run as a formula."""

from services.gateway.corpus.export import _csv_line


def test_csv_cells_that_a_spreadsheet_would_run_are_made_inert() -> None:
    line = _csv_line(('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "Plain", 3, -4))
    assert line == '"\'=HYPERLINK(""http://x"")",\'+1,\'-2,\'@SUM(A1),Plain,3,-4\r\n'
