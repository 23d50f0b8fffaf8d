export * from './explanation';
export * from './allowed-flow';
export * from './matrix';
export * from './reachability';
export * from './audit-finding';
export * from './audit-rules';
export * from './flow-endpoint-kind';
export * from './flows-options';
