import { listOf, parseArguments, valueOf } from '../../src/cli/arguments';
import { parsePortArgument } from '../../src/cli/port-argument';
import { Protocol } from '../../src/core/port';

const SPECS = [
  { name: 'json', takesValue: false },
  { name: 'fail-on', takesValue: true },
  { name: 'ignore', takesValue: true, repeatable: true },
];

describe('parseArguments', () => {
  test('reads switches, values in both spellings, repeated values, and operands in any order', () => {
    const parsed = parseArguments('analyze', ['a.yaml', '--json', '--fail-on=low', '--ignore', 'X,Y', 'dir', '--ignore', ' Z '], SPECS);
    expect(parsed.operands).toEqual(['a.yaml', 'dir']);
    expect([...parsed.switches]).toEqual(['json']);
    expect(valueOf(parsed, 'fail-on')).toBe('low');
    expect(listOf(parsed, 'ignore')).toEqual(['X', 'Y', 'Z']);
  });

  test('"--" ends the options and "-" is an operand (standard input)', () => {
    const parsed = parseArguments('analyze', ['-', '--', '--json'], SPECS);
    expect(parsed.operands).toEqual(['-', '--json']);
    expect(parsed.switches.size).toBe(0);
  });

  test('errors name the command, the argument and the fix', () => {
    expect(() => parseArguments('analyze', ['--jsn'], SPECS))
      .toThrow('cdk8s-netsec analyze: does not know this option ("--jsn"). Known options: --json, --fail-on, --ignore. Did you mean "--json"? Run "cdk8s-netsec analyze --help" for the options.');
    expect(() => parseArguments('analyze', ['-j'], SPECS)).toThrow('does not know this option ("-j"). Options are spelled out with two dashes.');
    expect(() => parseArguments('analyze', ['--fail-on'], SPECS)).toThrow('--fail-on needs a value ("--fail-on")');
    expect(() => parseArguments('analyze', ['--fail-on', '--json'], SPECS)).toThrow('--fail-on needs a value');
    expect(() => parseArguments('analyze', ['--json=yes'], SPECS)).toThrow('--json takes no value ("--json=yes")');
    expect(() => parseArguments('analyze', ['--fail-on', 'low', '--fail-on=high'], SPECS)).toThrow('--fail-on is given more than once (["low","high"])');
  });
});

describe('parsePortArgument', () => {
  test('protocol/number, a bare number (TCP), and names', () => {
    expect(parsePortArgument('tcp/8080', 'port').toString()).toBe('TCP 8080');
    expect(parsePortArgument('UDP/53', 'port').toString()).toBe('UDP 53');
    expect(parsePortArgument('sctp/9000', 'port').protocol).toBe(Protocol.SCTP);
    expect(parsePortArgument('443', 'port').toString()).toBe('TCP 443');
    expect(parsePortArgument('http', 'port').toString()).toBe('TCP http');
    expect(parsePortArgument('udp/dns', 'port').toString()).toBe('UDP dns');
  });

  test('rejects what a matrix cannot be about, naming the value and the fix', () => {
    expect(() => parsePortArgument('tcp/65536', 'port')).toThrow('cdk8s-netsec --port: is not a port number from 1 to 65535 ("tcp/65536"). Give a port such as tcp/8080.');
    expect(() => parsePortArgument('http/80', 'port')).toThrow('names an unknown protocol ("http/80")');
    expect(() => parsePortArgument('8000-8100', 'port')).toThrow('is a range');
    expect(() => parsePortArgument('tcp/', 'port')).toThrow('is not a port ("tcp/")');
    expect(() => parsePortArgument('tcp/808O', 'port')).toThrow('is not a port');
  });
});
