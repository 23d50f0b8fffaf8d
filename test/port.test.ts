import { Port, Protocol } from '../src';
import { normalizePorts, renderPort } from '../src/render/network-policy';

describe('Port factories', () => {
  test('tcp, udp and sctp carry protocol and number', () => {
    expect([Port.tcp(443), Port.udp(53), Port.sctp(9899)].map((p) => [p.protocol, p.startPort, p.endPort]))
      .toEqual([[Protocol.TCP, 443, undefined], [Protocol.UDP, 53, undefined], [Protocol.SCTP, 9899, undefined]]);
  });

  test('ranges keep start and end; a one-port range is a single port', () => {
    const range = Port.tcpRange(8000, 8100);
    expect([range.startPort, range.endPort, range.toString()]).toEqual([8000, 8100, 'TCP 8000-8100']);
    expect(Port.udpRange(53, 53).endPort).toBeUndefined();
  });

  test('all ports of a protocol have no number (never port 0)', () => {
    const all = Port.allTcp();
    expect(all.isAllPorts).toBe(true);
    expect(renderPort(all)).toEqual({ protocol: 'TCP' });
    expect(renderPort(Port.allUdp())).toEqual({ protocol: 'UDP' });
    expect(renderPort(Port.allSctp())).toEqual({ protocol: 'SCTP' });
  });

  test('named ports default to TCP and render the name as the port', () => {
    const named = Port.named('metrics');
    expect([named.protocol, named.name, named.startPort]).toEqual([Protocol.TCP, 'metrics', undefined]);
    expect(renderPort(Port.named('dns', Protocol.UDP)).port?.value).toBe('dns');
  });

  test.each([0, -1, 65536, 1.5, NaN])('rejects port number %p with the valid range', (n) => {
    expect(() => Port.tcp(n)).toThrow(/^Port\.tcp: port must be an integer from 1 to 65535 \(.*\)\. Use a valid port number/);
  });

  test('rejects a range whose end is below its start', () => {
    expect(() => Port.tcpRange(9000, 8000)).toThrow(/Port\.portRange: endPort is lower than the start port \("9000-8000"\)\. Give the lower port first/);
  });

  test.each([
    ['', /1 to 15 characters/],
    ['a-very-long-port-name', /1 to 15 characters/],
    ['HTTP', /lower-case letters/],
    ['web--ui', /must not contain "--"/],
    ['8080', /at least one letter/],
    ['-web', /lower-case letters/],
  ])('rejects port name %p', (name, problem) => {
    expect(() => Port.named(name)).toThrow(problem);
    expect(() => Port.named(name)).toThrow(/Port\.named: .*Use the container port name/);
  });
});

describe('Port coverage', () => {
  test('a port is covered by its protocol-wide port and by an enclosing range', () => {
    expect(Port.tcp(80).isCoveredBy(Port.allTcp())).toBe(true);
    expect(Port.tcp(80).isCoveredBy(Port.tcpRange(1, 1024))).toBe(true);
    expect(Port.tcpRange(80, 90).isCoveredBy(Port.tcpRange(85, 100))).toBe(false);
    expect(Port.tcp(80).isCoveredBy(Port.udp(80))).toBe(false);
    expect(Port.named('http').isCoveredBy(Port.tcp(80))).toBe(false);
    expect(Port.named('http').isCoveredBy(Port.named('http'))).toBe(true);
  });
});

describe('normalizePorts', () => {
  test('joins overlapping and adjacent ranges, drops duplicates, sorts by protocol and number', () => {
    const out = normalizePorts([Port.udp(53), Port.tcp(81), Port.tcp(80), Port.tcpRange(82, 90), Port.tcp(443), Port.tcp(80)]);
    expect(out.map(String)).toEqual(['TCP 80-90', 'TCP 443', 'UDP 53']);
  });

  test('a whole protocol absorbs its single ports but not other protocols', () => {
    expect(normalizePorts([Port.tcp(80), Port.allTcp(), Port.udp(53)]).map(String)).toEqual(['TCP all ports', 'UDP 53']);
  });

  test('named ports are kept apart from numbers and sorted', () => {
    expect(normalizePorts([Port.named('web'), Port.tcp(80), Port.named('api')]).map(String)).toEqual(['TCP 80', 'TCP api', 'TCP web']);
  });

  test('no ports stays no ports (all ports)', () => {
    expect(normalizePorts([])).toEqual([]);
  });
});
