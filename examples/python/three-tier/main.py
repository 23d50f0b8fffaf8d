"""The three-tier example (examples/three-tier/main.ts) in Python, line for line.

A public web frontend, an API, and a database in its own namespace. Every namespace denies by default;
each tier accepts only its callers on its port.

    web (shop) --TCP 9090--> api (shop) --TCP 5432--> db (data)

Run `python main.py` (or `cdk8s synth`) in this folder with the cdk8s-netsec wheel installed; the YAML
lands in dist/three-tier.k8s.yaml, byte-identical to what the TypeScript example writes.
"""
import os

from cdk8s import App, Chart
from cdk8s_netsec import IsolatedTier, NamespaceIsolation, Peer, Port


def build_three_tier(app: App) -> Chart:
    """Builds the example into `app` and returns its chart."""
    chart = Chart(app, "three-tier", namespace="shop")

    NamespaceIsolation(chart, "shop-baseline", create_namespace=True)
    NamespaceIsolation(chart, "data-baseline", namespace="data", create_namespace=True)

    web = IsolatedTier(chart, "web",
        pod_labels={"app": "web"}, ports=[Port.tcp(8080)], service_account_name="web",
    )
    api = IsolatedTier(chart, "api",
        pod_labels={"app": "api"}, ports=[Port.tcp(9090)], service_account_name="api",
    )
    db = IsolatedTier(chart, "db",
        pod_labels={"app": "db"}, namespace="data", ports=[Port.tcp(5432)], service_account_name="db",
    )

    # The ingress controller reaches the frontend; the API calls a payment provider outside the cluster.
    web.allow_from(Peer.pods({"app.kubernetes.io/name": "ingress-nginx"}, "ingress-nginx"), Port.tcp(8080))
    api.allow_from(web, Port.tcp(9090))
    db.allow_from(api, Port.tcp(5432))
    api.allow_to(Peer.ip_block("203.0.113.0/24"), Port.tcp(443))

    # A ClusterIP Service per tier, on the tier's port: clients call names, not pod IPs.
    for tier in [web, api, db]:
        tier.expose()
    return chart


if __name__ == "__main__":
    # Like `cdk8s synth`: CDK8S_OUTDIR when the CLI sets it, else dist/ next to this file.
    app = App(outdir=os.environ.get("CDK8S_OUTDIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "dist")))
    build_three_tier(app)
    app.synth()
