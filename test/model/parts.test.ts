import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { IsolatedTier, Peer, Port } from '../../src';
import { IsolatedGroup } from '../../src/model/isolated-group';
import { FlowMirrors, MirrorSource } from '../../src/model/mirrors';
import { NameClaims } from '../../src/model/name-claims';
import { NamespaceTypos } from '../../src/model/namespace-typos';
import { overlappingTiers } from '../../src/model/overlapping-tiers';
import { Flow } from '../../src/model/records';
import { WholeAppChecks } from '../../src/model/whole-app-checks';

/*
 * The parts the intent model is composed of, each on its own: name claims, namespace typos, mirroring,
 * overlapping tiers and the whole-app checks with their cache. test/model/intent-model.test.ts proves the
 * same rules through the constructs.
 */

function constructs(...ids: string[]): Construct[] {
  const chart = new Chart(Testing.app(), 'store', { namespace: 'shop' });
  return ids.map((id) => new Construct(chart, id));
}

describe('NameClaims', () => {
  test('a second owner of a kind, namespace and name is a conflict naming both paths; the same owner again is not', () => {
    const [web, api] = constructs('web', 'api');
    const names = new NameClaims();
    names.claim('NetworkPolicy', 'shop', 'web', web);
    names.claim('NetworkPolicy', 'shop', 'web', web);
    expect(names.problems()).toEqual([]);
    expect(names.size).toBe(1);

    names.claim('NetworkPolicy', 'shop', 'web', api);
    expect(names.problems()).toEqual([
      'store/api: NetworkPolicy name is already used in namespace shop by store/web ("web"). Give one of them a different id or an explicit name.',
    ]);
    expect(names.size).toBe(2);
  });

  test('another kind, another namespace or another name is no conflict', () => {
    const [web, api] = constructs('web', 'api');
    const names = new NameClaims();
    names.claim('NetworkPolicy', 'shop', 'web', web);
    names.claim('Service', 'shop', 'web', api);
    names.claim('NetworkPolicy', 'data', 'web', api);
    names.claim('NetworkPolicy', 'shop', 'web2', api);
    expect(names.problems()).toEqual([]);
    expect(names.size).toBe(4);
  });

  test('owners lists each construct that claimed a kind in a namespace once, in the order of its first claim, conflicting ones too', () => {
    const [web, api, db] = constructs('web', 'api', 'db');
    const names = new NameClaims();
    names.claim('NetworkPolicy', 'shop', 'api', api);
    names.claim('NetworkPolicy', 'shop', 'web', web);
    names.claim('NetworkPolicy', 'shop', 'web-extra', web);
    names.claim('NetworkPolicy', 'shop', 'api', db);
    names.claim('NetworkPolicy', 'data', 'db', db);
    names.claim('Service', 'shop', 'db', db);
    expect(names.owners('NetworkPolicy', 'shop')).toEqual([api, web, db]);
    expect(names.owners('NetworkPolicy', 'data')).toEqual([db]);
    expect(names.owners('Sidecar', 'shop')).toEqual([]);
  });
});

