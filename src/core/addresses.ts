import { compareStrings } from './selector';

/*
 * Well-known addresses: their one home. The constructs (guardrails, egress, DNS), the renderers, the
 * audit and the analyzer read these facts from here and nowhere else. Internal: not re-exported.
 */

/** A cloud's instance metadata service, or a host channel that hands out node secrets, as documented. */
export interface MetadataService {
  readonly cloud: string;
  /** What the provider calls it. */
  readonly name: string;
  /** The addresses, IPv4 and IPv6, without prefix length. */
  readonly addresses: readonly string[];
  /** The TCP ports where it serves instance data, credentials or node secrets (the audit checks each). */
  readonly ports: readonly number[];
  /**
   * True for an instance metadata service a workload may be allowed to reach on purpose
   * (`allowMetadataEndpoint`); false for a host channel no workload needs (Azure's WireServer).
   */
  readonly instanceMetadata: boolean;
  /**
   * The addresses among `addresses` that also answer DNS on port 53. `ClusterDns` can name them, and the
   * guardrails then let port 53 through to them, and nothing else.
   */
  readonly dnsAddresses: readonly string[];
  /** Where the address is documented (read 2026-12). */
  readonly source: string;
}

/*
 * Every metadata service below is guarded: kept out of every wide ipBlock, refused as a plain destination,
 * denied by ClusterIsolation's Admin tier, checked by the audit (NETSEC005, NETSEC021). The sources:
 *
 * - AWS EC2 IMDS: "http://169.254.169.254/latest/meta-data/ (IPv4), http://[fd00:ec2::254]/latest/meta-data/
 *   (IPv6, Nitro instances with the IPv6 endpoint enabled)": docs.aws.amazon.com/AWSEC2/latest/UserGuide/
 *   instancedata-data-retrieval.html. (169.254.169.253, the VPC DNS resolver, and 169.254.170.23 /
 *   fd00:ec2::23, the EKS Pod Identity Agent, hand out nothing of the node's: not listed.)
 * - GCP: metadata.google.internal is 169.254.169.254 (cloud.google.com/compute/docs/metadata/
 *   querying-metadata); VMs use it as their name server too ("each VM must be configured to use the
 *   metadata server IP address (169.254.169.254) as its name server": cloud.google.com/dns/docs/
 *   vpc-name-res-order), and GKE's Cloud DNS and kube-dns resolve through it. IPv6-only instances reach
 *   the metadata server at fd20:ce::254 (querying-metadata, IPv6 endpoint; Google's own Config Connector
 *   sets "[fd20:ce::254]" as the metadata host). Whether fd20:ce::254 answers DNS is not documented: not
 *   a DNS address here. (169.254.169.252, GKE's Workload Identity server, hands out the pod's own
 *   identity: not listed.)
 * - Azure IMDS: "a REST API that's available at a well-known, non-routable IP address (169.254.169.254)":
 *   learn.microsoft.com/azure/virtual-machines/instance-metadata-service.
 * - Azure WireServer: "IP address 168.63.129.16 is a virtual public IP address" that carries the VM
 *   agent's channel ("outbound communication over ports 80/tcp and 32526/tcp with WireServer"), the DNS
 *   virtual server (port 53, the upstream of AKS's CoreDNS), DHCP and the load balancer's health probes
 *   (inbound, so an egress deny leaves them alone): learn.microsoft.com/azure/virtual-network/
 *   what-is-ip-address-168-63-129-16. Not public internet although its address is public: it is a
 *   virtual IP of the host node.
 * - Alibaba Cloud ECS: "The Alibaba Cloud metadata service is available at http://100.100.100.200/":
 *   alibabacloud.com/help/ecs/user-guide/overview-of-ecs-instance-metadata (and cloud-init's AliYun
 *   datasource). Inside the shared address space 100.64.0.0/10.
 * - Oracle OCI: "an HTTP endpoint listening on 169.254.169.254": docs.oracle.com/iaas/Content/Compute/
 *   Tasks/gettingmetadata.htm. 192.0.0.192 is Oracle Cloud Infrastructure Classic's, not OCI's: not listed.
 * - DigitalOcean: "the special, static, link-local IP address 169.254.169.254":
 *   docs.digitalocean.com/products/droplets/how-to/access-metadata/.
 * - Hetzner Cloud: http://169.254.169.254/hetzner/v1/metadata: docs.hetzner.cloud/#server-metadata.
 * - OpenStack (nova): 169.254.169.254: docs.openstack.org/nova/latest/user/metadata.html. Its IPv6
 *   address fe80::a9fe:a9fe is link-local, which a pod's own interface does not route: not listed.
 * - Akamai (Linode): "industry standard link-local IP addresses (169.254.169.254 and fd00:a9fe:a9fe::1)":
 *   techdocs.akamai.com/cloud-computing/docs/access-the-metadata-service-api.
 */
