import { Chart, Testing } from 'cdk8s';
import { AppProtocol, Port, Protocol } from '../../src';
import { checkPorts } from '../../src/core/port';
import { normalizePorts, renderPort } from '../../src/render/network-policy';

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

describe('Port from plain JavaScript', () => {
  test.each(['ICMP', 'tcp', '', 'ALL', 'TCP ', '*'])('every factory that takes a protocol refuses %p', (protocol) => {
    const p = protocol as Protocol;
    const message = /protocol is not one of TCP, UDP, SCTP \(.*\)\. Use Protocol\.TCP, Protocol\.UDP or Protocol\.SCTP/;
    expect(() => Port.portRange(p, 80, 90)).toThrow(new RegExp(`^Port\\.portRange: ${message.source}`));
    expect(() => Port.portRange(p, 80, 80)).toThrow(/^Port\.portRange: protocol is not one/);
    expect(() => Port.named('http', p)).toThrow(/^Port\.named: protocol is not one/);
    expect(() => Port.allPorts(p)).toThrow(/^Port\.allPorts: protocol is not one/);
  });

  test('null and non-string protocols are refused; only an omitted one defaults to TCP', () => {
    expect(() => Port.named('http', null as any)).toThrow(/^Port\.named: protocol is not one of TCP, UDP, SCTP \(null\)/);
    expect(() => Port.allPorts(undefined as any)).toThrow(/^Port\.allPorts: protocol is not one of TCP, UDP, SCTP \(undefined\)/);
    expect(() => Port.portRange(6 as any, 1, 2)).toThrow(/\(6\)/);
    expect(Port.named('http').protocol).toBe(Protocol.TCP);
    expect(Port.allPorts(Protocol.SCTP).toString()).toBe('SCTP all ports');
  });

  test.each([
    ['the string "80"', '80', /\("80"\)\. .*Pass the number without quotes: 80\./],
    ['NaN', NaN, /\(NaN\)/],
    ['Infinity', Infinity, /\(Infinity\)/],
    ['negative zero', -0, /\(-0\)/],
    ['null', null, /\(null\)/],
    ['undefined', undefined, /\(undefined\)/],
    ['an object', { port: 80 }, /\(\{"port":80\}\)/],
  ])('numeric factories refuse %s', (_name, value, shown) => {
    for (const make of [() => Port.tcp(value as any), () => Port.udp(value as any), () => Port.sctp(value as any)]) {
      expect(make).toThrow(/^Port\.(tcp|udp|sctp): port must be an integer from 1 to 65535/);
      expect(make).toThrow(shown);
    }
    expect(() => Port.tcpRange(value as any, 90)).toThrow(/^Port\.portRange: port must be an integer/);
    expect(() => Port.udpRange(1, value as any)).toThrow(/^Port\.portRange: port must be an integer/);
  });

  test('a named port must be a string', () => {
    expect(() => Port.named(undefined as any)).toThrow(/^Port\.named: port name must be a string \(undefined\)\. Use the container port name/);
    expect(() => Port.named(8080 as any)).toThrow(/port name must be a string \(8080\)/);
  });

  test('a Port cannot be changed after the factory checked it', () => {
    const port = Port.tcp(443);
    expect(() => { (port as any).protocol = 'ICMP'; }).toThrow(TypeError);
    expect(() => { (port as any).startPort = undefined; }).toThrow(TypeError);
    expect([port.protocol, port.startPort, port.isAllPorts]).toEqual([Protocol.TCP, 443, false]);
    expect(() => { (Port.named('http') as any).name = 'admin'; }).toThrow(TypeError);
    expect(() => { (Port.allUdp() as any).startPort = 1; }).toThrow(TypeError);
    // Not frozen: the jsii kernel must be able to tag a Port it hands to Python.
    expect(Object.isExtensible(Port.tcp(443))).toBe(true);
  });
});

