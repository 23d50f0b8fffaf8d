export * from './explanation';
export * from './flow';
export * from './matrix';
export * from './reachability';
