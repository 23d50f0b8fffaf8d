export { Port, Protocol } from './port';
export { LabelExpression, LabelOperator, LabelSelector } from './selector';
export { ClusterDnsPeerOptions, IPeer, IpBlockConfig, NAMESPACE_NAME_LABEL, Peer, PeerConfig } from './peer';
export { ClusterDns, DnsDestination, KubeDnsOptions, NodeLocalDnsOptions } from './dns';
export { Flow, IntentModel } from './intent';
export { IsolatedTier, IsolatedTierOptions, IsolatedTierProps } from './tier';
export { NamespaceIsolation, NamespaceIsolationProps } from './namespace-isolation';
