export { Port, Protocol } from './port';
export { LabelExpression, LabelOperator, LabelSelector } from './selector';
export { ClusterDnsPeerOptions, IPeer, IpBlockConfig, NAMESPACE_NAME_LABEL, Peer, PeerConfig } from './peer';
export { ClusterDns, DnsDestination, KubeDnsOptions, NodeLocalDnsOptions } from './dns';
export { Flow, IntentModel, ServiceRecord } from './intent';
export { IsolatedPods, IsolatedPodsProps } from './isolated-pods';
export { IsolatedTier, IsolatedTierOptions, IsolatedTierProps } from './tier';
export { NamespaceIsolation, NamespaceIsolationProps } from './namespace-isolation';
