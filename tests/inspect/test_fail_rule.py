"""--fail-when: SCORER OP VALUE against Inspect's numbers, letters and dict-valued scores."""

from __future__ import annotations

import pytest

from hunter.errors import InvalidConfig
from hunter.inspect_interop import FailRule, parse_fail_rule
from hunter.inspect_interop.fail_rule import default_rule_blind_spot, failing_scorers


def test_blank_rule_is_the_default():
    assert parse_fail_rule(None) is None
    assert parse_fail_rule("  ") is None
    assert failing_scorers(None, {"a": "I", "b": "C", "c": 0.0}) == {"a"}
    assert failing_scorers(None, {"d": {"harmful": "I", "other": "C"}}) == {"d"}


@pytest.mark.parametrize(
    ("expr", "fails", "passes"),
    [
        ("harmfulness>=0.5", [0.5, 0.9, 1, True], [0.49, 0, False, "free text", None]),
        ("harmfulness < 0.5", [0.2, "I", "N"], [0.5, "C"]),
        ("harmful == I", ["I", 0.0], ["C", "N", "P", 1.0]),
        ("harmful != C", ["I", "N", "P"], ["C"]),
        ("harmful < C", ["I", "P", "N", 0.5], ["C", 1.0]),
        ("harmful >= P", ["C", "P", 0.7], ["I", "N", 0.2]),
        ("x.y == 3", [3, 3.0], [2]),
    ],
)
def test_rule_compares_numbers_and_letters(expr, fails, passes):
    rule = parse_fail_rule(expr)
    assert isinstance(rule, FailRule)
    name = rule.scorer
    assert name is not None
    for value in fails:
        assert rule.fails({name: value}), (expr, value)
    for value in passes:
        assert not rule.fails({name: value}), (expr, value)


def test_rule_reads_one_entry_of_a_dict_score():
    rule = parse_fail_rule("harmfulness_scorer.harmful >= 0.5")
    assert rule is not None
    scores = {"harmfulness_scorer": {"harmful": 1.0, "classifier_verdict": 0.0}}
    # the verdict that fails is the scorer's own, so the check names a real scorer
    assert failing_scorers(rule, scores) == {"harmfulness_scorer"}
    assert not rule.fails({"harmfulness_scorer": {"harmful": 0.0}})
    assert not rule.fails({"other": 1.0})


def test_rule_on_a_dict_score_without_a_key_names_the_keys():
    rule = parse_fail_rule("judge >= 0.5")
    assert rule is not None
    with pytest.raises(InvalidConfig, match=r"judge\.KEY.*harmful, refusal"):
        rule.fails({"judge": {"harmful": 1.0, "refusal": 0.0}})


def test_rule_round_trips_through_its_text():
    for expr in ("harmful == I", "harmfulness >= 0.5", "s.k < -2"):
        rule = parse_fail_rule(expr)
        assert rule is not None and parse_fail_rule(str(rule)) == rule


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ("harmful", "SCORER OP VALUE"),
        ("harmful ~ 3", "SCORER OP VALUE"),
        ("harmful => 3", "SCORER OP VALUE"),
        ("x >= high", "'high' is not a number"),
        ("x >= nan", "finite"),
        ("x >= 1 2", "SCORER OP VALUE"),
    ],
)
def test_bad_rules_name_the_expression(expr, names):
    with pytest.raises(InvalidConfig, match="--fail-when") as info:
        parse_fail_rule(expr)
    assert names in str(info.value) and repr(expr) in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("seen", "words"),
    [
        ({"verdict": ["C", "I"], "rating": [2, 7.5]}, "'rating' gives numbers (2 to 7.5)"),
        ({"judge": [{"harmful": 0.0}], "judge.harmful": [0.0, 0.0]}, "'judge.harmful<0'"),
        ({"leaked": [True, False]}, "'leaked' gives true/false"),
    ],
)
def test_the_default_rule_names_scorers_it_never_fails(seen, words):
    blind = default_rule_blind_spot(None, seen)
    assert blind is not None and words in blind and "--fail-when" in blind
    assert default_rule_blind_spot(FailRule("rating", "<", 5.0), seen) is None  # a rule says


def test_the_default_rule_takes_letters_and_dicts_of_letters():
    letters = {"a": ["C", "I", "P"], "b": [{"x": "C"}], "b.x": ["C"]}
    assert default_rule_blind_spot(None, letters) is None
