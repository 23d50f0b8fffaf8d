import { App, Chart, Testing } from 'cdk8s';
import {
  ClusterIsolation, Destination, FqdnEnforcement, IsolatedTier, MeshMtls, MtlsMode, NamespaceIsolation, Peer, Port, RestrictedEgress,
} from '../../src';
import { netsecError, validationProblem } from '../../src/core/errors';
import { pathMentions, pathsNamedTwice, validationPaths } from '../construct-paths';

describe('netsecError', () => {
  test('reads "<where>: <what> (<value>). <fix>" with a construct path, a factory name, or nothing', () => {
    const chart = new Chart(Testing.app(), 'shop');
    expect(netsecError(chart, 'port is wrong', 1, 'Fix it.').message).toBe('shop: port is wrong (1). Fix it.');
    expect(netsecError('Port.tcp', 'port is wrong', 'x', 'Fix it.').message).toBe('Port.tcp: port is wrong ("x"). Fix it.');
    expect(netsecError(undefined, 'port is wrong', [1], 'Fix it.').message).toBe('port is wrong ([1]). Fix it.');
  });

  test.each([
    ['an empty string', '', '""'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['NaN', NaN, 'NaN'],
    ['Infinity', -Infinity, '-Infinity'],
    ['negative zero', -0, '-0'],
    ['NaN inside an object', { port: NaN }, '{"port":"NaN"}'],
    ['a function', function handler() {}, 'function handler'],
    ['a symbol', Symbol('x'), 'symbol Symbol(x)'],
    ['a bigint', BigInt(5), 'bigint 5'],
    ['a string that looks like a number', '80', '"80"'],
  ])('prints %s so that its JavaScript type is visible', (_name, value, shown) => {
    expect(netsecError('f', 'bad', value, 'Fix.').message).toBe(`f: bad (${shown}). Fix.`);
  });

  test('a value JSON cannot print (a cycle) still gives a message', () => {
    const cyclic: any = {};
    cyclic.self = cyclic;
    expect(netsecError('f', 'bad', cyclic, 'Fix.').message).toBe('f: bad ([object Object]). Fix.');
  });
});

describe('validationProblem', () => {
  test('reads "<what> (<value>). <fix>": the path is the one cdk8s prints before a validation\'s message', () => {
    expect(validationProblem('port is wrong', 1, 'Fix it.')).toBe('port is wrong (1). Fix it.');
  });
});

/*
 * Each problem names the construct it is about once: cdk8s prints `[<path>] ` before the messages of a
 * construct's own validation, which therefore do not name the path again; the model's whole-app checks,
 * reported under the model's path, and thrown errors name it first. The charts' ids differ from their
 * namespaces here, so that a construct path is never mistaken for a tier's namespace/name.
 */
describe('the construct path once in a message', () => {
  const API_SERVER = ['10.0.0.1/32'];

  function guarded(): { app: App; store: Chart } {
    const app = new App();
    new ClusterIsolation(new Chart(app, 'platform'), 'guardrails', { exemptNamespaces: ['kube-system'], apiServerAddresses: API_SERVER });
    return { app, store: new Chart(app, 'store', { namespace: 'shop' }) };
  }

  function refusal(synth: () => unknown): string {
    try {
      synth();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('the app synthesized');
  }

  /** Asserts that `message` names each of `paths` exactly once, and no path cdk8s printed twice on one line. */
  function expectEachOnce(message: string, paths: string[]): void {
    expect(Object.fromEntries(paths.map((p) => [p, pathMentions(message, p)]))).toEqual(Object.fromEntries(paths.map((p) => [p, 1])));
    expect(pathsNamedTwice(message)).toEqual([]);
  }

  test('a name two constructs claim names each of them once', () => {
    const app = new App();
    const store = new Chart(app, 'store', { namespace: 'shop' });
    new IsolatedTier(store, 'web', { podLabels: { app: 'web' } });
    new IsolatedTier(store, 'web-again', { podLabels: { app: 'other' }, name: 'web' });
    const message = refusal(() => app.synth());
    expect(message).toContain('[cdk8s-netsec.IntentModel] store/web-again: NetworkPolicy name is already used in namespace shop by store/web ("web").');
    expectEachOnce(message, ['store/web', 'store/web-again']);
  });

  test('isolateIngress: false behind the guardrails names the tier once (cdk8s prints it) and the guardrails once', () => {
    const { app, store } = guarded();
    new IsolatedTier(store, 'open', { podLabels: { app: 'open' }, isolateIngress: false });
    const message = refusal(() => app.synth());
    expect(message).toContain('[store/open] isolateIngress: false leaves ingress open, but platform/guardrails denies ingress to every pod of namespace shop');
    expectEachOnce(message, ['store/open', 'platform/guardrails']);
  });

  test('a namespace that looks like a typo names the construct that placed something there once', () => {
    const app = new App();
    const boutique = new Chart(app, 'storefront', { namespace: 'boutique' });
    new NamespaceIsolation(boutique, 'baseline');
    new IsolatedTier(boutique, 'cart', { podLabels: { app: 'cart' }, namespace: 'botique' });
    new MeshMtls(boutique, 'mesh', { namespace: 'botiqe' });
    const message = refusal(() => app.synth());
    expect(message).toContain('[cdk8s-netsec.IntentModel] storefront/cart: tier botique/cart is in namespace botique, which the app neither isolates nor declares');
    expect(message).toContain('[cdk8s-netsec.IntentModel] storefront/mesh: the MeshMtls is in namespace botiqe, which the app neither isolates nor declares');
    expectEachOnce(message, ['storefront/cart', 'storefront/mesh']);
  });

  test('required egress the guardrails cannot write names the requirer once, under the guardrails\' path', () => {
    const { app, store } = guarded();
    new MeshMtls(store, 'mesh', { controlPlane: Peer.ipBlock('10.9.0.0/16', ['10.9.1.0/24']) });
    const message = refusal(() => app.synth());
    expect(message).toMatch(/\[platform\/guardrails\] store\/mesh requires the pods of namespace shop to reach /);
    expectEachOnce(message, ['store/mesh', 'platform/guardrails']);
  });

  test('the cluster DNS the guardrails need themselves names the guardrails once', () => {
    const app = new App();
    new ClusterIsolation(new Chart(app, 'platform'), 'guardrails', { exemptNamespaces: [] });
    const message = refusal(() => app.synth());
    expect(message).toContain('[platform/guardrails] namespace kube-system is guarded and runs the cluster DNS (pods k8s-app=kube-dns in namespace kube-system), '
      + 'needed by the guardrails themselves, which must reach the API server');
    expectEachOnce(message, ['platform/guardrails']);
  });

  test('two meshes over one namespace name the later mesh once and the earlier once', () => {
    const app = new App();
    const store = new Chart(app, 'store', { namespace: 'shop' });
    new MeshMtls(store, 'mesh', {});
    new MeshMtls(store, 'again', { mode: MtlsMode.PERMISSIVE, allowPlaintext: true });
    const message = refusal(() => app.synth());
    expect(message).toContain('[store/again] it covers workloads that store/mesh covers already ("shop").');
    expectEachOnce(message, ['store/again', 'store/mesh']);
  });

  test('Istio egress enforcement reports under the RestrictedEgress that declared it, not under a path inside it', () => {
    const app = new App();
    const store = new Chart(app, 'store', { namespace: 'shop' });
    new MeshMtls(store, 'mesh', {});
    const api = new IsolatedTier(store, 'api', { podLabels: { app: 'api' }, serviceAccountName: 'api' });
    api.allowTo(Peer.ipBlock('192.0.2.0/24'), Port.tcp(443));
    new RestrictedEgress(store, 'egress', { tier: api, fqdnEnforcement: FqdnEnforcement.ISTIO, allow: [Destination.fqdn('api.stripe.com', Port.tcp(443))] });
    const message = refusal(() => app.synth());
    expect(validationPaths(message)).toEqual(['store/egress']);
    expect(message).toContain('[store/egress] the Sidecar of tier shop/api passes only registered destinations (REGISTRY_ONLY)');
    expectEachOnce(message, ['store/egress']);
  });

  test('a thrown error names its construct once, first', () => {
    const store = new Chart(new App(), 'store', { namespace: 'shop' });
    const message = refusal(() => new IsolatedTier(store, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)], namespace: 'Shop' }));
    expect(message).toMatch(/^store\/web: /);
    expectEachOnce(message, ['store/web']);
  });
});
