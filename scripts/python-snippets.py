"""Runs the Python code blocks of the docs, each in a fresh namespace, and prints one result per block as JSON.

Usage: python python-snippets.py <snippets.json> <work dir>
snippets.json is a list of {"file", "line", "code"}. A block that does not make its own `chart` gets one
from a prelude, with the tiers `web`, `api` and `db` it does not make itself (the README's Constructs
snippets continue the intro app): a chart in namespace shop, web (TCP 8080), api (TCP 9090) and db
(namespace data, TCP 5432), each with its service account. After the block the prelude's app is
synthesized, so whole-tree checks run too.
A block starting with "# fragment of" is part of an example and is run there instead.
"""
import json
import os
import re
import sys

PRELUDE = {
    "chart": 'chart = Chart(app, "snippet", namespace="shop")',
    "web": 'web = IsolatedTier(chart, "web", pod_labels={"app": "web"}, ports=[Port.tcp(8080)], service_account_name="web")',
    "api": 'api = IsolatedTier(chart, "api", pod_labels={"app": "api"}, ports=[Port.tcp(9090)], service_account_name="api")',
    "db": 'db = IsolatedTier(chart, "db", pod_labels={"app": "db"}, namespace="data", ports=[Port.tcp(5432)], service_account_name="db")',
}

snippets = json.load(open(sys.argv[1]))
results = []
for index, snippet in enumerate(snippets):
    code = snippet["code"]
    if code.startswith("# fragment of"):
        results.append("skipped")
        continue
    folder = os.path.join(sys.argv[2], str(index))
    os.makedirs(folder)
    os.chdir(folder)
    prelude = ["from cdk8s import App, Chart", "from cdk8s_netsec import *", "app = App()"]
    if not re.search(r"^chart = ", code, re.M):  # a block that makes its own chart makes its own tiers too
        prelude += [line for name, line in PRELUDE.items() if not re.search(rf"^{name} = ", code, re.M)]
    scope = {"__name__": "snippet"}
    try:
        exec("\n".join(prelude), scope)
        exec(compile(code, f'{snippet["file"]}:{snippet["line"]}', "exec"), scope)
        exec("app.synth()", scope)
        results.append("ok")
    except Exception as error:  # noqa: BLE001 - every failure is reported with its block
        results.append(f"{type(error).__name__}: {error}")
print(json.dumps(results))
