import type { IPv4, IPv6 } from 'ipaddr.js';
import { ModelPod } from './manifests';
import { DEFAULT_POD_NETWORK, METADATA_CIDRS } from '../../core/addresses';
import { cidrContains, cidrContainsAddress, parseCidr, ParsedCidr } from '../../core/cidr';
import { netsecError } from '../../core/errors';

/*
 * The declared pod network: the address ranges pods get their IPs from. A pod whose IP the manifests do
 * not give (a workload, a tier, an inferred pod) is somewhere in it, so an address-based rule (ipBlock,
 * Cilium CIDR, ClusterNetworkPolicy `networks`) matches it for certain only when the rule covers the whole
 * pod network, misses it for certain only when the rule and the pod network do not meet, and otherwise
 * depends on an address the analyzer does not know.
 */

/** The pod network assumed when none is declared (its home is `core/addresses.ts`). */
export { DEFAULT_POD_NETWORK };

const METADATA_BLOCKS: readonly ParsedCidr[] = METADATA_CIDRS.map(text => parseCidr(text) as ParsedCidr);

/** The answer to "does this address rule match this pod?" when the pod's address may be unknown. */
export type AddressMatch = 'yes' | 'no' | 'unknown';

/** An address block with holes, as an ipBlock, a Cilium CIDR set or a `networks` entry reads. */
export interface AddressBlock {
  readonly cidr: ParsedCidr;
  readonly except: readonly ParsedCidr[];
}

/** Checks and parses the declared pod network; throws naming `where` and the offending entry. */
export function parsePodNetwork(where: string, ranges: unknown): ParsedCidr[] {
  if (!Array.isArray(ranges) || ranges.length === 0) {
    throw netsecError(where, 'podNetwork is not a non-empty list of CIDRs', ranges,
      `Pass the cluster's pod CIDRs, e.g. ["10.244.0.0/16"] (the default is ${DEFAULT_POD_NETWORK.join(', ')}).`);
  }
  return ranges.map(text => {
    const parsed = parseCidr(text as string);
    if (typeof parsed === 'string') {
      throw netsecError(where, `podNetwork entry ${parsed}`, text, 'Write each pod CIDR as network/prefix, e.g. "10.244.0.0/16".');
    }
    return parsed;
  });
}

/** How one address block meets a pod whose address is `pod.addresses`, or anywhere in `network` when none is known. */
export function blockMatchesPod(block: AddressBlock, pod: ModelPod, network: readonly ParsedCidr[]): AddressMatch {
  if (pod.addresses.length > 0) return pod.addresses.some(a => blockContains(block, a)) ? 'yes' : 'no';
  // A cloud metadata service's address is never a pod's, wherever the pod network lies (Alibaba's
  // 100.100.100.200 sits inside 100.64.0.0/10, which pod networks also use).
  if (METADATA_BLOCKS.some(m => cidrContains(m, block.cidr))) return 'no';
  const relations = network.map(range => relation(block, range));
  if (relations.every(r => r === 'in')) return 'yes';
  if (relations.every(r => r === 'out')) return 'no';
  return 'unknown';
}

/** True when an address is inside the pod network. */
export function inPodNetwork(address: IPv4 | IPv6, network: readonly ParsedCidr[]): boolean {
  return network.some(range => cidrContainsAddress(range, address));
}

function blockContains(block: AddressBlock, address: IPv4 | IPv6): boolean {
  return cidrContainsAddress(block.cidr, address) && !block.except.some(e => cidrContainsAddress(e, address));
}

/** CIDR blocks either nest or are disjoint, which leaves three cases. */
function relation(block: AddressBlock, range: ParsedCidr): 'in' | 'out' | 'partial' {
  if (cidrContains(block.cidr, range)) {
    if (block.except.some(e => cidrContains(e, range))) return 'out';
    return block.except.some(e => cidrContains(range, e)) ? 'partial' : 'in';
  }
  return cidrContains(range, block.cidr) ? 'partial' : 'out';
}
