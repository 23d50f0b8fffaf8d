/*
 * The assertions outside any test runner: a plain Node script. A failing assertion throws, so the script
 * exits with code 1 and prints the explanation. Run by assertions.test.ts; also runnable by hand:
 *   TS_NODE_PROJECT=test/tsconfig.json node -r ts-node/register/transpile-only test/testing/node-assert-example.ts
 */
import { Chart, Testing } from 'cdk8s';
import { Port } from '../../src/core/port';
import { NetsecAssertions } from '../../src/testing';
import { NamespaceIsolation } from '../../src/tiers/namespace-isolation';
import { IsolatedTier } from '../../src/tiers/tier';

const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
new NamespaceIsolation(chart, 'baseline');
new NamespaceIsolation(chart, 'data-baseline', { namespace: 'data' });
const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, namespace: 'data', ports: [Port.tcp(5432)] });
api.allowFrom(web, Port.tcp(9090));

const policies = NetsecAssertions.fromChart(chart);
policies.allows({ namespace: 'shop', pod: 'web' }, { namespace: 'shop', pod: 'api' }, Port.tcp(9090));
console.log('ok - shop/web -> shop/api on TCP 9090 is allowed');
// Nothing allows web -> db: this throws, and Node prints the message and exits with code 1.
policies.allows({ namespace: 'shop', pod: 'web' }, { namespace: 'data', pod: 'db' }, Port.tcp(5432));
console.log('not reached');