describe('NamespaceTypos', () => {
  test('a used namespace one edit away from a declared one is reported once, naming its first user and the close match', () => {
    const [cart, checkout] = constructs('cart', 'checkout');
    const typos = new NamespaceTypos();
    typos.declare('boutique');
    typos.use('botique', cart, 'tier botique/cart');
    typos.use('botique', checkout, 'tier botique/checkout');
    const problems = typos.problems([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^store\/cart: tier botique\/cart is in namespace botique, which the app neither isolates nor declares, next to the declared namespace boutique \("botique"\)\. Did you mean "boutique"\?/);
    expect(problems[0]).not.toContain('checkout');
  });

  test('declared, far, and otherwise-declared namespaces are not typos; nothing declared means nothing to compare with', () => {
    const [cart] = constructs('cart');
    const typos = new NamespaceTypos();
    typos.use('botique', cart, 'tier botique/cart');
    expect(typos.problems([])).toEqual([]);
    typos.declare('boutique');
    expect(typos.problems(['botique'])).toEqual([]);
    typos.use('data', cart, 'tier data/cart');
    typos.use('boutique', cart, 'tier boutique/cart');
    expect(typos.problems([]).map((p) => p.match(/in namespace (\S+),/)![1])).toEqual(['botique']);
    expect(typos.isDeclared('boutique')).toBe(true);
    expect(typos.isDeclared('botique')).toBe(false);
  });

  test('size grows with every use and every newly declared namespace', () => {
    const [cart] = constructs('cart');
    const typos = new NamespaceTypos();
    typos.declare('shop');
    typos.declare('shop');
    expect(typos.size).toBe(1);
    typos.use('shop', cart, 'tier shop/cart');
    typos.use('shop', cart, 'tier shop/cart');
    expect(typos.size).toBe(3);
  });
});

describe('FlowMirrors', () => {
  function source(): { web: IsolatedTier; db: IsolatedTier; inputs: MirrorSource & { flows: Flow[] } } {
    const chart = new Chart(Testing.app(), 'store', { namespace: 'shop' });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const db = new IsolatedTier(chart, 'db', { podLabels: { app: 'db' }, ports: [Port.tcp(5432)] });
    const groups: IsolatedGroup[] = [web, db];
    return { web, db, inputs: { groups, groupsByNamespace: new Map([['shop', groups]]), flows: [], cluster: undefined } };
  }

  test('a raw selector that selects every pod of a group is written on that group; a subset is a problem naming the flow\'s declarer', () => {
    const { web, db, inputs } = source();
    const whole: Flow = { source: web, destination: Peer.pods({ app: 'db' }), ports: [Port.tcp(5432)], declaredBy: web };
    const part: Flow = { source: web, destination: Peer.pods({ app: 'db', role: 'replica' }), ports: [Port.tcp(5432)], declaredBy: web };
    inputs.flows.push(whole, part);
    const mirrors = new FlowMirrors(() => inputs);
    expect(mirrors.flowsOnto(db)).toEqual({ ingress: [whole], egress: [] });
    expect(mirrors.flowsOnto(web)).toEqual({ ingress: [], egress: [] });
    expect(mirrors.problems()).toEqual([expect.stringMatching(/^store\/web: the flow to pods app=db,role=replica in the same namespace selects only some pods of tier shop\/db, which isolates ingress/)]);
  });

  test('the mirrors are computed once and again only after invalidate()', () => {
    const { web, db, inputs } = source();
    let reads = 0;
    const mirrors = new FlowMirrors(() => (reads++, inputs));
    expect(mirrors.flowsOnto(db).ingress).toEqual([]);
    expect(mirrors.problems()).toEqual([]);
    expect(reads).toBe(1);
    const flow: Flow = { source: web, destination: Peer.pods({ app: 'db' }), ports: [], declaredBy: web };
    inputs.flows.push(flow);
    expect(mirrors.flowsOnto(db).ingress).toEqual([]);
    mirrors.invalidate();
    expect(mirrors.flowsOnto(db).ingress).toEqual([flow]);
    expect(reads).toBe(2);
  });
});

describe('overlappingTiers', () => {
  test('equal or nested labels in one namespace are one problem per pair, about the later tier; other namespaces never overlap', () => {
    const chart = new Chart(Testing.app(), 'store', { namespace: 'shop' });
    const web = new IsolatedTier(chart, 'web', { podLabels: { app: 'web' }, ports: [Port.tcp(8080)] });
    const canary = new IsolatedTier(chart, 'canary', { podLabels: { app: 'web', track: 'canary' }, ports: [Port.tcp(8080)] });
    const api = new IsolatedTier(chart, 'api', { podLabels: { app: 'api' }, ports: [Port.tcp(9090)] });
    const staging = new IsolatedTier(chart, 'staging', { podLabels: { app: 'web' }, namespace: 'staging', ports: [Port.tcp(8080)] });
    const problems = overlappingTiers(new Map<string, IsolatedGroup[]>([['shop', [web, canary, api]], ['staging', [staging]]]));
    expect(problems).toEqual([expect.stringMatching(/^store\/canary: tier shop\/web and tier shop\/canary overlap: every pod of tier shop\/canary is also a pod of tier shop\/web/)]);
  });
});

describe('WholeAppChecks', () => {
  function counted(): { checks: WholeAppChecks; bump: () => void } {
    let generation = 0;
    return { checks: new WholeAppChecks(() => generation), bump: () => void generation++ };
  }

  test('checks run in registration order, once per generation; a new generation runs them again', () => {
    const { checks, bump } = counted();
    const runs: string[] = [];
    checks.add('first', () => (runs.push('first'), ['a']));
    checks.add('second', () => (runs.push('second'), ['b', 'c']));
    expect(checks.problems('tree')).toEqual(['a', 'b', 'c']);
    expect(checks.problems('tree')).toEqual(['a', 'b', 'c']);
    expect(runs).toEqual(['first', 'second']);
    bump();
    expect(checks.problems('tree')).toEqual(['a', 'b', 'c']);
    expect(runs).toEqual(['first', 'second', 'first', 'second']);
  });

  test('a change of the tree key runs the checks again though the generation did not change', () => {
    const { checks } = counted();
    let runs = 0;
    checks.add('counting', () => (runs++, []));
    checks.problems('2 charts');
    checks.problems('2 charts');
    checks.problems('3 charts');
    expect(runs).toBe(2);
  });

  test('a key is registered once: a later check under it is ignored; size counts keys', () => {
    const { checks } = counted();
    checks.add('k', () => ['kept']);
    checks.add('k', () => ['ignored']);
    expect(checks.size).toBe(1);
    expect(checks.problems('tree')).toEqual(['kept']);
  });

  test('the kept problems are not exposed: changing an answer does not change the next one', () => {
    const { checks } = counted();
    checks.add('k', () => ['kept']);
    checks.problems('tree').push('added by a caller');
    expect(checks.problems('tree')).toEqual(['kept']);
  });

  test('memo keeps a value per key until the generation changes', () => {
    const { checks, bump } = counted();
    let computed = 0;
    const value = () => checks.memo('answer', () => ({ computed: ++computed }));
    const first = value();
    expect(value()).toBe(first);
    expect(checks.memo('other', () => 'x')).toBe('x');
    bump();
    expect(value()).toEqual({ computed: 2 });
    expect(value()).not.toBe(first);
  });
});
