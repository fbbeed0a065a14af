#!/usr/bin/env python3
"""Seeds the fuzz corpora from the captured Celery 5.7 traffic (fixtures/celery-5.7).

broker/: for every fixture and connection, the commands that connection sent, as RESP arrays
         in one file (what a real Celery client feeds the broker's command layer).
protocol/: every LPUSH/PUBLISH/SET payload that parses as JSON (task envelopes, events,
           control requests and replies, result metas), one per file.
Run from Fuzz/: tools/seed_corpus.py FIXTURES_DIR
"""
import hashlib
import json
import os
import sys


def resp(args):
    out = b"*%d\r\n" % len(args)
    for arg in args:
        data = arg.encode("utf-8", "surrogateescape")
        out += b"$%d\r\n%s\r\n" % (len(data), data)
    return out


def write(folder, data):
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(data)


def commands_in(node, connection):
    """Every command (a list of strings starting with a command name) anywhere in a fixture,
    with the connection it was sent on."""
    if isinstance(node, dict):
        connection = node.get("conn", connection) if isinstance(node.get("conn"), str) else connection
        for key, value in node.items():
            if key in ("reply", "replies"):
                continue
            yield from commands_in(value, connection)
    elif isinstance(node, list):
        if node and all(isinstance(item, str) for item in node) and node[0].isalpha() and node[0].isupper():
            yield connection, node
        else:
            for item in node:
                yield from commands_in(item, connection)


def main(fixtures):
    for entry in sorted(os.listdir(fixtures)):
        if not entry.endswith(".json"):
            continue
        with open(os.path.join(fixtures, entry)) as handle:
            try:
                fixture = json.load(handle)
            except ValueError:
                continue
        by_connection = {}
        for connection, args in commands_in(fixture, ""):
            by_connection.setdefault(connection, []).append(args)
            for arg in args[1:]:
                if arg.startswith("{") or arg.startswith("["):
                    try:
                        json.loads(arg)
                    except ValueError:
                        continue
                    write("corpus/protocol", arg.encode("utf-8", "surrogateescape"))
        for commands in by_connection.values():
            # libFuzzer's -max_len in fuzz.sh is 4096: whole commands up to that size per file.
            chunk = b""
            for args in commands:
                piece = resp(args)
                if chunk and len(chunk) + len(piece) > 4096:
                    write("corpus/broker", chunk)
                    chunk = b""
                chunk += piece
            if chunk:
                write("corpus/broker", chunk[:4096])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/fixtures/celery-5.7")
