import { Chart, Testing } from 'cdk8s';
import { netsecError } from '../../src/core/errors';

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
