"""``copil contract``: check a contract file and store it in the warehouse."""

from __future__ import annotations

import argparse

from copil.common import add_db_option, db_path

EPILOG = """example:
  copil contract check data/contract.example.yaml
  copil contract set data/contract.example.yaml
  copil contract show"""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "contract", help="check, store or show the service contract (targets, thresholds)",
        description="The contract fixes the service-level variant and thresholds, short "
        "abandons, the callback deadline, the reconciliation tolerance and the targets.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="action", metavar="<action>", required=True)
    check = sub.add_parser("check", help="validate a contract file",
                           epilog="example:\n  copil contract check data/contract.example.yaml",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("file", help="contract YAML file")
    check.set_defaults(func=run_check)
    put = sub.add_parser("set", help="validate a contract file and store it in the warehouse",
                         epilog="example:\n  copil contract set data/contract.example.yaml",
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    put.add_argument("file", help="contract YAML file")
    add_db_option(put)
    put.set_defaults(func=run_set)
    show = sub.add_parser("show", help="print the contract stored in the warehouse",
                          epilog="example:\n  copil contract show --db data/demo.duckdb",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_option(show)
    show.set_defaults(func=run_show)


def _summary(c) -> str:
    lines = [f"line: {c.line_name or '(unnamed)'}  time zone: {c.timezone or '(warehouse)'}",
             f"service level: {c.service_level_variant} at "
             f"{', '.join(f'{t} s' for t in c.service_level_thresholds)}",
             f"short abandons: <= {c.short_abandon_s:g} s (0 = none)  callback deadline: "
             f"{c.callback_deadline_h:g} h  reconciliation tolerance: {c.reconciliation_tolerance:g}",
             f"targets ({len(c.targets)}):"]
    lines += [f"  {t.label()}" for t in c.targets]
    return "\n".join(lines)


def run_check(args) -> int:
    from analytics.contract import load_contract

    print(f"{args.file}: valid\n{_summary(load_contract(args.file))}")
    return 0


def run_set(args) -> int:
    from pathlib import Path

    from analytics.contract import load_contract, store_contract
    from analytics.warehouse import connection

    contract = load_contract(args.file)
    with connection(db_path(args)) as con:
        store_contract(con, Path(args.file).read_text(encoding="utf-8"))
    print(f"stored in {db_path(args)}\n{_summary(contract)}")
    return 0


def run_show(args) -> int:
    from analytics.contract import warehouse_contract
    from analytics.warehouse import connection, get_setting

    with connection(db_path(args), read_only=True) as con:
        contract = warehouse_contract(con)
        text = get_setting(con, "contract")
    if contract is None:
        print("no contract stored; the glossary defaults apply (copil contract set FILE)")
        return 0
    print(text.rstrip())
    return 0
