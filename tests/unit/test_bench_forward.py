"""`posecoach bench ...` runs the checkout's benchmarks (`python -m benchmarks`) and returns their
exit status; without a checkout (an installed wheel) it says so in one line, exit 3."""

from __future__ import annotations

from posecoach import cli


def test_without_a_checkout_the_bench_command_says_where_benchmarks_run(monkeypatch, capsys):
    monkeypatch.setattr(cli, "_checkout", lambda: None)
    assert cli.main(["bench", "engine"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("posecoach: ") and "source checkout" in err and err.count("\n") == 1, err


def test_in_the_checkout_the_benchmarks_exit_status_comes_back(capfd):
    assert cli._checkout() is not None  # the tests run from the checkout
    assert cli.main(["bench", "engine", "--frames", "x"]) == 2
    err = capfd.readouterr().err
    assert "posecoach bench engine: argument --frames" in err and err.count("\n") == 1, err
