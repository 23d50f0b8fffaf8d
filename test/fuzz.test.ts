/*
 * Random input against the public factories and constructs: valid input always synthesizes schema-valid
 * objects; invalid input always throws one of our errors and leaves nothing behind to emit.
 */
import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { ClusterDns, IsolatedTier, LabelOperator, Peer, PeerConfig, Port, Protocol, Reachability } from '../src';
import { validateAll } from './util';
import { METADATA_ADDRESSES } from '../src/core/addresses';
import { cidrContainsAddress, parseAddress, parseCidr, ParsedCidr } from '../src/core/cidr';
import { checkDns1123Label, checkLabelKey, checkLabelValue } from '../src/core/names';
import { resolvePeer } from '../src/core/peer';
import { checkPorts } from '../src/core/port';

const OUR_ERROR = /^[^\n]+: .+ \(.*\)\. .+/s;

function outcome(run: () => void): 'ok' | string {
  try {
    run();
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('fuzzing the inputs', () => {
  test('ports: integers 1-65535 are accepted, anything else is refused with our error', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -70000, max: 140000 }), fc.double()), (n) => {
      const valid = Number.isInteger(n) && n >= 1 && n <= 65535;
      const result = outcome(() => Port.tcp(n));
      if (valid) expect(result).toBe('ok');
      else expect(result).toMatch(/^Port\.tcp: port must be an integer from 1 to 65535/);
    }));
  });

  test('CIDRs: the factory accepts exactly what the parser accepts', () => {
    const candidate = fc.oneof(
      fc.string(),
      fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(40)).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`),
    );
    fc.assert(fc.property(candidate, (text) => {
      const valid = typeof parseCidr(text) === 'object';
      const result = outcome(() => Peer.ipBlock(text));
      if (valid) expect(result).toBe('ok');
      else expect(result).toMatch(OUR_ERROR);
    }));
  });

  test('tiers: random labels and namespaces either synthesize valid objects or throw and emit nothing', () => {
    const text = fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,20}[a-z0-9])?$/));
    fc.assert(fc.property(text, text, text, (key, value, namespace) => {
      const chart = new Chart(Testing.app(), 'fuzz');
      const valid = !checkLabelKey(key) && !checkLabelValue(value) && !checkDns1123Label(namespace);
      const result = outcome(() => {
        const tier = new IsolatedTier(chart, 'tier', { podLabels: { [key]: value }, namespace, ports: [Port.tcp(80)] });
        tier.allowFrom(Peer.pods({ [key]: value }, namespace), Port.tcp(80));
      });
      if (valid) {
        expect(result).toBe('ok');
        const objects = validateAll(Testing.synth(chart));
        expect(objects[0].spec.podSelector).toEqual({ matchLabels: { [key]: value } });
      } else {
        expect(result).toMatch(OUR_ERROR);
        expect(Testing.synth(chart)).toEqual([]);
      }
    }), { numRuns: 200 });
  });
});

/*
 * Property tests for the value types under adversarial input: every outcome is either one of our errors
 * (where: what (value). fix) or a valid, normalized value that selects no more than was written.
 */
const PROTOCOLS: string[] = Object.values(Protocol);
/** Strings near the real protocols, and anything else. */
const protocolText = fc.oneof(fc.constantFrom('TCP', 'UDP', 'SCTP', 'tcp', 'Tcp', 'ICMP', 'ALL', '', ' TCP', 'TCP\n', 'constructor', '__proto__'), fc.string());
/** Label keys and values near the grammar's edges, including keys named like Object members. */
const labelKey = fc.oneof(fc.constantFrom('app', 'tier', 'example.com/team', 'constructor', 'toString', '__proto__', 'hasOwnProperty', '', 'a b', '/x', 'x/'),
  fc.stringMatching(/^[a-z]([-a-z0-9_.]{0,6}[a-z0-9])?$/), fc.string({ maxLength: 10 }));
const labelValue = fc.oneof(fc.constantFrom('web', '', 'a-b', '-a', 'a/b', 'x'.repeat(64)), fc.stringMatching(/^[a-z0-9]{1,6}$/), fc.string({ maxLength: 8 }));
const labelMap = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });

function isOurError(result: string): boolean {
  return OUR_ERROR.test(result) && !/TypeError|Cannot read|is not a function|undefined is not/.test(result);
}

describe('value types: a clear error or a valid value that selects no more than written', () => {
  test('random protocol strings: every factory that takes one accepts exactly the Protocol members', () => {
    fc.assert(fc.property(protocolText, fc.integer({ min: 1, max: 65535 }), (protocol, n) => {
      const makes: [string, () => Port][] = [
        ['Port.portRange', () => Port.portRange(protocol as Protocol, n, Math.min(65535, n + 1))],
        ['Port.named', () => Port.named('web', protocol as Protocol)],
        ['Port.allPorts', () => Port.allPorts(protocol as Protocol)],
      ];
      for (const [where, make] of makes) {
        let port: Port | undefined;
        const result = outcome(() => { port = make(); });
        if (PROTOCOLS.includes(protocol)) {
          expect(result).toBe('ok');
          expect(port!.protocol).toBe(protocol);
          expect(checkPorts('x', [port!])).toEqual([port]);
          // Never a Port that renders as "no port": only allPorts gives a whole protocol.
          expect(port!.isAllPorts).toBe(where === 'Port.allPorts');
        } else {
          expect(result.startsWith(`${where}: protocol is not one of TCP, UDP, SCTP (`)).toBe(true);
        }
      }
    }), { numRuns: 300 });
  });

  test('random values as ports: checkPorts accepts factory Ports only', () => {
    const value = fc.oneof(fc.anything(), fc.constantFrom<unknown>(Port.tcp(80), Port.allUdp(), Port.named('x'), 8080, '80', 'tcp/80', [Port.tcp(1)]));
    fc.assert(fc.property(fc.array(value, { maxLength: 4 }), (ports) => {
      const result = outcome(() => checkPorts('shop/api', ports as Port[]));
      const allPorts = ports.every((p) => p instanceof Port);
      if (allPorts) expect(result).toBe('ok');
      else expect(result.startsWith('shop/api: ports must be Port values (')).toBe(true);
    }), { numRuns: 300 });
  });

  test('random label maps: refused, or exactly the labels written (never empty, never inherited)', () => {
    fc.assert(fc.property(labelMap, (labels) => {
      let peer: ReturnType<typeof Peer.pods> | undefined;
      const result = outcome(() => { peer = Peer.pods(labels); });
      const entries = Object.entries(labels);
      const valid = entries.length > 0 && entries.every(([k, v]) => !checkLabelKey(k) && !checkLabelValue(v) && k !== 'constructor');
      if (!valid) {
        expect(isOurError(result)).toBe(true);
        return;
      }
      expect(result).toBe('ok');
      const written = peer!.toPeerConfig().podSelector!.matchLabels!;
      expect(Object.entries(written).sort()).toEqual(entries.sort());
      expect(Object.getPrototypeOf(written)).toBe(Object.prototype);
      Object.keys(written).forEach((k) => delete (written as any)[k]);
      expect(Object.entries(peer!.toPeerConfig().podSelector!.matchLabels!).sort()).toEqual(entries.sort());
    }), { numRuns: 500 });
  });

  test('random label maps through Reachability: only pods with every written label are admitted', () => {
    const validMap = fc.dictionary(fc.constantFrom('app', 'tier', 'team', 'toString', 'valueOf', 'hasOwnProperty'), fc.constantFrom('a', 'b'), { minKeys: 1, maxKeys: 3 });
    fc.assert(fc.property(validMap, validMap, (allowed, other) => {
      const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
      const api = new IsolatedTier(chart, 'api', { podLabels: { role: 'api' }, ports: [Port.tcp(80)] });
      api.allowFrom(Peer.pods(allowed), Port.tcp(80));
      const pod = (name: string, labels: { [k: string]: string }) =>
        ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels }, spec: { containers: [{ name: 'c', image: 'x' }] } });
      const r = Reachability.fromManifests([...validateAll(Testing.synth(chart)), pod('api', { role: 'api' }), pod('client', other), pod('exact', allowed)]);
      const admitted = Object.entries(allowed).every(([k, v]) => other[k] === v);
      expect(r.isAllowed({ namespace: 'shop', pod: 'client' }, { namespace: 'shop', pod: 'api' }, Port.tcp(80))).toBe(admitted);
      expect(r.isAllowed({ namespace: 'shop', pod: 'exact' }, { namespace: 'shop', pod: 'api' }, Port.tcp(80))).toBe(true);
    }), { numRuns: 60 });
  });

  test('random CIDRs and except lists: refused, or a canonical block holding exactly the addresses written', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(33)).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
    const aligned = fc.tuple(fc.nat(255), fc.integer({ min: 8, max: 32 })).map(([a, p]) => `10.${a}.0.0/${p}`);
    const cidr = fc.oneof(fc.constantFrom('10.0.0.0/8', '0.0.0.0/0', '169.254.0.0/16', '::/0', 'fd00::/8'), aligned, v4, fc.string({ maxLength: 12 }));
    const address = fc.tuple(fc.constantFrom(10, 169, 0, 255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
    fc.assert(fc.property(cidr, fc.array(cidr, { maxLength: 3 }), fc.array(address, { minLength: 5, maxLength: 5 }), (outer, excepts, samples) => {
      let peer: ReturnType<typeof Peer.ipBlock> | undefined;
      const result = outcome(() => { peer = Peer.ipBlock(outer, excepts); });
      if (result !== 'ok') {
        expect(isOurError(result)).toBe(true);
        return;
      }
      const block = peer!.toPeerConfig().ipBlock!;
      expect(block.cidr).toBe(outer);
      const excluded = block.excluded ?? [];
      expect(excluded).toEqual([...new Set(excepts)].sort());
      (peer!.toPeerConfig().ipBlock as any).cidr = '0.0.0.0/0';
      expect(peer!.toPeerConfig().ipBlock!.cidr).toBe(outer);
      const parsedOuter = parseCidr(outer) as ParsedCidr;
      for (const text of samples) {
        const a = parseAddress(text)!;
        const written = cidrContainsAddress(parsedOuter, a) && !excepts.some((e) => cidrContainsAddress(parseCidr(e) as ParsedCidr, a));
        const selected = cidrContainsAddress(parseCidr(block.cidr) as ParsedCidr, a)
          && !excluded.some((e) => cidrContainsAddress(parseCidr(e) as ParsedCidr, a));
        expect(selected).toBe(written);
      }
    }), { numRuns: 500 });
  });

  test('random custom DNS blocks never reach a metadata endpoint', () => {
    const named = fc.constantFrom('169.254.169.254/32', 'fd00:ec2::254/128', '169.254.0.0/16', '0.0.0.0/0', '::/0', 'fd00::/8', '10.0.0.10/32');
    // Every IPv4 block around the endpoint, from /0 to /32.
    const around = fc.integer({ min: 0, max: 32 }).map((p) => (parseCidr(`169.254.169.254/${p}`, true) as ParsedCidr).text);
    const block = fc.oneof(named, around);
    const endpoints = METADATA_ADDRESSES.map((e) => parseAddress(e)!);
    fc.assert(fc.property(block, fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 2 }), (cidr, ports) => {
      let dns: ClusterDns | undefined;
      const result = outcome(() => { dns = ClusterDns.custom([Peer.ipBlock(cidr)], ports); });
      if (result !== 'ok') {
        expect(result).toMatch(/^ClusterDns\.custom: the block opens the cloud metadata endpoint .*ClusterDns\.metadataServer\(\)/);
        return;
      }
      const ipBlock = dns!._destinations[0].peer.toPeerConfig().ipBlock!;
      for (const endpoint of endpoints) {
        const reached = cidrContainsAddress(parseCidr(ipBlock.cidr) as ParsedCidr, endpoint)
          && !(ipBlock.excluded ?? []).some((e) => cidrContainsAddress(parseCidr(e) as ParsedCidr, endpoint));
        expect(reached).toBe(false);
      }
    }), { numRuns: 300 });
  });

  test('random peer configs: refused, or normalized, frozen, idempotent and selecting what was written', () => {
    const selector = fc.record({
      matchLabels: labelMap,
      matchExpressions: fc.array(fc.record({
        key: labelKey,
        operator: fc.constantFrom<string>(LabelOperator.IN, LabelOperator.NOT_IN, LabelOperator.EXISTS, LabelOperator.DOES_NOT_EXIST, 'Gt', 'in'),
        values: fc.array(labelValue, { maxLength: 2 }),
      }, { requiredKeys: ['key', 'operator'] }), { maxLength: 2 }),
    }, { requiredKeys: [] });
    const config = fc.record({
      ipBlock: fc.record({ cidr: fc.constantFrom('10.0.0.0/8', '10.0.0.1/8', 'x'), excluded: fc.constantFrom(['10.1.0.0/16'], ['11.0.0.0/8'], []) }, { requiredKeys: ['cidr'] }),
      podSelector: selector,
      namespace: fc.constantFrom('shop', 'Shop', ''),
      namespaceSelector: selector,
      allNamespaces: fc.constantFrom<unknown>(true, false, 'true'),
      namespce: fc.constant('typo'),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(config, fc.anything()), (raw) => {
      const user = { toPeerConfig: () => raw, toString: () => 'user' } as any;
      let peer: ReturnType<typeof resolvePeer> | undefined;
      const result = outcome(() => { peer = resolvePeer('shop/api', user); });
      if (result !== 'ok') {
        expect(isOurError(result)).toBe(true);
        expect(result.startsWith('shop/api: ')).toBe(true);
        return;
      }
      const out: PeerConfig = peer!.toPeerConfig();
      const input = raw as PeerConfig;
      expect(peer!.toPeerConfig()).not.toBe(out);
      expect(Peer.fromConfig(out).toPeerConfig()).toEqual(out);
      if (out.ipBlock) {
        expect(Object.keys(out)).toEqual(['ipBlock']);
        return;
      }
      const scopes = [out.namespace !== undefined, out.namespaceSelector !== undefined, out.allNamespaces === true].filter((x) => x);
      expect(scopes.length).toBeLessThanOrEqual(1);
      expect(out.allNamespaces).toBe(input.allNamespaces === true ? true : undefined);
      expect(out.namespace).toBe(input.namespace);
      for (const [written, normalized] of [[input.podSelector, out.podSelector], [input.namespaceSelector, out.namespaceSelector]] as const) {
        if (written === undefined) {
          expect(normalized).toBeUndefined();
          continue;
        }
        // Non-empty, and the same requirements as written: no fewer (which would select more).
        expect(Object.keys(normalized!.matchLabels ?? {}).length + (normalized!.matchExpressions ?? []).length).toBeGreaterThan(0);
        expect(normalized!.matchLabels ?? {}).toEqual(written.matchLabels ?? {});
        const keyOf = (e: any) => `${e.key} ${e.operator} ${[...new Set(e.values ?? [])].sort().join(',')}`;
        expect(new Set((normalized!.matchExpressions ?? []).map(keyOf))).toEqual(new Set((written.matchExpressions ?? []).map(keyOf)));
      }
    }), { numRuns: 1000 });
  });

  test('random selectors with expressions through Reachability: a pod is admitted exactly when the written selector holds', () => {
    const key = fc.constantFrom('app', 'tier', 'track');
    const value = fc.constantFrom('a', 'b', 'c');
    const expression = fc.oneof(
      fc.record({ key, operator: fc.constantFrom(LabelOperator.IN, LabelOperator.NOT_IN), values: fc.array(value, { minLength: 1, maxLength: 2 }) }),
      fc.record({ key, operator: fc.constantFrom(LabelOperator.EXISTS, LabelOperator.DOES_NOT_EXIST) }),
    );
    const selector = fc.record({
      matchLabels: fc.dictionary(key, value, { maxKeys: 2 }),
      matchExpressions: fc.array(expression, { maxLength: 2 }),
    }).filter((sel) => Object.keys(sel.matchLabels).length + sel.matchExpressions.length > 0);
    const holds = (sel: { matchLabels: { [k: string]: string }; matchExpressions: any[] }, labels: { [k: string]: string }) =>
      Object.entries(sel.matchLabels).every(([k, v]) => labels[k] === v)
      && sel.matchExpressions.every((e) => {
        const has = Object.prototype.hasOwnProperty.call(labels, e.key);
        switch (e.operator) {
          case LabelOperator.IN: return has && e.values.includes(labels[e.key]);
          case LabelOperator.NOT_IN: return !has || !e.values.includes(labels[e.key]);
          case LabelOperator.EXISTS: return has;
          default: return !has;
        }
      });
    fc.assert(fc.property(selector, fc.dictionary(key, value, { maxKeys: 3 }), (sel, clientLabels) => {
      const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
      const api = new IsolatedTier(chart, 'api', { podLabels: { role: 'api' }, ports: [Port.tcp(80)] });
      api.allowFrom(Peer.podsMatching(sel), Port.tcp(80));
      const pod = (name: string, labels: { [k: string]: string }) =>
        ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels }, spec: { containers: [{ name: 'c', image: 'x' }] } });
      const r = Reachability.fromManifests([...validateAll(Testing.synth(chart)), pod('api', { role: 'api' }), pod('client', clientLabels)]);
      expect(r.isAllowed({ namespace: 'shop', pod: 'client' }, { namespace: 'shop', pod: 'api' }, Port.tcp(80))).toBe(holds(sel, clientLabels));
    }), { numRuns: 80 });
  });
});
