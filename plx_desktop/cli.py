"""The `plx-desktop` command: the GUI by default, and `sync`, `sandbox`, `profile`, `log` subcommands.

Argument parsing only; each subcommand hands over to a module that does the work.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from plx_desktop import __version__
from plx_desktop.paths import resolve_data_dir, sandbox_dir


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="where PLX Desktop keeps its data (default: the platform's user data dir)")
    parser.add_argument("--sandbox", action="store_true", default=argparse.SUPPRESS,
                        help="use the local sandbox instead of real Salesforce and PeopleLinx accounts")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plx-desktop",
        description="Set up, run and watch the Salesforce <-> PeopleLinx integration.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_common(parser)
    parser.add_argument("--self-test", action="store_true",
                        help="open the main window, run one sync, and exit 0 on success")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    sandbox = commands.add_parser("sandbox", help="the local stand-ins for Salesforce and PeopleLinx")
    _add_common(sandbox)
    sandbox_commands = sandbox.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)
    serve = sandbox_commands.add_parser("serve", help="run both sandbox servers in the foreground")
    _add_common(serve)
    serve.add_argument("--only", choices=["salesforce", "peoplelinx"],
                       help="serve this one service, described in sandbox-SERVICE.json and not in "
                            "sandbox.json (the benchmark runs each service in its own process and "
                            "writes sandbox.json from both parts)")
    serve.add_argument("--seed", metavar="demo|N",
                       help="reset and fill with demo data, or N records of each kind (benchmarks)")
    serve.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every API call")
    serve.add_argument("--fail-rate", type=float, default=0.0,
                       help="share of API calls (0..1) that fail with an injected fault")
    serve.add_argument("--sf-port", type=int, default=0, help="Salesforce port (default: any free one)")
    serve.add_argument("--plx-port", type=int, default=0, help="PeopleLinx port (default: any free one)")
    serve.add_argument("--org", choices=["fresh", "ready"],
                       help="start the Salesforce org over as a fresh one (no PeopleLinx fields "
                            "until Set up) or a ready one (fields installed); default: as it was")

    sync = commands.add_parser("sync", help="run the integration without the window (servers, cron)")
    _add_common(sync)
    when = sync.add_mutually_exclusive_group()
    when.add_argument("--once", action="store_true", help="one run, then exit (the default)")
    when.add_argument("--every", type=float, metavar="SECONDS",
                      help="run again every SECONDS (at least 30) until interrupted")
    sync.add_argument("--profile", choices=["default", "custom"],
                      help="the profile to run (default: the active one)")
    sync.add_argument("--dry-run", action="store_true",
                      help="preview: show what a run would do, reading only, writing nothing")

    check = commands.add_parser("check", help="is the Salesforce org ready? (--fix: Set up what is missing)")
    _add_common(check)
    check.add_argument("--fix", action="store_true",
                       help="Set up: create the missing PeopleLinx fields and grant the connected "
                            "user read and edit on them, then check again")
    check.add_argument("--json", action="store_true", help="machine-readable output")

    profile = commands.add_parser("profile", help="export or import the Custom profile as JSON")
    _add_common(profile)
    profile_commands = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    export = profile_commands.add_parser("export", help="write a profile to FILE ('-' for stdout)")
    _add_common(export)
    export.add_argument("file", type=Path, metavar="FILE")
    export.add_argument("--profile", choices=["default", "custom"], default="custom")
    import_ = profile_commands.add_parser("import", help="replace the Custom profile with FILE")
    _add_common(import_)
    import_.add_argument("file", type=Path, metavar="FILE")

    log = commands.add_parser("log", help="show the newest sync log entries")
    _add_common(log)
    log.add_argument("--json", action="store_true", help="one JSON object per line")
    log.add_argument("--limit", type=int, default=50, metavar="N", help="how many (default 50)")
    log.add_argument("--outcome", choices=["created", "updated", "skipped", "failed", "conflict"])

    connect = commands.add_parser("connect", help="connect Salesforce or PeopleLinx without the window")
    _add_common(connect)
    connect_to = connect.add_subparsers(dest="connect_target", metavar="ACCOUNT", required=True)
    sf = connect_to.add_parser("salesforce", help="sign in through the browser (OAuth with PKCE)")
    _add_common(sf)
    sf.add_argument("--login-url", metavar="production|sandbox|URL",
                    help="where to sign in: production (login.salesforce.com, the default), "
                         "sandbox (test.salesforce.com) or your My Domain URL")
    sf.add_argument("--client-id", metavar="KEY",
                    help="the Consumer Key of your External Client App (remembered per login URL)")
    sf.add_argument("--port", type=int, metavar="P",
                    help="the callback port (default 1717: register "
                         "http://localhost:1717/OauthRedirect on the app)")
    sf.add_argument("--ca-file", metavar="PEM", help="trust this CA (a corporate proxy's)")
    sf.add_argument("--no-browser", action="store_true",
                    help="only print the address to open (for a server without a browser)")
    plx = connect_to.add_parser("peoplelinx", help="save a PeopleLinx API key after testing it")
    _add_common(plx)
    plx.add_argument("--base-url", metavar="URL", help="the PeopleLinx API (default: production)")
    plx.add_argument("--ca-file", metavar="PEM", help="trust this CA")
    plx.add_argument("--api-key-stdin", action="store_true", required=True,
                     help="read the API key from standard input (never from the command line)")
    disconnect = commands.add_parser("disconnect", help="revoke and forget a saved connection")
    _add_common(disconnect)
    disconnect.add_argument("account", choices=["salesforce", "peoplelinx"])

    health = commands.add_parser("health", help="failing records by cause; retry them")
    _add_common(health)
    health.add_argument("--json", action="store_true", help="machine-readable output")
    health.add_argument("--include-skips", action="store_true",
                        help="also records skipped with a reason (converted leads)")
    health.add_argument("--retry", metavar="all|CAUSE",
                        help="ask the next run to retry these failures first")
    return parser


def _data_dir(args: argparse.Namespace) -> Path:
    return resolve_data_dir(getattr(args, "data_dir", None))


def _sandbox_serve(args: argparse.Namespace) -> int:
    import threading

    from plx_desktop.sandbox.runner import (
        SANDBOX_JSON,
        Sandbox,
        ServiceSandbox,
        part_file,
        start_sandbox,
        start_service,
    )

    seed = args.seed
    if seed is not None and seed != "demo" and not seed.isdigit():
        print(f"plx-desktop: --seed takes 'demo' or a number of records, not {seed!r}", file=sys.stderr)
        return 2
    from plx_desktop.background import give_way

    # The stand-ins stand in for servers on other machines, which never take the window's
    # cores: here they give way to it as the sync does (background.py).
    give_way()
    state = sandbox_dir(_data_dir(args))
    options = {"seed": seed, "latency_ms": args.latency_ms, "fail_rate": args.fail_rate,
               "seed_if_empty": True, "org": args.org}
    sandbox: Sandbox | ServiceSandbox
    if args.only is None:
        sandbox = start_sandbox(state, sf_port=args.sf_port, plx_port=args.plx_port, **options)
        info = sandbox.info
        print(f"Salesforce sandbox:  {info.salesforce_instance_url}  (log in as {info.salesforce_username})")
        print(f"PeopleLinx sandbox:  {info.peoplelinx_base_url}")
        print(f"Details for clients: {state / SANDBOX_JSON}")
    else:
        port = args.sf_port if args.only == "salesforce" else args.plx_port
        sandbox = start_service(state, args.only, port=port, **options)
        name = "Salesforce" if args.only == "salesforce" else "PeopleLinx"
        print(f"{name} sandbox:  {sandbox.server.url}  (this service only)")
        print(f"Its part of the details: {state / part_file(args.only)}")
    print("Press Ctrl+C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0


def _connect(args: argparse.Namespace) -> int:
    from plx_desktop.commands import connect_command

    if args.command == "disconnect":
        return connect_command.disconnect(_data_dir(args), args.account)
    if args.connect_target == "salesforce":
        return connect_command.connect_salesforce(
            _data_dir(args), login_url=args.login_url, client_id=args.client_id, port=args.port,
            ca_file=args.ca_file, no_browser=args.no_browser)
    return connect_command.connect_peoplelinx(_data_dir(args), base_url=args.base_url,
                                              ca_file=args.ca_file, key_source=sys.stdin)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "sandbox" and args.sandbox_command == "serve":
        return _sandbox_serve(args)
    if args.command == "sync":
        from plx_desktop.commands import sync_command

        return sync_command.run(_data_dir(args), sandbox=getattr(args, "sandbox", False),
                                every=args.every, profile=args.profile, dry_run=args.dry_run)
    if args.command == "check":
        from plx_desktop.commands import check_command

        return check_command.run(_data_dir(args), sandbox=getattr(args, "sandbox", False),
                                 fix=args.fix, as_json=args.json)
    if args.command == "profile":
        from plx_desktop.commands import profile_command

        if args.profile_command == "export":
            return profile_command.export(_data_dir(args), args.file, args.profile)
        return profile_command.import_(_data_dir(args), args.file)
    if args.command == "log":
        from plx_desktop.commands import log_command

        return log_command.show(_data_dir(args), limit=args.limit, as_json=args.json,
                                outcome=args.outcome)
    if args.command in ("connect", "disconnect"):
        return _connect(args)
    if args.command == "health":
        from plx_desktop.commands import health_command

        return health_command.show(_data_dir(args), as_json=args.json, retry=args.retry,
                                   include_skips=args.include_skips)
    if args.command is None:
        from plx_desktop.gui.app import run_gui

        return run_gui(args)
    raise AssertionError(f"unhandled command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
