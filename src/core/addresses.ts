/*
 * Well-known addresses: their one home. The constructs (guardrails, egress, DNS), the renderers, the
 * audit and the analyzer read these facts from here and nowhere else. Internal: not re-exported.
 */

/** A cloud's instance metadata service (or a host service that hands out credentials), as documented. */
export interface MetadataService {
  readonly cloud: string;
  /** The addresses, IPv4 and IPv6, without prefix length. */
  readonly addresses: readonly string[];
  /** Where the address is documented. */
  readonly source: string;
  /**
   * True when the library keeps it out of every wide ipBlock, refuses it as a plain destination and
   * checks it in the audit (NETSEC005, NETSEC022). See `GUARDED_METADATA_ADDRESSES`.
   */
  readonly guarded: boolean;
}

/**
 * The metadata endpoints of the major clouds. Sources, read 2026-12:
 * - AWS EC2 IMDS: docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
 *   (169.254.169.254; fd00:ec2::254 on Nitro instances with the IPv6 endpoint enabled).
 * - GCP: cloud.google.com/compute/docs/metadata/querying-metadata (metadata.google.internal =
 *   169.254.169.254; fd20:ce::254 for IPv6-only instances).
 * - Azure IMDS: learn.microsoft.com/azure/virtual-machines/instance-metadata-service (169.254.169.254);
 *   WireServer: learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16.
 * - Alibaba Cloud ECS: alibabacloud.com/help/ecs/user-guide/overview-of-ecs-instance-metadata (100.100.100.200).
 * - Oracle OCI: docs.oracle.com/iaas/Content/Compute/Tasks/gettingmetadata.htm (169.254.169.254).
 *   192.0.0.192 is the metadata address of Oracle Cloud Infrastructure Classic, not of OCI: not listed.
 * - DigitalOcean: docs.digitalocean.com/reference/api/metadata-api/ (169.254.169.254).
 * - OpenStack: docs.openstack.org/nova/latest/user/metadata.html (169.254.169.254).
 */
export const METADATA_SERVICES: readonly MetadataService[] = [
  { cloud: 'AWS', addresses: ['169.254.169.254', 'fd00:ec2::254'], source: 'EC2 instance metadata service (IMDS)', guarded: true },
  { cloud: 'GCP', addresses: ['169.254.169.254'], source: 'metadata.google.internal', guarded: true },
  { cloud: 'GCP', addresses: ['fd20:ce::254'], source: 'metadata server for IPv6-only instances', guarded: false },
  { cloud: 'Azure', addresses: ['169.254.169.254'], source: 'instance metadata service (IMDS)', guarded: true },
  { cloud: 'Azure', addresses: ['168.63.129.16'], source: 'WireServer (VM agent, extension settings)', guarded: false },
  { cloud: 'Alibaba Cloud', addresses: ['100.100.100.200'], source: 'ECS instance metadata', guarded: false },
  { cloud: 'Oracle OCI', addresses: ['169.254.169.254'], source: 'instance metadata service', guarded: true },
  { cloud: 'DigitalOcean', addresses: ['169.254.169.254'], source: 'droplet metadata', guarded: true },
  { cloud: 'OpenStack', addresses: ['169.254.169.254'], source: 'nova metadata', guarded: true },
];

/**
 * The metadata addresses the library guards today (IPv4 first): never reachable through a wide
 * ipBlock, refused as a plain destination, opened only by `allowMetadataEndpoint` or
 * `MetadataEndpointAccess`, checked by the audit. The services marked `guarded: false` are known but
 * not yet guarded: guarding them changes the except lists every construct writes (issue 22 item 4), and
 * Azure's WireServer also answers DNS on port 53 (CoreDNS on AKS forwards to it), so it can only be
 * guarded port by port (TCP 80 and 32526), not as a whole address like the others.
 */
export const GUARDED_METADATA_ADDRESSES: readonly string[] = unique(METADATA_SERVICES.filter(s => s.guarded).flatMap(s => s.addresses));

/** The guarded metadata addresses as single-address CIDRs (`/32`, `/128`). */
export const GUARDED_METADATA_CIDRS: readonly string[] = GUARDED_METADATA_ADDRESSES.map(a => `${a}/${a.includes(':') ? 128 : 32}`);

/** The address of GKE's metadata server, which also serves DNS (Cloud DNS for GKE) on port 53. */
export const GKE_METADATA_SERVER = '169.254.169.254';

/**
 * IPv4 ranges that are not the public internet (RFC 6890 special-purpose): this network, private,
 * shared address space (CGNAT), loopback, link-local, IETF protocol assignments, private, benchmarking,
 * multicast, reserved. The IPv4 internet is everything else.
 */
export const IPV4_NON_PUBLIC: readonly string[] = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16',
  '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4'];

/** The IPv6 internet: global unicast. ULA, link-local, multicast, loopback and mapped addresses lie outside it. */
export const IPV6_INTERNET = '2000::/3';

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
