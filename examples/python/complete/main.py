"""The complete example (examples/complete/main.ts) in Python, line for line, plus two analyzer questions.

A shop in two namespaces, meshed, with a public HTTPS entry point and an egress allowlist.

    internet --HTTPS--> ingress-nginx --TCP 8080--> web (shop)
    web (shop) --TCP 9090--> api (shop) --TCP 5432--> db (data)
    api (shop) --TLS 443--> api.stripe.com            (by name, through the Istio sidecar)

Run `python main.py` (or `cdk8s synth`) in this folder with the cdk8s-netsec wheel installed; the YAML
lands in dist/complete.k8s.yaml and dist/complete-data.k8s.yaml, byte-identical to what the TypeScript
example writes. It then asks the reachability analyzer about one allowed and one denied flow.
"""
import os
import typing

from cdk8s import App, Chart
from cdk8s_netsec import (
    AcmeClusterIssuer, Destination, FqdnEnforcement, IngressController, IsolatedTier, MeshMtls, MtlsMode, NamespaceIsolation,
    Port, Reachability, RestrictedEgress, SecureIngress, TlsSource,
)


def build_complete(app: App) -> typing.List[Chart]:
    """Builds the example into `app` and returns its charts (shop first, then data)."""
    shop = Chart(app, "complete", namespace="shop")
    data = Chart(app, "complete-data", namespace="data")

    NamespaceIsolation(shop, "shop-baseline", create_namespace=True)
    NamespaceIsolation(data, "data-baseline", create_namespace=True)

    web = IsolatedTier(shop, "web", pod_labels={"app": "web"}, ports=[Port.tcp(8080)], service_account_name="web")
    api = IsolatedTier(shop, "api", pod_labels={"app": "api"}, ports=[Port.tcp(9090)], service_account_name="api")
    db = IsolatedTier(data, "db", pod_labels={"app": "db"}, ports=[Port.tcp(5432)], service_account_name="db")

    api.allow_from(web, Port.tcp(9090))
    api.expose()
    db.allow_from(api, Port.tcp(5432))
    db.expose()

    letsencrypt = AcmeClusterIssuer(shop, "letsencrypt", email="ops@example.com")
    SecureIngress(shop, "public",
        host="shop.example.com",
        backend=web,
        port=Port.tcp(8080),
        tls=TlsSource.issuer_reference(letsencrypt.issuer),
        # Retired upstream; the mesh learns its service account (ingress-nginx) from here.
        controller=IngressController.ingress_nginx(),
    )

    RestrictedEgress(shop, "api-egress",
        tier=api,
        fqdn_enforcement=FqdnEnforcement.ISTIO,
        allow=[Destination.fqdn("api.stripe.com", Port.tcp(443))],
    )

    MeshMtls(shop, "mesh", mode=MtlsMode.STRICT)
    MeshMtls(data, "mesh", mode=MtlsMode.STRICT)
    return [shop, data]


if __name__ == "__main__":
    # Like `cdk8s synth`: CDK8S_OUTDIR when the CLI sets it, else dist/ next to this file.
    app = App(outdir=os.environ.get("CDK8S_OUTDIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "dist")))
    build_complete(app)
    app.synth()

    # The analyzer reads the synthesized manifests: the web tier may call the API, but not the database.
    reach = Reachability.from_app(app)
    web = {"namespace": "shop", "pod": "web"}
    print("web -> api TCP 9090 allowed:", reach.is_allowed(web, {"namespace": "shop", "pod": "api"}, Port.tcp(9090)))
    print("web -> db TCP 5432 allowed:", reach.is_allowed(web, {"namespace": "data", "pod": "db"}, Port.tcp(5432)))
