/*
 * Random input against the public factories and constructs: valid input always synthesizes schema-valid
 * objects; invalid input always throws one of our errors and leaves nothing behind to emit.
 */
import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { IsolatedTier, Peer, Port } from '../src';
import { validateAll } from './util';
import { parseCidr } from '../src/cidr';
import { checkDns1123Label, checkLabelKey, checkLabelValue } from '../src/names';

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
