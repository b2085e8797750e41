"""The README's result tables are generated from run folders."""

import csv

from results.summary_tables import baseline_table, compare_table, main

COLUMNS = "scenario,baseline,indicator,unit,baseline_mean,scenario_mean,diff_mean,diff_p5,diff_p95,pct_change,year,p_better,p_saves"  # noqa: E501


def test_compare_table_reads_the_whole_horizon_rows(tmp_path):
    path = tmp_path / "comparison.csv"
    path.write_text(
        COLUMNS + "\n"
        "kinship-first,baseline,cla_foster_kinship,children,100,117,17,12,23,17,all,1.0,\n"
        "kinship-first,baseline,cla_foster_kinship,children,100,150,50,40,60,50,2025,1.0,\n"
        "kinship-first,baseline,cost_total_gbp,GBP,1e7,1.02e7,203000,-128000,542000,2,all,,0.2\n"
    )
    text = compare_table(path)
    assert "+17.0 (+12.0 to +23.0)" in text
    assert "+£203k (−£128k to +£542k)" in text and "| 0.2 |" in text
    assert "+50" not in text  # a single year's row is not the yearly mean


def test_baseline_table_means_over_replicates(tmp_path):
    path = tmp_path / "indicators.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["scenario", "replicate", "year", "indicator", "value"])
        for rep, cla in ((0, 600), (1, 800)):
            w.writerow(["baseline", rep, 2025, "cla_31_march", cla])
            w.writerow(["baseline", rep, 2025, "cla_foster_kinship", cla / 10])
    assert "| 2025 | 700 (610–790) |" in baseline_table(path)


def test_a_folder_without_results_is_refused(tmp_path):
    assert main([str(tmp_path)]) == 2