describe('checkPorts', () => {
  test('returns a copy of well-formed ports', () => {
    const ports = [Port.tcp(80), Port.named('web'), Port.allUdp(), Port.tcpRange(1, 9)];
    const checked = checkPorts('x', ports);
    expect(checked).toEqual(ports);
    expect(checked).not.toBe(ports);
    expect(checkPorts('x', [])).toEqual([]);
  });

  test.each([
    ['a plain number', [8080], '(8080). Use Port.tcp(8080) or Port.udp(8080) (the Port factories), not a plain number or string.'],
    ['a number string', ['443'], '("443"). Use Port.tcp(443) or Port.udp(443)'],
    ['a protocol/port string', ['tcp/80'], '("tcp/80"). Use Port.tcp(8080), Port.udp(53) or another Port factory.'],
    ['undefined', [undefined], '(undefined). Use Port.tcp(8080)'],
    ['null', [null], '(null). Use Port.tcp(8080)'],
    ['an array inside the array', [[Port.tcp(80)]], '([{"protocol":"TCP","startPort":80}]). Use Port.tcp(8080)'],
    ['a look-alike object', [{ protocol: 'TCP', startPort: 80 }], '({"protocol":"TCP","startPort":80}). Use Port.tcp(8080)'],
    ['an out-of-range number', [70000], '(70000). Use Port.tcp(8080), Port.udp(53) or another Port factory.'],
  ])('refuses %s with the value and the fix', (_name, ports, message) => {
    expect(() => checkPorts('shop/api', ports as any)).toThrow(`shop/api: ports must be Port values ${message}`);
  });

  test('refuses a non-list, and forged Ports that skip the factories', () => {
    expect(() => checkPorts('Destination.cidr', Port.tcp(80) as any)).toThrow(/^Destination\.cidr: ports must be a list of Port values/);
    expect(() => checkPorts('x', undefined as any)).toThrow(/ports must be a list of Port values \(undefined\)/);
    const forged = Object.create(Port.prototype);
    expect(() => checkPorts('x', [forged])).toThrow(/ports must be Port values/);
    const unknownProtocol = Object.freeze(Object.assign(Object.create(Port.prototype), { protocol: 'ICMP' }));
    expect(() => checkPorts('x', [unknownProtocol])).toThrow(/ports must be Port values/);
    const badRange = Object.freeze(Object.assign(Object.create(Port.prototype), { protocol: 'TCP', startPort: 90, endPort: 80 }));
    expect(() => checkPorts('x', [badRange])).toThrow(/ports must be Port values/);
  });

  test('takes a construct as where', () => {
    const chart = new Chart(Testing.app(), 'shop');
    expect(() => checkPorts(chart, [80 as any])).toThrow(/^shop: ports must be Port values \(80\)/);
  });
});

describe('Port.allTraffic() is its own kind of port', () => {
  test('every protocol, printed as such, while protocol reads TCP (narrower for code that does not ask)', () => {
    const all = Port.allTraffic();
    expect(all.isAllTraffic).toBe(true);
    expect(all.toString()).toBe('all traffic');
    expect(all.protocol).toBe(Protocol.TCP);
    expect(Port.udp(53).isCoveredBy(all)).toBe(true);
    expect(all.isCoveredBy(Port.allTcp())).toBe(false);
  });

  test('a whole protocol is not all traffic, and plain JavaScript cannot make it so', () => {
    const tcp = Port.allTcp();
    expect(tcp.isAllTraffic).toBe(false);
    expect(() => { (tcp as any).everyProtocol = true; }).toThrow(TypeError);
    expect(tcp.isAllTraffic).toBe(false);
    expect(Port.udp(53).isCoveredBy(tcp)).toBe(false);
  });
});

describe('single ports are values made once', () => {
  test('the same protocol and number give the same read-only Port; others do not', () => {
    expect(Port.tcp(8080)).toBe(Port.tcp(8080));
    expect(Port.udp(53)).toBe(Port.udp(53));
    expect(Port.tcp(53)).not.toBe(Port.udp(53));
    expect(Port.tcp(8080)).not.toBe(Port.tcp(8081));
    const shared = Port.tcp(8080);
    expect(() => {
      (shared as any).startPort = 1;
    }).toThrow(TypeError);
    expect(String(Port.tcp(8080))).toBe('TCP 8080');
    expect(Port.tcp(9090).withAppProtocol(AppProtocol.GRPC)).not.toBe(Port.tcp(9090));
    expect(Port.tcp(9090).appProtocol).toBeUndefined();
  });
});
