"""A tier made from a cdk8s-plus-33 Deployment: what a new `cdk8s init python-app` project uses.

cdk8s-netsec's peer is cdk8s-plus-28, but `IsolatedTier.from_workload` reads a workload of any cdk8s-plus
line: its selector labels, namespace, service account and container ports. Run `python main.py` in this
folder with the cdk8s-netsec wheel and cdk8s-plus-33 installed; the YAML lands in dist/.
"""
import os

import cdk8s_plus_33 as kplus
from cdk8s import App, Chart
from cdk8s_netsec import IsolatedTier, NamespaceIsolation, Port


def build_plus33(app: App) -> Chart:
    """Builds the example into `app` and returns its chart."""
    chart = Chart(app, "plus33", namespace="shop")
    NamespaceIsolation(chart, "baseline")

    web = kplus.Deployment(chart, "web-deployment",
        containers=[kplus.ContainerProps(image="nginx:1.27", port_number=8080)],
    )
    api = kplus.Deployment(chart, "api-deployment",
        service_account=kplus.ServiceAccount(chart, "api-sa", metadata={"name": "api"}),
        containers=[kplus.ContainerProps(image="shop/api:1.0", port_number=9090)],
    )
    web_tier = IsolatedTier.from_workload(chart, "web", web)
    api_tier = IsolatedTier.from_workload(chart, "api", api)
    api_tier.allow_from(web_tier, Port.tcp(9090))
    api_tier.expose()
    return chart


if __name__ == "__main__":
    # Like `cdk8s synth`: CDK8S_OUTDIR when the CLI sets it, else dist/ next to this file.
    app = App(outdir=os.environ.get("CDK8S_OUTDIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "dist")))
    chart = build_plus33(app)
    app.synth()
