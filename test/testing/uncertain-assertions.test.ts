import { NetsecAssertions, Port } from '../../src';
import { namespace, pod, policy } from '../analysis/fixtures';

/*
 * An answer the analyzer is not certain of proves nothing: allows and denies fail on it unless told
 * otherwise (issue 22, item 2).
 */

const objects = [namespace('x'), pod('x', 'client', { labels: { app: 'client' } }), pod('x', 'server', { labels: { app: 'server' } }),
  policy('x', 'client', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.1.0.0/16' } }] }] })];
const client = { namespace: 'x', pod: 'client' };
const server = { namespace: 'x', pod: 'server' };

test('denies fails on an answer that depends on an unknown pod address, naming the caveat', () => {
  const strict = NetsecAssertions.fromManifests(objects);
  expect(() => strict.denies(client, server, Port.tcp(80))).toThrow(/cannot tell for certain[\s\S]*uncertain: x\/client egress\[0\] might admit x\/server/);
  expect(() => strict.allows(client, server, Port.tcp(80))).toThrow(/cannot tell for certain/);
});

test('allowUncertain accepts the best answer; a declared pod network makes it certain', () => {
  NetsecAssertions.fromManifests(objects, { allowUncertain: true }).denies(client, server, Port.tcp(80));
  NetsecAssertions.fromManifests(objects, { podNetwork: ['10.244.0.0/16'] }).denies(client, server, Port.tcp(80));
  NetsecAssertions.fromManifests(objects, { podNetwork: ['10.1.0.0/16'] }).allows(client, server, Port.tcp(80));
});