export const METADATA_SERVICES: readonly MetadataService[] = [
  imds('AWS', 'EC2 instance metadata service (IMDS)', ['169.254.169.254', 'fd00:ec2::254'],
    'docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html'),
  {
    ...imds('GCP', 'metadata server (metadata.google.internal)', ['169.254.169.254', 'fd20:ce::254'],
      'cloud.google.com/compute/docs/metadata/querying-metadata'),
    dnsAddresses: ['169.254.169.254'],
  },
  imds('Azure', 'instance metadata service (IMDS)', ['169.254.169.254'], 'learn.microsoft.com/azure/virtual-machines/instance-metadata-service'),
  {
    cloud: 'Azure',
    name: 'WireServer (VM agent, extension settings, Azure DNS)',
    addresses: ['168.63.129.16'],
    ports: [80, 32526],
    instanceMetadata: false,
    dnsAddresses: ['168.63.129.16'],
    source: 'learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16',
  },
  imds('Alibaba Cloud', 'ECS instance metadata', ['100.100.100.200'], 'alibabacloud.com/help/ecs/user-guide/overview-of-ecs-instance-metadata'),
  imds('Oracle OCI', 'instance metadata service (IMDS)', ['169.254.169.254'], 'docs.oracle.com/iaas/Content/Compute/Tasks/gettingmetadata.htm'),
  imds('DigitalOcean', 'droplet metadata', ['169.254.169.254'], 'docs.digitalocean.com/products/droplets/how-to/access-metadata/'),
  imds('Hetzner Cloud', 'server metadata', ['169.254.169.254'], 'docs.hetzner.cloud/#server-metadata'),
  imds('OpenStack', 'nova metadata', ['169.254.169.254'], 'docs.openstack.org/nova/latest/user/metadata.html'),
  imds('Akamai (Linode)', 'metadata service', ['169.254.169.254', 'fd00:a9fe:a9fe::1'], 'techdocs.akamai.com/cloud-computing/docs/access-the-metadata-service-api'),
];

/**
 * Every metadata address, IPv4 first, each family sorted: never reachable through a wide ipBlock,
 * refused as a plain destination, denied by the guardrails, checked by the audit.
 */
export const METADATA_ADDRESSES: readonly string[] = sortedAddresses(METADATA_SERVICES.flatMap(s => s.addresses));

/** The metadata addresses as single-address CIDRs (`/32`, `/128`), in the same order. */
export const METADATA_CIDRS: readonly string[] = METADATA_ADDRESSES.map(hostCidr);

/**
 * The instance metadata services' CIDRs (not Azure's WireServer): what `allowMetadataEndpoint` opens on
 * TCP 80, for pods that read their instance's metadata or credentials on purpose.
 */
export const INSTANCE_METADATA_CIDRS: readonly string[] = sortedAddresses(
  METADATA_SERVICES.filter(s => s.instanceMetadata).flatMap(s => s.addresses)).map(hostCidr);

/** The metadata addresses that also serve DNS on port 53, as CIDRs: GKE's metadata server, Azure DNS. */
export const METADATA_DNS_CIDRS: readonly string[] = sortedAddresses(METADATA_SERVICES.flatMap(s => s.dnsAddresses)).map(hostCidr);

/** Each metadata address with the TCP ports where it serves secrets, as the audit probes them. */
export const METADATA_PROBES: readonly { readonly address: string; readonly ports: readonly number[] }[] = METADATA_ADDRESSES.map(address => ({
  address,
  ports: [...new Set(METADATA_SERVICES.filter(s => s.addresses.includes(address)).flatMap(s => s.ports))].sort((a, b) => a - b),
}));

/** The address of GKE's metadata server, which also serves DNS (Cloud DNS for GKE) on port 53. */
export const GKE_METADATA_SERVER = '169.254.169.254';

/** Azure's WireServer, which also serves Azure DNS on port 53 (the upstream of CoreDNS on AKS). */
export const AZURE_WIRESERVER = '168.63.129.16';

/** Every IPv4 address. */
export const EVERY_IPV4 = '0.0.0.0/0';

/** Every IPv6 address. */
export const EVERY_IPV6 = '::/0';

/**
 * The pod network the analyzer assumes when none is declared (`Reachability` option `podNetwork`, CLI
 * `--pod-cidr`): every IPv4 range that common installers and managed clusters take pod addresses from
 * (10.0.0.0/8: kubeadm with Flannel 10.244.0.0/16, k3s 10.42.0.0/16, GKE, AKS, EKS VPCs; 100.64.0.0/10:
 * EKS custom networking; 172.16.0.0/12: default VPCs and Docker-based clusters; 192.168.0.0/16: Calico's
 * default pool). An address rule counts as certain for a pod without a known IP only when it holds for
 * all of them, so a guess never turns into a certain "denied"; declaring the real pod CIDRs makes more
 * answers certain.
 */
export const DEFAULT_POD_NETWORK: readonly string[] = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16'];

/**
 * IPv4 ranges that are not the public internet (RFC 6890 special-purpose): this network, private,
 * shared address space (CGNAT), loopback, link-local, IETF protocol assignments, private, benchmarking,
 * multicast, reserved. The IPv4 internet is everything else.
 */
export const IPV4_NON_PUBLIC: readonly string[] = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16',
  '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4'];

/** The IPv6 internet: global unicast. ULA, link-local, multicast, loopback and mapped addresses lie outside it. */
export const IPV6_INTERNET = '2000::/3';

function imds(cloud: string, name: string, addresses: string[], source: string): MetadataService {
  return { cloud, name, addresses, ports: [80], instanceMetadata: true, dnsAddresses: [], source };
}

function hostCidr(address: string): string {
  return `${address}/${address.includes(':') ? 128 : 32}`;
}

/** Unique, IPv4 before IPv6, each family in code-point order (as except lists are sorted). */
function sortedAddresses(values: readonly string[]): string[] {
  const unique = [...new Set(values)];
  const family = (a: string) => unique.filter(v => v.includes(':') === (a === 'ipv6')).sort(compareStrings);
  return [...family('ipv4'), ...family('ipv6')];
}
