import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { enforcementObjectName, FqdnEgressRequest, FqdnEnforcementOutput, FqdnEnforcer } from './fqdn-enforcer';
import { netsecError } from '../core/errors';
import { compareStrings } from '../core/selector';
import { ciliumFqdnProblem, ciliumPeerProblem, ciliumPortProblem, renderFqdnEgressPolicy } from '../render/cilium-network-policy';
import { IsolatedTier } from '../tiers/tier';

/*
 * FqdnEnforcement.CILIUM: a CiliumNetworkPolicy per target with toFQDNs rules and the DNS rule through
 * Cilium's DNS proxy. The tier's NetworkPolicy gets no rule to public addresses.
 */

/** The Cilium enforcement point. */
export const CILIUM_ENFORCER: FqdnEnforcer = {
  check: checkCilium,
  // Cilium adds NetworkPolicies and CiliumNetworkPolicies up: an L3 rule here would open the ports to every address.
  fqdnNetworkPeers: () => [],
  render: (owner, request) => new CiliumEgress(owner, 'Cilium', request),
};

function checkCilium(where: string, request: FqdnEgressRequest): void {
  for (const { hostname, ports } of request.fqdns) {
    const bad = ciliumFqdnProblem(hostname);
    if (bad) throw netsecError(where, `hostname ${bad}`, hostname, 'Write a lower-case name such as "api.example.com" or "*.example.com".');
    for (const port of ports) {
      const badPort = ciliumPortProblem(port);
      if (badPort) throw netsecError(where, `${hostname}: the port ${badPort}`, port.toString(), 'Use a port number, e.g. Port.tcp(443).');
    }
  }
  if (request.fqdns.length === 0) return;
  for (const target of request.targets) {
    if (target.dns._destinations.length === 0) {
      throw netsecError(where, `${target} has no DNS rule (ClusterDns.disabled()), but Cilium learns the addresses of the names only from DNS answers it proxies`,
        'ClusterDns.disabled()', 'Give the tier its cluster DNS (the default, ClusterDns.kubeDns()), or allow the services by address with Destination.cidr().');
    }
    for (const { peer } of target.dns._destinations) {
      const bad = ciliumPeerProblem(peer.toPeerConfig());
      if (bad) {
        throw netsecError(where, `the DNS server of ${target} ${bad}`, String(peer),
          'Name the DNS pods by namespace and labels (ClusterDns.kubeDns({ namespace, podLabels })) or by address.');
      }
    }
  }
}

/**
 * Cilium enforcement of one `RestrictedEgress`: one CiliumNetworkPolicy per target, selecting exactly the
 * target's pods (every pod of the namespace for a NamespaceIsolation, which the user chose as target).
 */
class CiliumEgress extends Construct implements FqdnEnforcementOutput {
  public readonly objects: ApiObject[] = [];

  public constructor(owner: Construct, id: string, request: FqdnEgressRequest) {
    super(owner, id);
    request.model.addEgressEnforcement({ enforcer: this, targets: request.targets });
    if (request.fqdns.length === 0) return;
    // Objects in name order, so that the order of `tiers` never changes the YAML.
    const named = request.targets.map((target) => ({ target, name: enforcementObjectName(request, target) }))
      .sort((a, b) => compareStrings(`${a.target.namespace}/${a.name}`, `${b.target.namespace}/${b.name}`));
    for (const { target, name } of named) {
      request.model.names.claim('CiliumNetworkPolicy', target.namespace, name, owner);
      this.objects.push(new ApiObject(this, `CiliumNetworkPolicy-${target.namespace}-${name}`, renderFqdnEgressPolicy({
        name,
        namespace: target.namespace,
        podSelector: IsolatedTier.isIsolatedTier(target) ? { matchLabels: target.podLabels } : {},
        dnsServers: target.dns._destinations.map((d) => ({ peer: d.peer.toPeerConfig(), ports: d.ports })),
        fqdns: request.fqdns,
      })));
    }
  }
}
